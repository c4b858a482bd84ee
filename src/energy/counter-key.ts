/**
 * A counter's identity within a device (metric, and port, or circuit and source) as one text:
 * the key of the state file and of the ledger's maps. The one encoder and the one decoder; the
 * decoder checks the key against the catalog, so a state file can never bring back a counter
 * the exporter does not make.
 */
import { CIRCUIT_SOURCES, ENERGY_METRICS, PORTS, type CircuitSource, type EnergyMetricId, type Port } from '../catalog/catalog.js';

/** The labels that tell one counter of a device from another. */
export type CounterId = { metric: Exclude<EnergyMetricId, 'circuitEnergy'>; port?: Port } | { metric: 'circuitEnergy'; circuit: string; source: CircuitSource };

/** `metric`, `metric/port` or `circuitEnergy/source/n`. */
export function encodeCounterKey(id: CounterId): string {
  if (id.metric === 'circuitEnergy') return `${id.metric}/${id.source}/${id.circuit}`;
  return id.port === undefined ? id.metric : `${id.metric}/${id.port}`;
}

/** The counter a key names, or undefined when the catalog has no such counter. */
export function decodeCounterKey(key: string): CounterId | undefined {
  const [metric, a, b, ...rest] = key.split('/');
  if (rest.length > 0 || metric === undefined || !Object.hasOwn(ENERGY_METRICS, metric)) return undefined;
  const spec = ENERGY_METRICS[metric as EnergyMetricId];
  if ('perCircuit' in spec) {
    const source = CIRCUIT_SOURCES.find((s) => s === a);
    return source && b !== undefined && /^[1-9]\d{0,2}$/.test(b) ? { metric: 'circuitEnergy', circuit: b, source } : undefined;
  }
  const plain = metric as Exclude<EnergyMetricId, 'circuitEnergy'>;
  if (b !== undefined) return undefined;
  if ('perPort' in spec) return a !== undefined && Object.hasOwn(PORTS, a) ? { metric: plain, port: a as Port } : undefined;
  return a === undefined ? { metric: plain } : undefined;
}
