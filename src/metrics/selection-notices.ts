/**
 * What the start-up log says of the user's metric selection: patterns that are not globs,
 * patterns that match nothing the exporter knows of, raw metrics an include names while
 * RAW_METRICS=false, and shipped dashboards and alert rules that would lose what they read.
 * None of it stops the exporter: raw names come from the devices, so a pattern may be right
 * about a device no table describes.
 */
import { DEVICE_INFO, ENERGY_METRICS, METRICS, ownMetricName, quotaMetricName, UNIFIED_METRICS } from '../catalog/catalog.js';
import type { MetricKind, MetricPattern, MetricSelection } from '../catalog/metric-selection.js';
import { SHIPPED_QUERIES } from '../catalog/shipped-queries.js';
import type { DeviceFamily } from '../devices/device-family.js';
import { documentedKeys } from '../devices/family-keys.js';
import { flattenQuota } from './raw-metric-names.js';
import { UNIFIED_NAMES } from './producers/unified-producer.js';

export interface Notice {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

export interface SelectionContext {
  prefix: string;
  /** UNIFIED_METRICS: without it there are no unified metrics and no energy counters to select. */
  unified: boolean;
  /** The tables whose keys name the raw metrics the exporter knows of. */
  families: readonly DeviceFamily[];
}

export function selectionNotices(selection: MetricSelection, context: SelectionContext): Notice[] {
  if (selection.raw && context.unified && selection.include.length === 0 && selection.exclude.length === 0) return [];
  const known = knownMetrics(context);
  const notices: Notice[] = [];
  const lists: Array<[string, readonly MetricPattern[]]> = [
    ['METRICS_INCLUDE', selection.include],
    ['METRICS_EXCLUDE', selection.exclude],
  ];
  for (const [option, patterns] of lists) {
    for (const { text, regex } of patterns) {
      const matched = regex ? [...known].filter(([name]) => regex.test(name)) : [];
      if (!regex)
        notices.push({
          level: 'warn',
          message: `${option}: not a glob over metric names (* ? [a-z] and name characters); the pattern is ignored`,
          fields: { pattern: text },
        });
      else if (matched.length === 0)
        notices.push({
          level: 'warn',
          message: `${option}: the pattern matches no metric the exporter knows of; raw names come from the devices, so it may still match one`,
          fields: { pattern: text },
        });
      // An include of these alone is not harmless: it leaves out every device metric, as asked.
      else if (option === 'METRICS_EXCLUDE' && matched.every(([, kind]) => kind === 'fixed'))
        notices.push({
          level: 'warn',
          message: `${option}: the pattern matches only metrics that always stay (online, device_info, the last-update time, the exporter's own); it changes nothing`,
          fields: { pattern: text },
        });
    }
  }
  if (!selection.raw) {
    const naming = selection.include.filter(({ regex }) => regex && [...known].some(([name, kind]) => kind === 'raw' && regex.test(name)));
    if (naming.length > 0)
      notices.push({
        level: 'info',
        message: 'RAW_METRICS=false wins over METRICS_INCLUDE: the raw metrics it names stay out',
        fields: { patterns: naming.map((p) => p.text) },
      });
  }
  const lost = new Set<string>();
  const readers: string[] = [];
  for (const query of SHIPPED_QUERIES) {
    const missing = query.metrics.map((m) => `${context.prefix}_${m}`).filter((name) => isLeftOut(name, known.get(name), selection, context.unified));
    const rawGone = query.anyRawMetric === true && !selection.raw;
    if (missing.length === 0 && !rawGone) continue;
    for (const name of missing) lost.add(name);
    readers.push(query.where);
  }
  if (readers.length > 0)
    notices.push({
      level: 'warn',
      message: 'the metric selection leaves out metrics that shipped dashboards or alert rules read',
      fields: { metrics: [...lost].sort(), ...(!selection.raw && { raw_metrics: false }), read_by: readers },
    });
  return notices;
}

/** Whether a name a shipped query reads is left out; names the selection has no say over (state, self-metrics) never are. */
function isLeftOut(name: string, kind: Known | undefined, selection: MetricSelection, unified: boolean): boolean {
  if (kind === 'unified' || kind === 'energy') return !unified || !selection.selects(name, kind);
  return false;
}

/** A selectable kind, or `fixed`: a metric the selection has no say over. */
type Known = MetricKind | 'fixed';

/** Every metric name the catalog and the tables give, with its kind. */
function knownMetrics({ prefix, unified, families }: SelectionContext): Map<string, Known> {
  const known = new Map<string, Known>();
  for (const family of families) {
    for (const key of documentedKeys(family)) {
      // The raw name of a path: array positions become labels, not part of the name.
      for (const sample of flattenQuota(key.replace(/\[\d+\]/g, ''), 0))
        known.set(quotaMetricName(prefix, sample.name, unified ? UNIFIED_NAMES : undefined), 'raw');
    }
  }
  for (const m of Object.values(UNIFIED_METRICS)) known.set(ownMetricName(prefix, m), 'unified');
  for (const m of Object.values(ENERGY_METRICS)) known.set(ownMetricName(prefix, m), 'energy');
  for (const m of Object.values(METRICS)) known.set(`${ownMetricName(prefix, m)}${m.type === 'counter' ? '_total' : ''}`, 'fixed');
  known.set(ownMetricName(prefix, DEVICE_INFO), 'fixed');
  return known;
}
