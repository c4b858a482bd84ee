import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot, type DeviceRecord } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { GaugeRegistry, type SeriesGroups, type SeriesProducer } from '../../../src/metrics/series-producer.js';
import { SnapshotGauges, type SnapshotGaugesOptions } from '../../../src/metrics/snapshot-gauges.js';
import { DeviceStateProducer } from '../../../src/metrics/producers/device-state-producer.js';
import { RawQuotaProducer } from '../../../src/metrics/producers/raw-quota-producer.js';

const A = { sn: 'A', name: 'a', productName: 'P', online: true };
/** A's labels as the exposition writes them. */
const L = '{device="A",device_name="a",product_name="P"}';
/** The mocked clock's start, where a test mocks it: far enough from 0 to write in the past. */
const NOW = 1_000_000;

type Extra = Partial<Pick<SnapshotGaugesOptions, 'staleness' | 'reporter' | 'onRetired' | 'renewAfter'>>;

/**
 * SnapshotGauges over `snapshot`, read by our Prometheus reader; the producers device state and
 * raw quotas unless others are given (the unified layer is its own producer's test). Not started.
 */
function gaugesOver(snapshot: QuotaSnapshot, o: Extra & { producers?: (gauges: GaugeRegistry) => SeriesProducer[] } = {}) {
  const reader = new PrometheusReader({ cardinalityLimit: 10_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const gauges = new GaugeRegistry(meter);
  const producers = o.producers?.(gauges) ?? [new DeviceStateProducer(gauges, 'ecoflow'), new RawQuotaProducer({ gauges, prefix: 'ecoflow' })];
  const instruments = new SnapshotGauges({ ...o, meter, gauges, snapshot, producers });
  const lines = async () =>
    (await reader.render())
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
  return { instruments, lines, stop: () => provider.shutdown() };
}

/** A real producer with a log of what it was asked; `updates` false: it declines every update. */
function logged(producer: SeriesProducer, calls: string[], tag = '', updates = true): SeriesProducer {
  return {
    produce(device, labels, out) {
      calls.push(`produce${tag} ${device.sn}`);
      producer.produce(device, labels, out);
    },
    update(device, labels, keys, out) {
      calls.push(`update${tag} ${device.sn} ${[...keys].join(',')}`);
      return updates && producer.update(device, labels, keys, out);
    },
    forget(sn) {
      calls.push(`forget${tag} ${sn}`);
      producer.forget?.(sn);
    },
  };
}

test('a partial update asks the producers for the written keys only; a full read derives the device again', () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const spy: SeriesProducer = {
    produce(device: DeviceRecord, _labels: Attributes, out: SeriesGroups) {
      calls.push(`produce ${device.sn}`);
      out.set('x', []);
    },
    update(device: DeviceRecord, _labels: Attributes, keys: ReadonlySet<string>) {
      calls.push(`update ${device.sn} ${[...keys].join(',')}`);
      return true;
    },
  };
  const provider = new MeterProvider();
  const meter = provider.getMeter('test');
  new SnapshotGauges({ meter, gauges: new GaugeRegistry(meter), snapshot, producers: [spy] }).start();
  snapshot.setDevices([{ sn: 'A', name: 'a', productName: 'DELTA 2', online: true }]);
  snapshot.replaceQuotas('A', { 'pd.soc': 1, 'pd.watts': 2 }, 1);
  snapshot.mergeQuotas('A', { 'pd.soc': 3 }, 2);
  snapshot.mergeQuotas('A', { 'pd.watts': 4, 'inv.x': 5 }, 3);
  snapshot.replaceQuotas('A', { 'pd.soc': 6 }, 4);
  assert.deepEqual(calls, ['produce A', 'produce A', 'update A pd.soc', 'update A pd.watts,inv.x', 'produce A']);
});

test('a device derived again to the same series keeps their objects with the new values in; a series whose labels changed is new', async () => {
  const snapshot = new QuotaSnapshot();
  const outs: SeriesGroups[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, {
    producers: (gauges) => {
      const raw = new RawQuotaProducer({ gauges, prefix: 'ecoflow' });
      return [{ ...logged(raw, []), produce: (device, labels, out) => (raw.produce(device, labels, out), outs.push(out)) }];
    },
  });
  snapshot.setDevices([A]);
  instruments.start();
  snapshot.replaceQuotas('A', { soc: 40, cells: [3300, 3310] }, NOW);
  const first = outs.at(-1)!;
  const [soc, cells] = [first.get('soc')!, first.get('cells')!];
  snapshot.replaceQuotas('A', { soc: 41, cells: [3300, 3320, 3330] }, NOW + 1000);
  const second = outs.at(-1)!;
  assert.notEqual(second, first, 'a full read derives the device from scratch');
  assert.equal(second.get('soc'), soc, 'the same series: the same array and object');
  assert.equal(soc[0]!.value, 41);
  assert.equal(soc[0]!.updatedAt, NOW + 1000);
  assert.notEqual(second.get('cells'), cells, 'a third cell: a new array');
  assert.deepEqual(
    second.get('cells')!.map((s, i) => s === cells[i]),
    [true, true, false],
  );
  assert.equal(cells[1]!.value, 3320);
  snapshot.mergeQuotas('A', { soc: 42 }, NOW + 2000);
  assert.equal(second.get('soc'), soc, 'a partial update writes into the same series');
  assert.equal(soc[0]!.value, 42);
  assert.deepEqual(await lines(), [
    `ecoflow_cells${L.replace('}', ',index_0="0"}')} 3300`,
    `ecoflow_cells${L.replace('}', ',index_0="1"}')} 3320`,
    `ecoflow_cells${L.replace('}', ',index_0="2"}')} 3330`,
    `ecoflow_soc${L} 42`,
  ]);
  snapshot.setDevices([{ ...A, name: 'renamed' }]);
  assert.notEqual(outs.at(-1)!.get('soc')![0], soc[0], 'new labels: a new series');
  await stop();
});

test('series are derived when the record changes, never at collection: scrapes in between ask no producer', async () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls)] });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  for (let i = 0; i < 3; i++) assert.deepEqual(await lines(), [`ecoflow_a${L} 1`]);
  assert.deepEqual(calls, ['produce A', 'produce A'], 'listed, then read: two changes, two derivations');
  await stop();
});

