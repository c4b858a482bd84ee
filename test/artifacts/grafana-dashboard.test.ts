import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, dashboardPanels, dashboardQueries, readDashboard } from '../helpers/dashboards.js';
import { ENERGY_METRICS, UNIFIED_METRICS } from '../../src/catalog/catalog.js';

/**
 * Static checks of the provisioned dashboards. That every query returns data from a real
 * Prometheus scraping the demo fleet is the end-to-end test's job.
 */

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** The energy counters (joules): all the energy dashboard may query. */
const ENERGY_NAMES = new Set(Object.values(ENERGY_METRICS).map((m) => `ecoflow_${m.name}`));

/** Unified metrics (base units), the energy counters and the device-level ones: all the overview may query. */
const OVERVIEW_NAMES = new Set([
  'ecoflow_online',
  'ecoflow_device_info',
  'ecoflow_last_update_timestamp_seconds',
  ...Object.values(UNIFIED_METRICS).map((m) => `ecoflow_${m.name}`),
  ...ENERGY_NAMES,
]);

/** The exporter's own metrics (histograms by their series names) and the device-level ones. */
const EXPORTER_NAMES = new Set([
  'ecoflow_online',
  'ecoflow_device_info',
  'ecoflow_last_update_timestamp_seconds',
  'ecoflow_connection_errors_total',
  'ecoflow_exporter_api_requests_total',
  ...['_bucket', '_sum', '_count'].map((s) => `ecoflow_exporter_api_request_duration_seconds${s}`),
  ...['_bucket', '_sum', '_count'].map((s) => `ecoflow_exporter_poll_duration_seconds${s}`),
  'ecoflow_exporter_last_successful_poll_timestamp_seconds',
  'ecoflow_exporter_devices',
  'ecoflow_exporter_series',
  'ecoflow_exporter_series_dropped',
  'ecoflow_exporter_circuit_breaker_state',
  'ecoflow_exporter_otlp_export_failures_total',
  'ecoflow_exporter_build_info',
  'ecoflow_exporter_resident_memory_bytes',
  'ecoflow_exporter_heap_used_bytes',
  'ecoflow_exporter_event_loop_lag_seconds',
]);

/** Series that exist only after a first failure: their queries need `or vector(0)`. */
const LATE_SERIES = ['ecoflow_connection_errors_total', 'ecoflow_exporter_otlp_export_failures_total', 'ecoflow_exporter_series_dropped'];

/** Device-level series: a query on them must honour the device variable. */
const DEVICE_SERIES = /^ecoflow_(?!exporter_(?!last_successful_poll|series_dropped))/;

const metricNames = (expr: string) => expr.match(/\becoflow_[a-z0-9_]+/g) ?? [];

/**
 * Joules to kWh, the one scaling a query may do: Grafana has a kWh unit but none that converts
 * from joules. Only at the end of a query on energy counters alone.
 */
const JOULES_TO_KWH = / \/ 3\.6e6$/;
const withoutKwh = (expr: string) =>
  metricNames(expr).length > 0 && metricNames(expr).every((n) => ENERGY_NAMES.has(n)) ? expr.replace(JOULES_TO_KWH, '') : expr;
const variable = (file: string, name: string) => readDashboard(file).templating.list.find((v) => v.name === name);

