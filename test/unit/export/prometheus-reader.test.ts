import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { PrometheusReader, SHARE_MS } from '../../../src/export/prometheus-reader.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { ChurnBoundedGauges } from '../../../src/metrics/churn-bounded-gauges.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';
import { StraightforwardPath } from '../../bench/straightforward-path.js';
import { AWKWARD_QUOTAS } from '../../helpers/awkward-quotas.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

function gaugeOver(provider: MeterProvider, observed: Map<string, number>) {
  const gauge = provider.getMeter('test').createObservableGauge('ecoflow_pd_soc', { description: 'soc' });
  gauge.addCallback((result) => {
    for (const [device, value] of observed) result.observe(value, { device });
  });
}

test('a series the callback stops observing is gone from the next exposition', async () => {
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  const observed = new Map([
    ['A', 40],
    ['B', 50],
  ]);
  gaugeOver(provider, observed);

  assert.equal(await reader.render(), '# HELP ecoflow_pd_soc soc\n# TYPE ecoflow_pd_soc gauge\necoflow_pd_soc{device="A"} 40\necoflow_pd_soc{device="B"} 50\n');
  observed.delete('B');
  observed.set('A', 41);
  assert.equal(await reader.render(), '# HELP ecoflow_pd_soc soc\n# TYPE ecoflow_pd_soc gauge\necoflow_pd_soc{device="A"} 41\n');
  observed.clear();
  assert.equal(await reader.render(), '', 'a metric with no series leaves no HELP/TYPE behind');
  await provider.shutdown();
});

// Why PrometheusReader exists: if this starts failing after an SDK upgrade, the SDK has fixed
// the stale-series behaviour and the package's PrometheusExporter may do.
test('control: the cumulative PrometheusExporter keeps the gone series (sdk-metrics 2.x)', async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const observed = new Map([
    ['A', 40],
    ['B', 50],
  ]);
  gaugeOver(provider, observed);
  const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  await exporter.collect();
  observed.delete('B');
  const { resourceMetrics } = await exporter.collect();
  assert.match(serializer.serialize(resourceMetrics), /device="B"\} 50/);
  await provider.shutdown();
});

test('concurrent renders share one collection and all see every series', async () => {
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  let collections = 0;
  const gauge = provider.getMeter('test').createObservableGauge('g');
  gauge.addCallback((result) => {
    collections++;
    for (let i = 0; i < 100; i++) result.observe(i, { i: String(i) });
  });
  const texts = await Promise.all(Array.from({ length: 5 }, () => reader.render()));
  for (const text of texts) assert.equal(text.split('\n').filter((l) => l.startsWith('g{')).length, 100);
  assert.equal(collections, 1);
  await reader.render();
  assert.equal(collections, 2, 'a later render collects afresh');
  await provider.shutdown();
});

test('a scrape right after a collection shares it; one later than the collection took, and than SHARE_MS, collects afresh', async () => {
  for (const takesMs of [0, SHARE_MS + 50]) {
    const reader = new PrometheusReader({ cardinalityLimit: 100_000 });
    const provider = new MeterProvider({ readers: [reader] });
    let collections = 0;
    provider
      .getMeter('test')
      .createObservableGauge('g')
      .addCallback((result) => {
        collections++;
        const until = performance.now() + takesMs; // a small device's collection, then a fleet's
        while (performance.now() < until);
        result.observe(collections);
      });
    const first = await reader.exposition();
    // Real time: the reader times its shared body with performance.now(), which node:test's mock
    // timers do not replace, and the collection itself busy-waits its duration.
    await new Promise((r) => setTimeout(r, SHARE_MS / 10));
    const second = await reader.exposition();
    assert.equal(second, first, `a collection of ${takesMs} ms: asked soon after, the same body`);
    assert.equal(collections, 1);
    await new Promise((r) => setTimeout(r, Math.max(takesMs, SHARE_MS) + 30));
    const third = await reader.exposition();
    assert.notEqual(third, first, `a collection of ${takesMs} ms: asked later, a new body`);
    assert.equal(collections, 2);
    assert.equal((await third.gzip()).length > 0 && third.gzip(), third.gzip(), 'gzipped once per body');
    await provider.shutdown();
  }
});

test('label values are escaped and no otel_scope labels are added', async () => {
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  provider
    .getMeter('test', '1.0')
    .createObservableGauge('g')
    .addCallback((r) => r.observe(1, { device_name: 'Garage "north"\\\nline' }));
  const text = await reader.render();
  assert.match(text, /^g\{device_name="Garage \\"north\\"\\\\\\nline"\} 1$/m);
  assert.doesNotMatch(text, /otel_scope/);
  await provider.shutdown();
});

test('a throwing callback costs only its own series', async () => {
  const errors: unknown[] = [];
  const reader = new PrometheusReader({ cardinalityLimit: 1000, onError: (e) => errors.push(e) });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  meter.createObservableGauge('good').addCallback((r) => r.observe(1));
  meter.createObservableGauge('bad').addCallback(() => {
    throw new Error('boom');
  });
  const text = await reader.render();
  assert.match(text, /^good 1$/m);
  assert.equal(errors.length, 1);
  await provider.shutdown();
});

/** Series only the exporter makes: device state and device_info (the straightforward path has neither). */
const OWN = /^ecoflow_(online|last_update_timestamp_seconds|device_info)\{/;

const samples = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !OWN.test(l))
    .sort();

// The reader's fast path (delta gauges over series derived ahead, our own text format, SDK sides
// taken as producers) against the SDK's own PrometheusExporter and PrometheusSerializer reading
// the same snapshot at collection time.
test('the fast path exports the same samples as the straightforward path, on the same snapshot, through partial updates and a renewal', async () => {
  const snapshot = new QuotaSnapshot();
  const meter = new RenewableMeter({ name: 'test', version: '0', cardinalityLimit: 100_000 });
  const reader = new PrometheusReader({ cardinalityLimit: 100_000, metricProducers: [meter] });
  const provider = new MeterProvider({ readers: [reader] });
  const fast = new ChurnBoundedGauges({ meter, snapshot, prefix: 'ecoflow' });
  fast.start();

  const fleet = stillDemoFleet().filter((d) => d.online && !d.restricted);
  snapshot.setDevices([
    ...fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })),
    { sn: 'ODD0000000000001', name: 'Name with "quotes", \\ and\nnewline', productName: 'Ünknown ☀', online: true },
  ]);
  for (const d of fleet) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
  snapshot.replaceQuotas('ODD0000000000001', AWKWARD_QUOTAS, Date.now());
  // The straightforward path reads the snapshot at collection time; made after the first reads,
  // it knows every gauge name there is.
  const straightforward = new StraightforwardPath(snapshot);

  const compare = async (when: string) => {
    const ours = samples(await reader.render());
    const theirs = samples((await straightforward.render()).text);
    assert.ok(theirs.length > 2_000, 'a real exposition');
    assert.deepEqual(ours, theirs, when);
  };
  await compare('after full reads');
  // Partial updates (as stream messages write them) re-derive only what their keys feed.
  for (const d of fleet) {
    const numeric = Object.entries(d.quotas).filter(([, v]) => typeof v === 'number');
    snapshot.mergeQuotas(d.sn, Object.fromEntries(numeric.slice(0, 5).map(([k, v]) => [k, (v as number) + 1])), Date.now());
  }
  await compare('after partial updates');
  fast.renew();
  await compare('after a renewal');
  fast.stop();
  await straightforward.shutdown();
  await provider.shutdown();
});
