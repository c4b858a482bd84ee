import { parsePath, readPath } from './quota-path.js';

// Finite decimal numbers only: "NaN", "Infinity", hex and empty strings are not measurements.
const NUMERIC_STRING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A quota value as a number: finite numbers, booleans as 1/0, decimal strings; else undefined. */
export function numericValue(value: unknown): number | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value ? 1 : 0;
    case 'string': {
      if (!NUMERIC_STRING.test(value)) return undefined;
      const n = Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    default:
      return undefined;
  }
}

/** One stored key of a device (the snapshot's record holds them): here, so that the snapshot can use this file without a circle. */
export interface QuotaEntry {
  value: unknown;
  /** Epoch ms at which this key's value was last written. */
  updatedAt: number;
  /**
   * The last REST full read held this key. A key only the stream delivers is not REST's to
   * delete: it stays until it is stale (and is pruned after `streamOnlyLifetimeMs`).
   */
  inRest?: boolean;
}

export interface QuotaReading {
  value: number;
  updatedAt: number;
  /** Delivered by the last REST read (see QuotaEntry.inRest). */
  rest?: true;
}

/**
 * The number at `path` in a device's quotas. Most keys are flat (`pd.soc`); some models nest
 * objects and arrays under one key (PowerOcean `pcsAPhase` → `{vol, …}`, Smart Home Panel
 * `heartbeat.energyInfos` → `[{…}]`), so a path that is not a key is looked up as the longest
 * key that starts it, then walked (`a.b`, `[0]`; see quota-path.ts).
 */
export function readQuota(quotas: ReadonlyMap<string, QuotaEntry>, path: string): QuotaReading | undefined {
  const held = holderLength(quotas, path);
  if (held === 0) return undefined;
  const entry = quotas.get(held === path.length ? path : path.slice(0, held))!;
  const value = numericValue(held === path.length ? entry.value : readPath(entry.value, parsePath(path, held)));
  return value === undefined ? undefined : reading(value, entry);
}

/** The value at `path` as it is (a date string, an array of buckets), not only numbers. */
export function readRawQuota(quotas: ReadonlyMap<string, QuotaEntry>, path: string): unknown {
  const held = holderLength(quotas, path);
  if (held === 0) return undefined;
  const entry = quotas.get(held === path.length ? path : path.slice(0, held))!;
  return held === path.length ? entry.value : readPath(entry.value, parsePath(path, held));
}

/**
 * How much of `path` is the key holding its value: all of it when it is a key, else the
 * longest key that starts it at a `.` or `[`; 0 when no key does. (Counted, not sliced: reads
 * are hot.)
 */
function holderLength(quotas: ReadonlyMap<string, QuotaEntry>, path: string): number {
  if (quotas.has(path)) return path.length;
  for (let cut = path.length - 1; cut > 0; cut--) {
    const c = path[cut];
    if ((c === '.' || c === '[') && quotas.has(path.slice(0, cut))) return cut;
  }
  return 0;
}

function reading(value: number, entry: QuotaEntry): QuotaReading {
  return entry.inRest ? { value, updatedAt: entry.updatedAt, rest: true } : { value, updatedAt: entry.updatedAt };
}