test('the dashboards are plain Grafana 11 JSON, without export-for-sharing inputs', () => {
  const uids = new Set<string>();
  for (const file of DASHBOARDS) {
    const text = readFileSync(fileURLToPath(new URL(`../../../grafana/dashboards/${file}`, import.meta.url)), 'utf8');
    const dashboard = JSON.parse(text);
    assert.equal(text, `${JSON.stringify(dashboard, null, 2)}\n`, `${file} is tidy (2-space indent)`);
    assert.equal(dashboard.__inputs, undefined, file);
    assert.equal(dashboard.__requires, undefined, file);
    assert.doesNotMatch(text, /DS_PROMETHEUS|\$\{DS_/, file);
    assert.equal(dashboard.schemaVersion, 39, file);
    assert.equal(dashboard.uid, file.replace(/\.json$/, ''), file);
    uids.add(dashboard.uid);
    const ids = dashboardPanels(file).map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: panel ids unique`);
  }
  assert.equal(uids.size, DASHBOARDS.length);
});

test('every dashboard picks its Prometheus through a datasource variable, every panel and target uses it', () => {
  for (const file of DASHBOARDS) {
    assert.deepEqual(
      (({ type, query }) => ({ type, query }))(variable(file, 'datasource') ?? {}),
      { type: 'datasource', query: 'prometheus' },
      `${file}: datasource variable`,
    );
    for (const panel of dashboardPanels(file)) {
      assert.deepEqual(panel.datasource, DATASOURCE, `${file} "${panel.title}"`);
      assert.ok(panel.targets?.length, `${file} "${panel.title}" has queries`);
      for (const t of panel.targets!) assert.deepEqual(t.datasource, DATASOURCE, `${file} "${panel.title}" ${t.refId}`);
    }
  }
});

// The overview is built on the unified layer; the raw and exporter dashboards must also work
// with UNIFIED_METRICS=false, so they list devices from ecoflow_online, which is always there.
test('the overview and the energy dashboard pick devices from ecoflow_device_info, the raw dashboard from ecoflow_online', () => {
  for (const [file, multi, source] of [
    ['ecoflow-overview.json', true, 'ecoflow_device_info'],
    ['ecoflow-energy.json', true, 'ecoflow_device_info'],
    ['ecoflow-raw.json', false, 'ecoflow_online'],
  ] as const) {
    const device = variable(file, 'device');
    assert.ok(device, `${file}: device variable`);
    assert.equal(device.type, 'query');
    assert.equal(device.definition, `label_values(${source}, device)`);
    assert.deepEqual(device.datasource, DATASOURCE);
    assert.equal(device.multi, multi, file);
    assert.equal(device.includeAll, multi, file);
  }
  const metric = variable('ecoflow-raw.json', 'metric');
  assert.ok(metric, 'raw dashboard: metric variable');
  assert.match(String(metric.definition), /__name__/);
  assert.match(String(metric.definition), /\$device/);
});

test('every panel has a unit and thresholds', () => {
  for (const file of DASHBOARDS) {
    for (const panel of dashboardPanels(file)) {
      const defaults = panel.fieldConfig?.defaults;
      assert.ok(defaults?.unit, `${file} "${panel.title}" has a unit`);
      assert.ok(defaults?.thresholds?.steps?.length, `${file} "${panel.title}" has thresholds`);
    }
  }
});

test('queries use only the variables the end-to-end test fills, and no arithmetic on raw units', () => {
  for (const file of DASHBOARDS) {
    for (const { panel, expr } of dashboardQueries(file)) {
      const where = `${file} "${panel}": ${expr}`;
      for (const [, name] of expr.matchAll(/\$\{?(\w+)/g))
        assert.ok(['device', 'metric', '__rate_interval', '__range'].includes(name!), `$${name} in ${where}`);
      // `/ 10`, `* 0.001`, `*100`: scaling belongs in the exporter's unified metrics or the panel
      // unit; joules to kWh is the exception (JOULES_TO_KWH).
      assert.doesNotMatch(withoutKwh(expr), /[\w)\]}]\s*[*/]\s*\d/, where);
      for (const name of metricNames(expr)) {
        if (DEVICE_SERIES.test(name)) assert.match(expr, new RegExp(`${name}\\{[^}]*device=~"\\$device"`), `${name} filtered by device in ${where}`);
        if (LATE_SERIES.includes(name)) assert.match(expr, /or vector\(0\)$/, `${where} has data before the first failure`);
      }
    }
  }
});

test('the overview is built on the unified metrics only, for any mix of models', () => {
  const queries = dashboardQueries('ecoflow-overview.json');
  assert.ok(queries.length >= 12);
  const used = new Set<string>();
  for (const { panel, expr } of queries) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `"${panel}": ${expr}`);
    for (const name of names) {
      assert.ok(OVERVIEW_NAMES.has(name), `${name} (not a unified metric) in "${panel}"`);
      used.add(name);
    }
  }
  for (const name of [
    'ecoflow_online',
    'ecoflow_device_info',
    'ecoflow_last_update_timestamp_seconds',
    'ecoflow_battery_soc_ratio',
    'ecoflow_battery_temperature_celsius',
    'ecoflow_battery_power_watts',
    'ecoflow_battery_time_to_full_seconds',
    'ecoflow_battery_time_to_empty_seconds',
    'ecoflow_input_power_watts',
    'ecoflow_output_power_watts',
    'ecoflow_port_input_power_watts',
    'ecoflow_port_output_power_watts',
    'ecoflow_grid_power_watts',
    'ecoflow_grid_phase_power_watts',
  ]) {
    assert.ok(used.has(name), `the overview shows ${name}`);
  }

  const units = new Set(dashboardPanels('ecoflow-overview.json').map((p) => p.fieldConfig!.defaults!.unit));
  for (const unit of ['watt', 'percentunit', 'celsius', 's']) assert.ok(units.has(unit), `a panel in ${unit}`);
});

test('the overview fleet table joins one instant query per column on device', () => {
  type Table = { transformations: Array<{ id: string; options: Record<string, unknown> }>; targets: Array<{ expr: string; instant: boolean; format: string }> };
  const table = dashboardPanels('ecoflow-overview.json').find((p) => p.type === 'table') as unknown as Table | undefined;
  assert.ok(table, 'a fleet table');
  assert.ok(table.transformations.some((t) => (t.id === 'joinByField' && t.options.byField === 'device') || t.id === 'merge'));
  for (const t of table.targets) {
    assert.equal(t.instant, true, t.expr);
    assert.equal(t.format, 'table', t.expr);
  }
  const columns = table.targets.flatMap((t) => metricNames(t.expr));
  for (const name of [
    'ecoflow_device_info',
    'ecoflow_online',
    'ecoflow_battery_soc_ratio',
    'ecoflow_input_power_watts',
    'ecoflow_output_power_watts',
    'ecoflow_battery_temperature_celsius',
    'ecoflow_last_update_timestamp_seconds',
  ]) {
    assert.ok(columns.includes(name), `a ${name} column`);
  }
});

test('the raw dashboard graphs and tabulates any metric of the chosen device', () => {
  const queries = dashboardQueries('ecoflow-raw.json');
  const types = dashboardPanels('ecoflow-raw.json').map((p) => p.type);
  assert.ok(types.includes('timeseries') && types.includes('table'));
  for (const { expr } of queries) assert.equal(expr, '{__name__="$metric", device=~"$device"}');
});

test("the exporter dashboard covers the exporter's health", () => {
  const queries = dashboardQueries('ecoflow-exporter.json');
  const used = new Set(queries.flatMap(({ expr }) => metricNames(expr)));
  for (const name of used) assert.ok(EXPORTER_NAMES.has(name), `${name} is an exporter metric`);
  for (const name of [
    'ecoflow_exporter_api_requests_total',
    'ecoflow_exporter_circuit_breaker_state',
    'ecoflow_exporter_poll_duration_seconds_bucket',
    'ecoflow_exporter_devices',
    'ecoflow_last_update_timestamp_seconds',
    'ecoflow_exporter_otlp_export_failures_total',
    'ecoflow_exporter_series',
    'ecoflow_exporter_resident_memory_bytes',
    'ecoflow_exporter_event_loop_lag_seconds',
  ]) {
    assert.ok(used.has(name), `the exporter dashboard shows ${name}`);
  }
  assert.ok(queries.some(({ expr }) => /histogram_quantile\(.*ecoflow_exporter_poll_duration_seconds_bucket/.test(expr)));
  assert.ok(queries.some(({ expr }) => /time\(\) - ecoflow_last_update_timestamp_seconds/.test(expr)));
  assert.ok(queries.some(({ expr }) => /rate\(ecoflow_exporter_api_requests_total\[\$__rate_interval\]\)/.test(expr)));
});

test('the energy dashboard shows every energy counter, in kWh, and nothing else, for any mix of models', () => {
  const file = 'ecoflow-energy.json';
  const used = new Set<string>();
  for (const panel of dashboardPanels(file)) {
    assert.equal(panel.fieldConfig?.defaults?.unit, 'kwatth', `"${panel.title}" in kWh`);
    for (const t of panel.targets!) {
      const where = `"${panel.title}" ${t.refId}: ${t.expr}`;
      for (const name of metricNames(t.expr!)) {
        assert.ok(ENERGY_NAMES.has(name), `${name} (not an energy counter) in ${where}`);
        used.add(name);
      }
      // One counter's increase over the window, summed per device (and circuit), in kWh.
      assert.match(
        t.expr!,
        /^sum by \(device_name(, \w+)*\) \(increase\(ecoflow_\w+_joules_total\{device=~"\$device"[^}]*\}\[(\$__range|1d)\]\)\) \/ 3\.6e6$/,
        where,
      );
    }
  }
  assert.deepEqual([...used].sort(), [...ENERGY_NAMES].sort(), 'every energy counter is on the dashboard');
});

test('energy dashboard: totals over a period are [$__range] on a panel whose time override is that period; daily bars are [1d] at a 1d step', () => {
  const periods = new Set<string>();
  for (const panel of dashboardPanels('ecoflow-energy.json')) {
    const windows = new Set(panel.targets!.map((t) => /\[([^\]]+)\]/.exec(t.expr!)?.[1]));
    assert.equal(windows.size, 1, `"${panel.title}": one window`);
    if (windows.has('$__range')) {
      // The fixed window a query would need for "yesterday" (offset 1d) is Grafana's job here.
      const period = `${panel.timeFrom} ${panel.timeShift ?? ''}`.trim();
      assert.ok(['now/d', 'now/d 1d/d', 'now/M'].includes(period), `"${panel.title}": ${period}`);
      periods.add(period);
      for (const t of panel.targets!) assert.equal(t.instant, true, `"${panel.title}" ${t.refId}: one value, at the end of the period`);
    } else {
      assert.ok(windows.has('1d'), `"${panel.title}": [$__range] or [1d]`);
      assert.equal(panel.timeFrom, undefined, `"${panel.title}" follows the dashboard's time range`);
      assert.equal(panel.interval, '1d', `"${panel.title}": one point a day`);
      // Each point is the day that ends there: its bar is drawn before it.
      assert.deepEqual([panel.fieldConfig?.defaults?.custom?.drawStyle, panel.fieldConfig?.defaults?.custom?.barAlignment], ['bars', -1], panel.title);
    }
  }
  assert.deepEqual([...periods].sort(), ['now/M', 'now/d', 'now/d 1d/d'], 'today, yesterday and this month');
});