test('devices in the snapshot before start are derived at start; devices listed later, when they are listed', async () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  const { instruments, lines, stop } = gaugesOver(snapshot);
  instruments.start();
  assert.deepEqual(await lines(), [`ecoflow_a${L} 1`, `ecoflow_last_update_timestamp_seconds${L} 1`, `ecoflow_online${L} 1`]);
  snapshot.setDevices([A, { sn: 'B', name: 'b', productName: 'P', online: false }]);
  assert.ok((await lines()).includes('ecoflow_online{device="B",device_name="b",product_name="P"} 0'));
  await stop();
});

test('a gauge first needed after start is collected too: the batch callback is bound to it', async () => {
  const snapshot = new QuotaSnapshot();
  const { instruments, lines, stop } = gaugesOver(snapshot);
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  await lines();
  // A stream message with a key never seen: a new gauge, which the callback must now observe.
  snapshot.mergeQuotas('A', { b: 2 }, 2_000);
  assert.deepEqual(await lines(), [`ecoflow_a${L} 1`, `ecoflow_b${L} 2`, `ecoflow_last_update_timestamp_seconds${L} 2`, `ecoflow_online${L} 1`]);
  await stop();
});

test('a producer that declines an update makes every producer derive the device from scratch', () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const { instruments } = gaugesOver(snapshot, {
    producers: (gauges) => [
      logged(new DeviceStateProducer(gauges, 'ecoflow'), calls, '1'),
      logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls, '2', false),
    ],
  });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  calls.length = 0;
  snapshot.mergeQuotas('A', { a: 2 }, 2_000);
  assert.deepEqual(calls, ['update1 A a', 'update2 A a', 'produce1 A', 'produce2 A']);
});

test('a write seen out of turn (a listener before ours wrote again while told of it) derives the device from scratch', async () => {
  const snapshot = new QuotaSnapshot();
  // Subscribed first, it writes `y` while the snapshot tells of `x`: we hear of `y` before `x`.
  let wrote = false;
  snapshot.subscribe((change) => {
    if (change.kind !== 'quotas-changed' || !change.keys?.has('x') || wrote) return;
    wrote = true;
    snapshot.mergeQuotas('A', { y: 2 }, 3_000);
  });
  const calls: string[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls)] });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  calls.length = 0;
  snapshot.mergeQuotas('A', { x: 1 }, 2_000);
  // Told of `y` two revisions on: from scratch. Then of `x`, already in: nothing to do.
  assert.deepEqual(calls, ['produce A']);
  assert.deepEqual(await lines(), [`ecoflow_a${L} 1`, `ecoflow_x${L} 1`, `ecoflow_y${L} 2`]);
  await stop();
});

test('staleness is judged at collection: a series goes once older than the limit, with no change, and comes back when written', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: NOW });
  const snapshot = new QuotaSnapshot();
  const { instruments, lines, stop } = gaugesOver(snapshot, { staleness: new StalenessRule({ staleAfterMs: 60_000 }) });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, NOW - 59_000);
  const state = [`ecoflow_last_update_timestamp_seconds${L} 941`, `ecoflow_online${L} 1`];
  assert.deepEqual(await lines(), [`ecoflow_a${L} 1`, ...state]);
  t.mock.timers.tick(2_000);
  // Online and last update are never stale: they say the device is there and how old its data is.
  assert.deepEqual(await lines(), state);
  snapshot.mergeQuotas('A', { a: 2 }, Date.now());
  assert.deepEqual(await lines(), [`ecoflow_a${L} 2`, `ecoflow_last_update_timestamp_seconds${L} 1002`, `ecoflow_online${L} 1`]);
  await stop();
});

