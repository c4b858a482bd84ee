/**
 * What the energy counters read of a device's quotas: a device counter's keys added up, a daily
 * value and its day, a circuit's hourly buckets, a power's sign. Each reading is judged by
 * plausibility.ts; nothing here keeps state. Knows nothing of OpenTelemetry.
 */
import type { LifetimeCounterRow } from '../devices/device-family.js';
import { holds } from '../snapshot/quota-path.js';
import type { QuotaEntry } from '../snapshot/quota-snapshot.js';
import { readQuota, readRawQuota } from '../snapshot/quota-value.js';
import { availableValue } from './plausibility.js';

type Quotas = ReadonlyMap<string, QuotaEntry>;

/** A device counter's reading: joules, as of its newest key, and the pack it names (if any). */
export interface LifetimeReading {
  joules: number;
  at: number;
  pack?: string;
}

/**
 * The row's keys' raw values added up, × scale, with the time of the newest (the stream may
 * bring one key of a sum without the others: the sum is as of then). Undefined when a key is
 * not available, or the sum is 0: a key the model leaves unfilled reads 0 for ever, and a
 * counter that counted nothing yet has nothing to say. The pack is the row's pack key when it
 * was written with the reading (the same message).
 */
export function readLifetime(row: Pick<LifetimeCounterRow, 'keys' | 'scale' | 'pack'>, quotas: Quotas): LifetimeReading | undefined {
  let sum = 0;
  let at = -Infinity;
  for (const key of row.keys) {
    const reading = readQuota(quotas, key);
    const value = reading && availableValue(reading.value);
    if (value === undefined) return undefined;
    sum += value;
    at = Math.max(at, reading!.updatedAt);
  }
  if (sum === 0) return undefined;
  const pack = row.pack === undefined ? undefined : packOf(quotas.get(row.pack), at);
  return { joules: sum * row.scale, at, ...(pack !== undefined && { pack }) };
}

function packOf(entry: QuotaEntry | undefined, at: number): string | undefined {
  if (!entry || entry.updatedAt !== at) return undefined;
  const id = typeof entry.value === 'number' ? String(entry.value) : entry.value;
  return typeof id === 'string' && id.trim() !== '' ? id.trim().slice(0, 64) : undefined;
}

/** A daily counter's value: its keys added up; undefined when one is not available. */
export function dailyValue(keys: readonly string[], quotas: Quotas): number[] | undefined {
  let sum = 0;
  for (const key of keys) {
    const reading = readQuota(quotas, key);
    const value = reading && availableValue(reading.value);
    if (value === undefined) return undefined;
    sum += value;
  }
  return [sum];
}

/** The circuit's hourly values (0-based `circuit`): an array of at most 24, else nothing. */
export function bucketValues(key: string, circuit: number, quotas: Quotas): number[] | undefined {
  const rows = readRawQuota(quotas, key);
  if (!Array.isArray(rows)) return undefined;
  const row: unknown = rows[circuit];
  if (!Array.isArray(row) || row.length === 0 || row.length > 24) return undefined;
  return row.map((v) => availableValue(v) ?? 0);
}

/** The device's day from its date keys (`2025-12-6`, or year, month and day), if all are there. */
export function dayOf(keys: readonly string[], quotas: Quotas): string | undefined {
  const parts: string[] = [];
  for (const key of keys) {
    const value = readRawQuota(quotas, key);
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    parts.push(String(value).trim());
  }
  return parts.join('-');
}

/** The sign of a power a counter counts, as a magnitude; a negative magnitude is not a reading. */
export function powerPart(watts: number, which: 'all' | 'positive' | 'negative'): number | undefined {
  if (which === 'positive') return Math.max(0, watts);
  if (which === 'negative') return Math.max(0, -watts);
  return watts >= 0 ? watts : undefined;
}

/** A write of `keys` wrote one of `paths` (the key itself or a value nesting it). */
export function wrote(keys: ReadonlySet<string>, paths: readonly string[]): boolean {
  for (const key of keys) for (const path of paths) if (holds(key, path)) return true;
  return false;
}
