/**
 * src/catalog/shipped-queries.ts: the committed module is the one the generator makes from the
 * dashboards and alert rules as they are now (`npm run update-docs` rewrites it; this test never
 * does), and every metric it names is one the exporter exports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_INFO, ENERGY_METRICS, METRICS, UNIFIED_METRICS } from '../../src/catalog/catalog.js';
import { SHIPPED_QUERIES } from '../../src/catalog/shipped-queries.js';
import { readDoc } from '../helpers/doc-sections.js';
import { SHIPPED_QUERIES_FILE, queryReads, shippedQueriesModule } from '../tools/doc-tables/shipped-queries.js';

/** Every name the exporter exports but the raw quota gauges, without the prefix: counters with `_total`, histograms by their own name. */
const EXPORTED = new Set([
  ...Object.values(METRICS).map((m) => (m.type === 'counter' ? `${m.name}_total` : m.name)),
  ...Object.values(UNIFIED_METRICS).map((m) => m.name),
  ...Object.values(ENERGY_METRICS).map((m) => m.name),
  DEVICE_INFO.name,
]);

test(`${SHIPPED_QUERIES_FILE} is the one the generator makes (npm run update-docs rewrites it)`, () => {
  assert.equal(readDoc(SHIPPED_QUERIES_FILE), shippedQueriesModule());
});

test('every metric the shipped rules and dashboards read is one the exporter exports', () => {
  const unknown = SHIPPED_QUERIES.flatMap((q) => q.metrics.filter((m) => !EXPORTED.has(m)).map((m) => `${q.where}: ${m}`));
  assert.deepEqual(unknown, [], 'read but not exported (a dashboard or rule reads a name the catalog does not have)');
});

test('each place is listed once, reads something, and names its metrics sorted and once', () => {
  const places = SHIPPED_QUERIES.map((q) => q.where);
  assert.equal(new Set(places).size, places.length, 'places unique');
  for (const q of SHIPPED_QUERIES) {
    assert.ok(q.metrics.length > 0 || q.anyRawMetric, `${q.where} reads something`);
    assert.deepEqual(q.metrics, [...new Set(q.metrics)].sort(), `${q.where}: sorted and unique`);
  }
});

test('what a query reads: names without the prefix, histograms by their name, selectors that reach any raw metric', () => {
  assert.deepEqual(queryReads('ecoflow_battery_soc_ratio < 0.2 and on(device) ecoflow_online == 1'), {
    metrics: ['battery_soc_ratio', 'online'],
    anyRawMetric: false,
  });
  assert.deepEqual(queryReads('histogram_quantile(0.95, sum by (le) (rate(ecoflow_exporter_poll_duration_seconds_bucket[5m])))'), {
    metrics: ['exporter_poll_duration_seconds'],
    anyRawMetric: false,
  });
  // A gauge whose name ends like a histogram series keeps it; label values are not names.
  assert.deepEqual(queryReads('ecoflow_bms_cycle_count{port="ecoflow_x"}'), { metrics: ['bms_cycle_count'], anyRawMetric: false });
  assert.deepEqual(queryReads('{__name__="$metric", device=~"$device"}'), { metrics: [], anyRawMetric: true });
  assert.deepEqual(queryReads('label_values({device=~"$device"}, __name__)'), { metrics: [], anyRawMetric: true });
  assert.deepEqual(queryReads('{__name__="ecoflow_online"}'), { metrics: ['online'], anyRawMetric: false });
  assert.deepEqual(queryReads('label_values(ecoflow_device_info, device)'), { metrics: ['device_info'], anyRawMetric: false });
});
