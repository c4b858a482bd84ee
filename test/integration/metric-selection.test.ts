import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENERGY_METRICS, UNIFIED_METRICS } from '../../src/catalog/catalog.js';
import { MetricSelection, type MetricKind } from '../../src/catalog/metric-selection.js';
import { spawnAgainst } from '../helpers/exporter-process.js';
import { eventually, startSimulator, stillDemoFleet } from '../helpers/simulated-fleet.js';

/**
 * The selection seen from outside: an exporter with no selection gives the reference series,
 * and one with a selection must show on /metrics, and push over OTLP, exactly the reference
 * filtered the way the issue defines it (device state and self-metrics always stay).
 */

const UNIFIED = new Set(Object.values(UNIFIED_METRICS).map((m) => `ecoflow_${m.name}`));
const ENERGY = new Set(Object.values(ENERGY_METRICS).map((m) => `ecoflow_${m.name}`));
/** Device metrics the selection has no say over. */
const FIXED = new Set(['ecoflow_online', 'ecoflow_device_info', 'ecoflow_last_update_timestamp_seconds', 'ecoflow_connection_errors_total']);

function kindOf(name: string): MetricKind | 'fixed' {
  if (FIXED.has(name) || name.startsWith('ecoflow_exporter_')) return 'fixed';
  if (UNIFIED.has(name)) return 'unified';
  if (ENERGY.has(name)) return 'energy';
  return 'raw';
}

/** Every series of a device (it has a device label) in an exposition, as `name{labels}`, labels sorted. */
function deviceSeries(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} \S+$/.exec(line);
    if (!m || !m[2]!.includes('device="')) continue;
    const labels = [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}=${v}`).sort();
    out.add(`${m[1]}{${labels.join(',')}}`);
  }
  return out;
}

/** An OTLP/HTTP JSON receiver that keeps the device series of the last push, named as /metrics names them. */
async function startReceiver(t: import('node:test').TestContext) {
  const pushes: Array<Set<string>> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const series = new Set<string>();
    for (const rm of JSON.parse(body).resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          // A counter's Prometheus name ends in _total: connection_errors is one without it in OTLP.
          const name = m.sum && !m.name.endsWith('_total') ? `${m.name}_total` : m.name;
          for (const dp of m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []) {
            const attrs: Array<{ key: string; value: { stringValue?: string } }> = dp.attributes ?? [];
            if (!attrs.some((a) => a.key === 'device')) continue;
            series.add(
              `${name}{${attrs
                .map((a) => `${a.key}=${a.value.stringValue}`)
                .sort()
                .join(',')}}`,
            );
          }
        }
    pushes.push(series);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pushes };
}

const ONLINE = stillDemoFleet().filter((d) => d.online && !d.restricted).length;

/**
 * The series once every online device has been read, and two scrapes half a second apart show
 * the same ones (integrated energy counters start at a device's second reading).
 */
async function settled(url: string, what: string): Promise<Set<string>> {
  let last = '';
  return eventually(
    async () => {
      const series = deviceSeries(await (await fetch(url)).text());
      const read = [...series].filter((s) => s.startsWith('ecoflow_last_update_timestamp_seconds{')).length;
      const key = [...series].sort().join('\n');
      const same = read === ONLINE && key === last;
      last = key;
      if (!same) await new Promise((r) => setTimeout(r, 500));
      return same && series;
    },
    what,
    30_000,
  );
}

for (const [title, env, selection] of [
  ['RAW_METRICS=false', { RAW_METRICS: 'false' }, new MetricSelection({ raw: false, include: [], exclude: [] })],
  [
    'METRICS_INCLUDE and METRICS_EXCLUDE',
    { METRICS_INCLUDE: 'ecoflow_battery_*,ecoflow_pd_*,ecoflow_*_energy_joules_total', METRICS_EXCLUDE: 'ecoflow_battery_c*,ecoflow_pd_*_watts' },
    new MetricSelection({
      raw: true,
      include: ['ecoflow_battery_*', 'ecoflow_pd_*', 'ecoflow_*_energy_joules_total'],
      exclude: ['ecoflow_battery_c*', 'ecoflow_pd_*_watts'],
    }),
  ],
] as const) {
  test(`${title}: /metrics and the OTLP push carry exactly the selected series`, async (t) => {
    const simulator = await startSimulator(stillDemoFleet());
    t.after(() => simulator.stop());
    const reference = await spawnAgainst(t, simulator.url);
    const receiver = await startReceiver(t);
    const selected = await spawnAgainst(t, simulator.url, {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    const all = await settled(reference.metricsUrl, 'the reference exporter settled');
    const expected = new Set(
      [...all].filter((s) => {
        const name = s.slice(0, s.indexOf('{'));
        const kind = kindOf(name);
        return kind === 'fixed' || selection.selects(name, kind);
      }),
    );
    // The selection leaves something out, and keeps something of each kind it names.
    assert.ok(expected.size < all.size);
    assert.ok([...expected].some((s) => kindOf(s.slice(0, s.indexOf('{'))) !== 'fixed'));
    const shown = await settled(selected.metricsUrl, `the selected exporter settled\n${selected.output()}`);
    assert.deepEqual([...shown].sort(), [...expected].sort());
    const pushed = await eventually(
      () => {
        const last = receiver.pushes.at(-1);
        return last && [...last].filter((s) => s.startsWith('ecoflow_last_update_timestamp_seconds{')).length === ONLINE && last;
      },
      'a push with every online device',
      20_000,
    );
    assert.deepEqual([...pushed].sort(), [...expected].sort());
  });
}
