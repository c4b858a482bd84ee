import type { QuotaEntry } from '../snapshot/quota-snapshot.js';
import { readQuota, type QuotaReading } from '../snapshot/quota-value.js';
import { holds } from '../snapshot/quota-path.js';
import type { DeviceFamily, MappingRow, ValueRange } from './device-family.js';
import { rowInputs } from './family-keys.js';
import type { Phase, Port, UnifiedMetricId } from '../catalog/catalog.js';

export interface UnifiedSample {
  metric: UnifiedMetricId;
  port?: Port;
  phase?: Phase;
  value: number;
  /** The oldest write among the keys it was computed from: stale inputs make it stale. */
  updatedAt: number;
  /** That oldest input came from a REST read. */
  rest?: true;
}

/**
 * A family's rows applied to a device's quotas, keyed by target (targetOf). An absent key, a
 * value out of its valid range, or a missing factor gives no sample: never a 0. Rows with the
 * same metric and port add up. `only`: just these targets (those a partial update fed).
 */
export function samplesByTarget(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>, only?: ReadonlySet<string>): Map<string, UnifiedSample> {
  const byTarget = new Map<string, UnifiedSample>();
  for (const row of family.rows) {
    const target = targetOf(row);
    if (only && !only.has(target)) continue;
    const reading = evaluate(row, quotas);
    if (reading === undefined) continue;
    const previous = byTarget.get(target);
    if (previous) {
      previous.value += reading.value;
      older(previous, reading);
    } else {
      byTarget.set(target, { metric: row.metric, ...(row.port && { port: row.port }), ...(row.phase && { phase: row.phase }), ...reading });
    }
  }
  for (const sample of byTarget.values()) sample.value = tidy(sample.value);
  return byTarget;
}

/** Where a row's value goes: its metric, and port or phase for per-port and per-phase metrics. */
export function targetOf(row: MappingRow): string {
  const label = row.port ?? row.phase;
  return label === undefined ? row.metric : `${row.metric}\u0000${label}`;
}

const inputsCache = new WeakMap<DeviceFamily, Array<[path: string, target: string]>>();

/**
 * The targets a write of `keys` can change: rows reading one of the keys, or a path inside one
 * (`heartbeat` feeds `heartbeat.energyInfos[0].watts`), through any of their inputs.
 */
export function targetsFedBy(family: DeviceFamily, keys: ReadonlySet<string>): ReadonlySet<string> {
  // The gauges and the energy ledger both ask, for the same write: the answer is kept with it.
  let byWrite = fedCache.get(family);
  if (!byWrite) fedCache.set(family, (byWrite = new WeakMap()));
  let fed = byWrite.get(keys);
  if (!fed) byWrite.set(keys, (fed = computeTargetsFedBy(family, keys)));
  return fed;
}

const fedCache = new WeakMap<DeviceFamily, WeakMap<ReadonlySet<string>, ReadonlySet<string>>>();

function computeTargetsFedBy(family: DeviceFamily, keys: ReadonlySet<string>): Set<string> {
  let inputs = inputsCache.get(family);
  if (!inputs) {
    inputs = [];
    for (const row of family.rows) {
      const target = targetOf(row);
      for (const path of rowInputs(row)) inputs.push([path, target]);
    }
    inputsCache.set(family, inputs);
  }
  const targets = new Set<string>();
  for (const key of keys) {
    for (const [path, target] of inputs) {
      if (holds(key, path)) targets.add(target);
    }
  }
  return targets;
}

function evaluate(row: MappingRow, quotas: ReadonlyMap<string, QuotaEntry>): QuotaReading | undefined {
  if (row.when) {
    const condition = readQuota(quotas, row.when.key);
    if (condition === undefined || !within(condition.value, row.when)) return undefined;
  }
  const base = firstPresent(row.key, quotas);
  if (base === undefined) return undefined;
  const result: QuotaReading = { ...base };
  if (row.valid && !within(result.value, row.valid)) return undefined;
  if (row.times !== undefined) {
    const factor = readQuota(quotas, row.times);
    if (factor === undefined) return undefined;
    result.value *= factor.value;
    older(result, factor);
  }
  if (row.minus !== undefined) {
    const subtrahend = readQuota(quotas, row.minus);
    if (subtrahend === undefined) return undefined;
    result.value -= subtrahend.value;
    older(result, subtrahend);
  }
  result.value *= row.scale * (row.sign ?? 1);
  if (row.abs) result.value = Math.abs(result.value);
  return result;
}

/** `into` takes the write time (and source) of `other` when that is older. */
function older(into: { updatedAt: number; rest?: true }, other: QuotaReading): void {
  if (other.updatedAt >= into.updatedAt) return;
  into.updatedAt = other.updatedAt;
  if (other.rest) into.rest = true;
  else delete into.rest;
}

function firstPresent(key: MappingRow['key'], quotas: ReadonlyMap<string, QuotaEntry>): QuotaReading | undefined {
  if (typeof key === 'string') return readQuota(quotas, key);
  for (const k of key) {
    const reading = readQuota(quotas, k);
    if (reading !== undefined) return reading;
  }
  return undefined;
}

function within(value: number, range: ValueRange): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max) && !(range.notZero && value === 0);
}

/** Scaling by 0.1 leaves binary noise (2960 × 0.1 = 296.00000000000006): round it away. */
function tidy(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}
