import { parsePath, readPath } from './quota-path.js';
import type { QuotaEntry } from './quota-snapshot.js';

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
  const exact = quotas.get(path);
  if (exact !== undefined) {
    const value = numericValue(exact.value);
    return value === undefined ? undefined : reading(value, exact);
  }
  for (let cut = path.length - 1; cut > 0; cut--) {
    const c = path[cut];
    if (c !== '.' && c !== '[') continue;
    const entry = quotas.get(path.slice(0, cut));
    if (entry === undefined) continue;
    const value = numericValue(readPath(entry.value, parsePath(path, cut)));
    return value === undefined ? undefined : reading(value, entry);
  }
  return undefined;
}

function reading(value: number, entry: QuotaEntry): QuotaReading {
  return entry.inRest ? { value, updatedAt: entry.updatedAt, rest: true } : { value, updatedAt: entry.updatedAt };
}
