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
import { energyRowInputs } from '../devices/family-keys.js';
import { ENERGY_METRICS, type EnergyMetricId, type Port, type UnifiedMetricId } from '../catalog/catalog.js';
import { encodeCounterKey } from './counter-key.js';

/** One counter of a device, apart from circuits: its metric and, on per-port metrics, port. */
export interface EnergyTarget {
  metric: Exclude<EnergyMetricId, 'circuitEnergy'>;
  port?: Port;
}

/** The integral of a power the family maps: which power, and which sign of it. */
export interface Integration {
  power: { metric: UnifiedMetricId; port?: Port; target: string };
  part: 'all' | 'positive' | 'negative';
}

/**
 * `key`: encodeCounterKey of the target; `ratedW`: the rating its inputs are judged by; `inputs`:
 * the keys whose write it reads again (the row's keys, its day and pack keys).
 */
export type PlannedCounter = EnergyTarget & { key: string; ratedW: number } & (
    | { how: 'lifetime'; row: LifetimeCounterRow; fallback?: Integration; inputs: readonly string[] }
    | { how: 'daily'; row: DailyCounterRow; inputs: readonly string[] }
    | ({ how: 'integrated' } & Integration)
  );

export interface EnergyPlan {
  counters: readonly PlannedCounter[];
  circuits: readonly CircuitBucketsRow[];
  /** Each circuit row's inputs (energyRowInputs), made once. */
  circuitInputs: ReadonlyMap<CircuitBucketsRow, readonly string[]>;
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
    const target = { metric: row.metric, ...(row.port && { port: row.port }) } as EnergyTarget;
    const key = encodeCounterKey(target);
    covered.add(key);
    const fallback = integrations.get(key)?.integration;
    const base = { ...target, key, ratedW: row.rating.watts };
    counters.push(
      row.kind === 'lifetime'
        ? { how: 'lifetime', ...base, row, ...(fallback && { fallback }), inputs: row.pack ? [...energyRowInputs(row), row.pack] : energyRowInputs(row) }
        : { how: 'daily', ...base, row, inputs: energyRowInputs(row) },
    );
  }
  for (const [key, { target, integration }] of integrations)
    if (!covered.has(key)) counters.push({ how: 'integrated', ...target, key, ratedW: family.energy.ratedPowerW, ...integration });
  const powerTargets = new Set(
    counters.flatMap((c) => (c.how === 'integrated' ? [c.power.target] : c.how === 'lifetime' && c.fallback ? [c.fallback.power.target] : [])),
  );
  plan = { counters, circuits, circuitInputs: new Map(circuits.map((row) => [row, energyRowInputs(row)])), powerTargets };
  plans.set(family, plan);
  return plan;
}

/** Every energy metric (and port) a power row of the family gives, by counter key, with its integral. */
function integrationsOf(family: DeviceFamily): Map<string, { target: EnergyTarget; integration: Integration }> {
  const out = new Map<string, { target: EnergyTarget; integration: Integration }>();
  for (const row of family.rows) {
    for (const [id, energy] of Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>) {
      if (!('power' in energy) || energy.power.metric !== row.metric) continue;
      const target = { metric: id, ...(row.port && { port: row.port }) } as EnergyTarget;
      const key = encodeCounterKey(target);
      if (out.has(key)) continue;
      const part = 'part' in energy.power ? energy.power.part : 'all';
      out.set(key, { target, integration: { power: { metric: row.metric, ...(row.port && { port: row.port }), target: targetOf(row) }, part } });
    }
  }
  return out;
}