test('REST values hold while the stream speaks for the device, until a reconciliation is overdue', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: NOW });
  const snapshot = new QuotaSnapshot();
  const staleness = new StalenessRule({ staleAfterMs: 60_000, reconcileIntervalMs: 300_000 });
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [new RawQuotaProducer({ gauges, prefix: 'ecoflow' })], staleness });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { rest: 1 }, NOW - 120_000);
  snapshot.mergeQuotas('A', { streamed: 2 }, NOW);
  // Two minutes old, but the stream (which sends only changes) spoke a moment ago.
  assert.deepEqual(await lines(), [`ecoflow_rest${L} 1`, `ecoflow_streamed${L} 2`]);
  // 250 s on, the stream still speaking: the REST read is 370 s old, past 60 + 300 s.
  t.mock.timers.tick(250_000);
  snapshot.mergeQuotas('A', { streamed: 3 }, Date.now());
  assert.deepEqual(await lines(), [`ecoflow_streamed${L} 3`]);
  await stop();
});

test('after each collection the reporter hears how many quota series it reported: stale and never-stale ones not counted', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: NOW });
  const snapshot = new QuotaSnapshot();
  const collected: number[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, {
    staleness: new StalenessRule({ staleAfterMs: 60_000 }),
    reporter: { recordCollected: (n) => collected.push(n) },
  });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { old: 1 }, NOW - 120_000);
  snapshot.mergeQuotas('A', { a: 1, b: [1, 2] }, NOW);
  // a, b[0], b[1]: three; not `old` (stale), nor online and last update.
  assert.equal((await lines()).length, 5);
  assert.deepEqual(collected, [3]);
  await stop();
});

test('live counts the series the devices hold; retired those derived since start that went away', () => {
  const snapshot = new QuotaSnapshot();
  const { instruments } = gaugesOver(snapshot);
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1, b: 2 }, 1_000);
  const counts = () => [instruments.live, instruments.retired];
  assert.deepEqual(counts(), [4, 0], 'online, last update, a, b');
  snapshot.replaceQuotas('A', { a: 1 }, 2_000);
  assert.deepEqual(counts(), [3, 1], 'b went away');
  snapshot.setDevices([{ ...A, name: 'renamed' }]);
  assert.deepEqual(counts(), [3, 4], 'new labels: three new series, the three old ones gone');
  snapshot.setDevices([{ ...A, name: 'renamed', online: false }]);
  assert.deepEqual(counts(), [2, 5], 'offline: its values dropped, online and last update stay');
  snapshot.setDevices([]);
  assert.deepEqual(counts(), [0, 7]);
});

test('renewalDue turns true once as many series went away as renewAfter asks, not before', () => {
  const snapshot = new QuotaSnapshot();
  const { instruments } = gaugesOver(snapshot, { renewAfter: () => 2 });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1, b: 2, c: 3 }, 1_000);
  snapshot.replaceQuotas('A', { a: 1, b: 2 }, 2_000);
  assert.equal(instruments.renewalDue, false, 'one gone');
  snapshot.replaceQuotas('A', { a: 1 }, 3_000);
  assert.equal(instruments.renewalDue, true, 'two gone');
});

test('onRetired is told after every derivation and every removal', () => {
  const snapshot = new QuotaSnapshot();
  let told = 0;
  const { instruments } = gaugesOver(snapshot, { onRetired: () => told++ });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  snapshot.mergeQuotas('A', { a: 2 }, 2_000);
  assert.equal(told, 3, 'listed, read, a partial update');
  snapshot.setDevices([]);
  assert.equal(told, 4);
});

test('a removed device: its series go and every producer forgets it', async () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls)] });
  instruments.start();
  snapshot.setDevices([A, { ...A, sn: 'B' }]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  snapshot.replaceQuotas('B', { a: 2 }, 1_000);
  snapshot.setDevices([{ ...A, sn: 'B' }]);
  assert.equal(calls.at(-1), 'forget A');
  assert.deepEqual(await lines(), ['ecoflow_a{device="B",device_name="a",product_name="P"} 2']);
  await stop();
});

test('start twice: one subscription, which stop ends', async () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([A]);
  const calls: string[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls)] });
  instruments.start();
  instruments.start();
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  assert.deepEqual(await lines(), [`ecoflow_a${L} 1`]);
  instruments.stop();
  calls.length = 0;
  // A second subscription would outlive stop() and still derive.
  snapshot.replaceQuotas('A', { a: 2 }, 2_000);
  assert.deepEqual(calls, []);
  await stop();
});

test('stop: nothing collected and no change followed; started again, what changed meanwhile is derived', async () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const { instruments, lines, stop } = gaugesOver(snapshot, { producers: (gauges) => [logged(new RawQuotaProducer({ gauges, prefix: 'ecoflow' }), calls)] });
  instruments.start();
  snapshot.setDevices([A]);
  snapshot.replaceQuotas('A', { a: 1 }, 1_000);
  instruments.stop();
  calls.length = 0;
  snapshot.replaceQuotas('A', { a: 2 }, 2_000);
  assert.deepEqual(calls, []);
  assert.deepEqual(await lines(), []);
  instruments.start();
  assert.deepEqual(calls, ['produce A']);
  assert.deepEqual(await lines(), [`ecoflow_a${L} 2`]);
  await stop();
});
