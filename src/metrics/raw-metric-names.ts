/**
 * Turns one raw quota (key → JSON value) into numeric samples named the way the Python
 * ecoflow_prometheus.py exporter named them, so existing dashboards keep working:
 * dots and brackets become underscores, camelCase becomes snake_case (inflection.underscore's
 * two rules), array positions become `index_0`, `index_1`, … labels, one per nesting depth.
 */
import { createHash } from 'node:crypto';
import { visitLeaves, type LeafWalk, type PathSegment } from '../snapshot/quota-path.js';
import { numericValue } from '../snapshot/quota-value.js';
import { MAX_QUOTA_DEPTH } from '../snapshot/quota-budget.js';

export interface QuotaSample {
  /** Metric name without the prefix, e.g. `bms_bms_status_f32_show_soc`. */
  name: string;
  /** The key and, inside objects, the path to the value: `20_134.task1.type`. */
  path: string;
  /** Array positions from the outermost array inwards. */
  indexes: readonly string[];
  value: number;
}

// Shared by every sample outside arrays: nearly all of them, and never written to.
const NO_INDEXES: readonly string[] = [];

const FLATTEN: LeafWalk<string, QuotaSample[]> = {
  // The Python exporter's path: names joined by dots, array positions left to the labels.
  step: (path, segment) => (typeof segment === 'number' ? path : `${path}.${segment}`),
  leaf(leaf, path, segments, out) {
    const value = numericValue(leaf);
    if (value === undefined) return;
    const indexes = segments.length === 0 ? NO_INDEXES : indexesOf(segments, out.at(-1)?.indexes ?? NO_INDEXES);
    out.push({ name: quotaMetricSuffix(path), path, indexes, value });
  },
  maxDepth: MAX_QUOTA_DEPTH,
  // An empty array or object holds no measurement.
  emptyContainersAreLeaves: false,
};

export function flattenQuota(key: string, value: unknown, out: QuotaSample[] = []): QuotaSample[] {
  visitLeaves(value, key, FLATTEN, out);
  return out;
}

/**
 * The array positions in `segments`; `previous` (the last sample's) again if they are the same,
 * so that the leaves of one array element (`[{curPower, …}]`) share one array, not one each.
 */
function indexesOf(segments: readonly PathSegment[], previous: readonly string[]): readonly string[] {
  let count = 0;
  let same = true;
  for (const s of segments) {
    if (typeof s !== 'number') continue;
    if (same && previous[count] !== String(s)) same = false;
    count++;
  }
  if (count === 0) return NO_INDEXES;
  if (same && count === previous.length) return previous;
  const indexes: string[] = [];
  for (const s of segments) if (typeof s === 'number') indexes.push(String(s));
  return indexes;
}

const MAX_SUFFIX_LENGTH = 180;
const suffixCache = new Map<string, string>();
const SUFFIX_CACHE_LIMIT = 100_000;

/** `bms_bmsStatus.f32ShowSoc` → `bms_bms_status_f32_show_soc`; always a valid name fragment. */
function quotaMetricSuffix(path: string): string {
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
