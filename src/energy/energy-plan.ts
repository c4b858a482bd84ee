/**
 * How each energy counter of a family is made, decided once from its table: the family's
 * energy rows (a lifetime counter, a daily counter, per-circuit buckets) and, for every power
 * its rows map that no energy row covers, the integral of that power. A lifetime counter whose
 * power the family also maps carries that integral as its fallback, for a device whose full
 * read lacks the counter's keys altogether (a model or firmware without them). Knows nothing
 * of OpenTelemetry.
 */
import type { CircuitBucketsRow, DailyCounterRow, DeviceFamily, LifetimeCounterRow } from '../devices/device-family.js';
import { targetOf } from '../devices/unify.js';
import { ENERGY_METRICS, type EnergyMetricId, type Port, type UnifiedMetricId } from '../metrics/catalog.js';

/** One counter of a device, apart from circuits: its metric and, on per-port metrics, port. */
export interface EnergyTarget {
  metric: EnergyMetricId;
  port?: Port;
}

/** The integral of a power the family maps: which power, and which sign of it. */
export interface Integration {
  power: { metric: UnifiedMetricId; port?: Port; target: string };
  part: 'all' | 'positive' | 'negative';
}

export type PlannedCounter =
  | (EnergyTarget & { how: 'lifetime'; row: LifetimeCounterRow; fallback?: Integration })
  | (EnergyTarget & { how: 'daily'; row: DailyCounterRow })
  | (EnergyTarget & { how: 'integrated' } & Integration);

export interface EnergyPlan {
  counters: readonly PlannedCounter[];
  circuits: readonly CircuitBucketsRow[];
  ratedPowerW: number;
  /** The power targets (unify.ts targetOf) integration reads. */
  powerTargets: ReadonlySet<string>;
}

const plans = new WeakMap<DeviceFamily, EnergyPlan>();

/** The family's plan, made once. */
export function energyPlan(family: DeviceFamily): EnergyPlan {
  let plan = plans.get(family);
  if (plan) return plan;
  const counters: PlannedCounter[] = [];
  const circuits: CircuitBucketsRow[] = [];
  const integrations = integrationsOf(family);
  const covered = new Set<string>();
  for (const row of family.energy.rows) {
    if (row.kind === 'circuit-buckets') {
      circuits.push(row);
      continue;
    }
    const key = energyKey(row);
    covered.add(key);
    const target: EnergyTarget = { metric: row.metric, ...(row.port && { port: row.port }) };
    const fallback = integrations.get(key);
    counters.push(row.kind === 'lifetime' ? { how: 'lifetime', ...target, row, ...(fallback && { fallback }) } : { how: 'daily', ...target, row });
  }
  for (const [key, integration] of integrations) if (!covered.has(key)) counters.push({ how: 'integrated', ...targetOfKey(key), ...integration });
  const powerTargets = new Set(
    counters.flatMap((c) => (c.how === 'integrated' ? [c.power.target] : c.how === 'lifetime' && c.fallback ? [c.fallback.power.target] : [])),
  );
  plan = { counters, circuits, ratedPowerW: family.energy.ratedPowerW, powerTargets };
  plans.set(family, plan);
  return plan;
}

/** Every energy metric (and port) a power row of the family gives, with its integral. */
function integrationsOf(family: DeviceFamily): Map<string, Integration> {
  const out = new Map<string, Integration>();
  for (const row of family.rows) {
    for (const [id, energy] of Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>) {
      if (!('power' in energy) || energy.power.metric !== row.metric) continue;
      const key = energyKey({ metric: id, ...(row.port && { port: row.port }) });
      if (out.has(key)) continue;
      const part = 'part' in energy.power ? energy.power.part : 'all';
      out.set(key, { power: { metric: row.metric, ...(row.port && { port: row.port }), target: targetOf(row) }, part });
    }
  }
  return out;
}

function targetOfKey(key: string): EnergyTarget {
  const [metric, port] = key.split('/') as [EnergyMetricId, Port | undefined];
  return port === undefined ? { metric } : { metric, port };
}

/** A target's identity within a device: metric and port. */
export function energyKey(target: EnergyTarget): string {
  return target.port === undefined ? target.metric : `${target.metric}/${target.port}`;
}

/** The keys an energy row reads (for the key-coverage check). */
export function energyRowInputs(row: DeviceFamily['energy']['rows'][number]): string[] {
  return row.kind === 'circuit-buckets' ? [row.key, ...row.day] : [...row.keys, ...(row.kind === 'daily' ? row.day : [])];
}
