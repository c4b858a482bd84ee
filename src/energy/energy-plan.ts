/**
 * How each energy counter of a family is made, decided once from its table: the family's
 * energy rows (a lifetime counter, a daily counter, per-circuit buckets) and, for every power
 * its rows map that no energy row covers, the integral of that power. Knows nothing of
 * OpenTelemetry.
 */
import type { CircuitBucketsRow, DailyCounterRow, DeviceFamily, LifetimeCounterRow } from '../devices/device-family.js';
import { targetOf } from '../devices/unify.js';
import { ENERGY_METRICS, type EnergyMetricId, type Port, type UnifiedMetricId } from '../metrics/catalog.js';

/** One counter of a device, apart from circuits: its metric and, on per-port metrics, port. */
export interface EnergyTarget {
  metric: EnergyMetricId;
  port?: Port;
}

export type PlannedCounter =
  | (EnergyTarget & { how: 'lifetime'; row: LifetimeCounterRow })
  | (EnergyTarget & { how: 'daily'; row: DailyCounterRow })
  | (EnergyTarget & { how: 'integrated'; power: { metric: UnifiedMetricId; port?: Port; target: string }; part: 'all' | 'positive' | 'negative' });

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
  const covered = new Set<string>();
  for (const row of family.energy.rows) {
    if (row.kind === 'circuit-buckets') {
      circuits.push(row);
      continue;
    }
    covered.add(energyKey(row));
    counters.push(
      row.kind === 'lifetime'
        ? { how: 'lifetime', metric: row.metric, ...(row.port && { port: row.port }), row }
        : { how: 'daily', metric: row.metric, ...(row.port && { port: row.port }), row },
    );
  }
  const integrated = new Set<string>();
  for (const row of family.rows) {
    for (const [id, energy] of Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>) {
      if (!('power' in energy) || energy.power.metric !== row.metric) continue;
      const target: EnergyTarget = { metric: id, ...(row.port && { port: row.port }) };
      const key = energyKey(target);
      if (covered.has(key) || integrated.has(key)) continue;
      integrated.add(key);
      const part = 'part' in energy.power ? energy.power.part : 'all';
      counters.push({ how: 'integrated', ...target, power: { metric: row.metric, ...(row.port && { port: row.port }), target: targetOf(row) }, part });
    }
  }
  const powerTargets = new Set(counters.flatMap((c) => (c.how === 'integrated' ? [c.power.target] : [])));
  plan = { counters, circuits, ratedPowerW: family.energy.ratedPowerW, powerTargets };
  plans.set(family, plan);
  return plan;
}

/** A target's identity within a device: metric and port. */
export function energyKey(target: EnergyTarget): string {
  return target.port === undefined ? target.metric : `${target.metric}/${target.port}`;
}

/** The keys an energy row reads (for the key-coverage check). */
export function energyRowInputs(row: DeviceFamily['energy']['rows'][number]): string[] {
  return row.kind === 'circuit-buckets' ? [row.key, ...row.day] : [...row.keys, ...(row.kind === 'daily' ? row.day : [])];
}
