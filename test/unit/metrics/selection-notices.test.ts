import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSelection } from '../../../src/catalog/metric-selection.js';
import { SHIPPED_QUERIES } from '../../../src/catalog/shipped-queries.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { selectionNotices } from '../../../src/metrics/selection-notices.js';

const CONTEXT = { prefix: 'ecoflow', unified: true, families: FAMILIES };
const select = (o: { raw?: boolean; include?: string[]; exclude?: string[] }) =>
  new MetricSelection({ raw: o.raw ?? true, include: o.include ?? [], exclude: o.exclude ?? [] });

test('no selection: nothing to say', () => {
  assert.deepEqual(selectionNotices(MetricSelection.everything, CONTEXT), []);
});

test('an invalid pattern is named once, with the option it came from, and ignored', () => {
  const notices = selectionNotices(select({ include: ['ecoflow_.+'], exclude: ['ecoflow_pd_*'] }), CONTEXT);
  assert.deepEqual(
    notices.filter((n) => n.fields.pattern === 'ecoflow_.+'),
    [
      {
        level: 'warn',
        message: 'METRICS_INCLUDE: not a glob over metric names (* ? [a-z] and name characters); the pattern is ignored',
        fields: { pattern: 'ecoflow_.+' },
      },
    ],
  );
});

test('a pattern that matches nothing known is named, as a warning that it may still match a device; one that matches a raw key of a table is not', () => {
  const notices = selectionNotices(select({ exclude: ['ecoflow_no_such_thing_*', 'ecoflow_pd_soc', 'ecoflow_battery_soc_ratio'] }), CONTEXT);
  assert.deepEqual(
    notices.filter((n) => n.fields.pattern !== undefined).map((n) => [n.fields.pattern, n.message]),
    [
      [
        'ecoflow_no_such_thing_*',
        'METRICS_EXCLUDE: the pattern matches no metric the exporter knows of; raw names come from the devices, so it may still match one',
      ],
    ],
  );
});

test('the prefix counts: a pattern written for another prefix matches nothing', () => {
  const notices = selectionNotices(select({ include: ['ecoflow_battery_*'] }), { ...CONTEXT, prefix: 'home' });
  assert.ok(notices.some((n) => n.fields.pattern === 'ecoflow_battery_*'));
});

test('RAW_METRICS=false with an include naming raw metrics: one line naming the patterns that do', () => {
  const notices = selectionNotices(select({ raw: false, include: ['ecoflow_pd_*', 'ecoflow_battery_soc_ratio'] }), CONTEXT);
  const line = notices.filter((n) => n.message.startsWith('RAW_METRICS=false wins'));
  assert.deepEqual(line, [
    { level: 'info', message: 'RAW_METRICS=false wins over METRICS_INCLUDE: the raw metrics it names stay out', fields: { patterns: ['ecoflow_pd_*'] } },
  ]);
});

test('a selection leaving out what shipped rules and panels read: one line naming the metrics and every place that reads them', () => {
  const notices = selectionNotices(select({ exclude: ['ecoflow_battery_soc_ratio'] }), CONTEXT);
  const lines = notices.filter((n) => n.message.includes('shipped dashboards or alert rules'));
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0]!.fields.metrics, ['ecoflow_battery_soc_ratio']);
  const expected = SHIPPED_QUERIES.filter((q) => q.metrics.includes('battery_soc_ratio')).map((q) => q.where);
  assert.ok(expected.includes('alert rule EcoflowBatteryLow'));
  assert.deepEqual(lines[0]!.fields.read_by, expected);
});

test('RAW_METRICS=false costs the shipped overview, energy dashboards and rules nothing: only the raw dashboard is named', () => {
  const lines = selectionNotices(select({ raw: false }), CONTEXT).filter((n) => n.message.includes('shipped dashboards or alert rules'));
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0]!.fields.metrics, []);
  const readBy = lines[0]!.fields.read_by as string[];
  assert.ok(readBy.length > 0);
  for (const where of readBy) assert.match(where, /^dashboard "EcoFlow raw/);
});

test("self-metrics and device state are not the selection's: an exclude of them alone is said to change nothing, and names no shipped reader", () => {
  const notices = selectionNotices(select({ exclude: ['ecoflow_online', 'ecoflow_exporter_*', 'ecoflow_exporter_*_total'] }), CONTEXT);
  assert.deepEqual(
    notices.map((n) => n.fields.pattern),
    ['ecoflow_online', 'ecoflow_exporter_*', 'ecoflow_exporter_*_total'],
  );
  for (const n of notices) assert.match(n.message, /^METRICS_EXCLUDE: the pattern matches only metrics that always stay/);
});
