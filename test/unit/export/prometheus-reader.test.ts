import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { GZIP_IN_LINE_BYTES, PrometheusReader, SHARE_MS } from '../../../src/export/prometheus-reader.js';
import type { SerializerMismatch } from '../../../src/export/checked-serializer.js';
import { PrometheusText } from '../../../src/export/prometheus-text.js';
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

test('a small body is gzipped before any other task can run (no collector work slips into the scrape); one above GZIP_IN_LINE_BYTES off the event loop; both unzip to the body', async () => {
  for (const [series, inLine] of [
    [10, true],
    [12_000, false],
  ] as const) {
    const reader = new PrometheusReader({ cardinalityLimit: 100_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const pad = 'x'.repeat(100);
    provider
      .getMeter('test')
      .createObservableGauge('g')
      .addCallback((result) => {
        for (let i = 0; i < series; i++) result.observe(i, { device: `${pad}${i}` });
      });
    const exposition = await reader.exposition();
    assert.equal(exposition.body.length <= GZIP_IN_LINE_BYTES, inLine, `${series} series: ${exposition.body.length} bytes`);
    let otherTaskRan = false;
    setImmediate(() => (otherTaskRan = true));
    const zipped = await exposition.gzip();
    assert.equal(otherTaskRan, !inLine, `${series} series: a task ran before the gzip was ready`);
    assert.deepEqual(gunzipSync(zipped), exposition.body);
    await provider.shutdown();
  }
});

test('a held body stays as it is while later collections are written; once nobody holds it, its buffer takes a later body', async () => {
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  let value = 0;
  provider
    .getMeter('test')
    .createObservableGauge('g')
    .addCallback((result) => result.observe(++value));
  const pastSharing = () => new Promise((r) => setTimeout(r, SHARE_MS + 30));
  const first = await reader.exposition();
  const text = first.body.toString();
  const letGo = first.hold();
  const alsoHeld = first.hold();
  await pastSharing();
  const second = await reader.exposition();
  assert.notEqual(second.body.buffer, first.body.buffer, "a held body's buffer is not written again");
  assert.equal(first.body.toString(), text);
  assert.match(second.body.toString(), /^g 2$/m);
  letGo();
  letGo(); // a second call changes nothing: the other hold still keeps the body
  await pastSharing();
  const third = await reader.exposition();
  assert.notEqual(third.body.buffer, first.body.buffer, 'still held by the other reader');
  assert.equal(first.body.toString(), text);
  alsoHeld();
  await pastSharing();
  const fourth = await reader.exposition();
  assert.equal(fourth.body.buffer, first.body.buffer, 'the buffer nobody reads any more takes the next body');
  assert.match(fourth.body.toString(), /^g 4$/m);
  assert.throws(() => first.hold(), /let go/, 'a body let go cannot be held again');
  await assert.rejects(first.gzip(), /let go/);
  await provider.shutdown();
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

/** A reader over one gauge whose value moves each collection, and what the package's serializer is asked. */
function checkedWorld(t: import('node:test').TestContext, observed = () => true) {
  const theirs = t.mock.method(PrometheusSerializer.prototype, 'serialize');
  const mismatches: SerializerMismatch[] = [];
  const reader = new PrometheusReader({ cardinalityLimit: 1000, onSerializerMismatch: (m) => mismatches.push(m) });
  const provider = new MeterProvider({ readers: [reader] });
  t.after(() => provider.shutdown());
  let value = 0;
  provider
    .getMeter('test')
    .createObservableGauge('g', { description: 'a gauge' })
    .addCallback((r) => {
      value++;
      if (observed()) r.observe(value, { device: 'A' });
    });
  return { reader, theirs, mismatches, lastTheirs: () => theirs.mock.calls.at(-1)?.result };
}

test("the first collection is held to the package's serializer, the next ones not, and again the one after checkNextCollection()", async (t) => {
  const { reader, theirs, mismatches } = checkedWorld(t);
  const first = await reader.render();
  assert.equal(theirs.mock.callCount(), 1);
  assert.equal(first, theirs.mock.calls[0]!.result);
  await reader.render();
  await reader.render();
  assert.equal(theirs.mock.callCount(), 1, 'a scrape between checks serialises once');
  reader.checkNextCollection();
  reader.checkNextCollection();
  const checked = await reader.render();
  assert.equal(theirs.mock.callCount(), 2);
  assert.equal(checked, theirs.mock.calls[1]!.result);
  await reader.render();
  assert.equal(theirs.mock.callCount(), 2, 'one check however often asked');
  assert.equal(mismatches.length, 0);
});

test('a check asked while a collection runs is for the next one: the running one may have read an SDK side before its renewal', async (t) => {
  const { reader, theirs } = checkedWorld(t);
  await reader.render();
  const running = reader.render();
  reader.checkNextCollection();
  await running;
  assert.equal(theirs.mock.callCount(), 1);
  await reader.render();
  assert.equal(theirs.mock.callCount(), 2);
});

test('a collection with no metric leaves the check to the next one that has some', async (t) => {
  let observing = false;
  const { reader, theirs } = checkedWorld(t, () => observing);
  assert.equal(await reader.render(), '');
  assert.equal(theirs.mock.callCount(), 0);
  observing = true;
  await reader.render();
  assert.equal(theirs.mock.callCount(), 1);
  await reader.render();
  assert.equal(theirs.mock.callCount(), 1);
});

test("a difference switches /metrics to the package's serializer for good, and onSerializerMismatch fires once", async (t) => {
  const { reader, mismatches, lastTheirs } = checkedWorld(t);
  assert.match(await reader.render(), /^g\{device="A"\} 1$/m, 'checked, and the same');
  // From here our writer is wrong on every value.
  const write = PrometheusText.prototype.serialize;
  t.mock.method(PrometheusText.prototype, 'serialize', function (this: PrometheusText, resourceMetrics: ResourceMetrics) {
    return Buffer.from(
      write
        .call(this, resourceMetrics)
        .toString('utf8')
        .replace(/ (\d+)\n/g, ' -$1\n'),
      'utf8',
    );
  });
  assert.match(await reader.render(), /^g\{device="A"\} -2$/m, 'not checked: nothing looked');
  assert.equal(mismatches.length, 0);

  reader.checkNextCollection();
  const third = await reader.render();
  assert.match(third, /^g\{device="A"\} 3$/m);
  assert.equal(third, lastTheirs());
  assert.equal(mismatches.length, 1);
  assert.equal(mismatches[0]!.ours, 'g{device="A"} -3');
  assert.equal(mismatches[0]!.theirs, 'g{device="A"} 3');

  for (const value of [4, 5]) {
    const body = await reader.render();
    assert.match(body, new RegExp(`^g\\{device="A"\\} ${value}$`, 'm'));
    assert.equal(body, lastTheirs());
    reader.checkNextCollection();
  }
  assert.equal(mismatches.length, 1, 'told once');
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
