import { createHash } from 'node:crypto';
import { numericValue } from '../snapshot/quota-value.js';

/**
 * Turns one raw quota (key → JSON value) into numeric samples named the way the Python
 * ecoflow_prometheus.py exporter named them, so existing dashboards keep working:
 * dots and brackets become underscores, camelCase becomes snake_case (inflection.underscore's
 * two rules), array positions become `index_0`, `index_1`, … labels, one per nesting depth.
 */
export interface QuotaSample {
  /** Metric name without the prefix, e.g. `bms_bms_status_f32_show_soc`. */
  name: string;
  /** The key and, inside objects, the path to the value: `20_134.task1.type`. */
  path: string;
  /** Array positions from the outermost array inwards. */
  indexes: readonly string[];
  value: number;
}

/** Deeper values are skipped: nothing real nests this far, and recursion must stay bounded. */
export const MAX_QUOTA_DEPTH = 16;

export function flattenQuota(key: string, value: unknown, out: QuotaSample[] = []): QuotaSample[] {
  walk(key, [], value, 0, out);
  return out;
}

function walk(path: string, indexes: string[], value: unknown, depth: number, out: QuotaSample[]): void {
  if (depth > MAX_QUOTA_DEPTH) return;
  if (value === null) return;
  if (typeof value !== 'object') {
    const n = numericValue(value);
    if (n !== undefined) out.push({ name: quotaMetricSuffix(path), path, indexes, value: n });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(path, [...indexes, String(i)], value[i], depth + 1, out);
  } else {
    for (const [k, v] of Object.entries(value)) walk(`${path}.${k}`, indexes, v, depth + 1, out);
  }
}

const MAX_SUFFIX_LENGTH = 180;
const suffixCache = new Map<string, string>();
const SUFFIX_CACHE_LIMIT = 100_000;

/** `bms_bmsStatus.f32ShowSoc` → `bms_bms_status_f32_show_soc`; always a valid name fragment. */
export function quotaMetricSuffix(path: string): string {
  let suffix = suffixCache.get(path);
  if (suffix !== undefined) return suffix;
  suffix = snakeCase(path);
  if (suffix === '') suffix = `key_${shortHash(path)}`;
  if (suffix.length > MAX_SUFFIX_LENGTH) suffix = `${suffix.slice(0, MAX_SUFFIX_LENGTH - 9)}_${shortHash(path)}`;
  if (suffixCache.size >= SUFFIX_CACHE_LIMIT) suffixCache.clear();
  suffixCache.set(path, suffix);
  return suffix;
}

function snakeCase(path: string): string {
  return trimUnderscores(
    trimUnderscores(path.replace(/[.[\]]/g, '_').replace(/_+/g, '_'))
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .replace(/([a-z\d])([A-Z])/g, '$1_$2')
      .replace(/-/g, '_')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/_+/g, '_'),
  );
}

function trimUnderscores(s: string): string {
  return s.replace(/^_+|_+$/g, '');
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}
