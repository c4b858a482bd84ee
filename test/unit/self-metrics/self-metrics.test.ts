import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { SelfMetrics } from '../../../src/self-metrics/self-metrics.js';
import { type DeviceIdentity, QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { samples, valueWith } from '../../helpers/running-exporter.js';
import { realTime } from '../../helpers/real-time.js';

type TestContext = import('node:test').TestContext;

const STALE_AFTER_MS = 60_000;
const GARAGE: DeviceIdentity = { sn: 'R331ZEB4ZEAL0528', name: 'Garage', productName: 'DELTA 2' };
const BALCONY: DeviceIdentity = { sn: 'HW51ZOH4SF4E0001', name: 'Balcony', productName: 'PowerStream' };

/**
 * Self-metrics on a real MeterProvider read through the project's Prometheus reader, over a
 * snapshot the test fills, a staleness rule and a circuit state the test sets. Started.
 */
function selfMetricsWorld(t: TestContext, options: { prefix?: string; staleAfterMs?: number } = {}) {
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  const snapshot = new QuotaSnapshot();
  const sources = {
    snapshot,
    staleness: new StalenessRule({ staleAfterMs: options.staleAfterMs ?? STALE_AFTER_MS }),
    circuit: 'closed',
    circuitState: () => sources.circuit,
    version: '1.2.3',
  };
  const self = new SelfMetrics({ meter: provider.getMeter('test'), prefix: options.prefix ?? 'ecoflow', sources });
  self.start();
  t.after(async () => {
    self.stop();
    await provider.shutdown();
  });
  return { self, snapshot, sources, render: () => reader.render() };
}

/** Lists `devices` online, each with one quota value written `ageMs` ago. */
function onlineWithValues(snapshot: QuotaSnapshot, devices: DeviceIdentity[], ageMs = 0): void {
  snapshot.setDevices(devices.map((d) => ({ ...d, online: true })));
  for (const d of devices) snapshot.replaceQuotas(d.sn, { 'pd.soc': 50 }, Date.now() - ageMs);
}

function devicesByState(text: string): Record<string, number | undefined> {
  const states = ['online', 'offline', 'restricted', 'failing', 'stale'];
  return Object.fromEntries(states.map((state) => [state, valueWith(text, 'ecoflow_exporter_devices', { state })]));
}

test('recordRequest counts requests by endpoint, outcome and code, and times the ones that were sent', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  self.recordRequest({ endpoint: 'quota/all', outcome: 'success', code: '', seconds: 0.2 });
  self.recordRequest({ endpoint: 'quota/all', outcome: 'success', code: '', seconds: 0.3 });
  self.recordRequest({ endpoint: 'quota/all', outcome: 'api_error', code: '1006', seconds: 0.1 });
  // Refused by the circuit breaker: counted, but no request went out to time.
  self.recordRequest({ endpoint: 'device/list', outcome: 'circuit_open', code: '', seconds: 0 });
  const text = await render();

  const requests = (labels: Record<string, string>) => valueWith(text, 'ecoflow_exporter_api_requests_total', labels);
  assert.equal(requests({ endpoint: 'quota/all', outcome: 'success', code: '' }), 2);
  assert.equal(requests({ endpoint: 'quota/all', outcome: 'api_error', code: '1006' }), 1);
  assert.equal(requests({ endpoint: 'device/list', outcome: 'circuit_open', code: '' }), 1);
  assert.equal(samples(text, 'ecoflow_exporter_api_requests_total').length, 3);

  const duration = 'ecoflow_exporter_api_request_duration_seconds';
  assert.equal(valueWith(text, `${duration}_count`, { endpoint: 'quota/all' }), 3);
  assert.ok(Math.abs(valueWith(text, `${duration}_sum`, { endpoint: 'quota/all' })! - 0.6) < 1e-9);
  assert.equal(valueWith(text, `${duration}_bucket`, { endpoint: 'quota/all', le: '0.1' }), 1);
  assert.equal(valueWith(text, `${duration}_bucket`, { endpoint: 'quota/all', le: '0.25' }), 2);
  assert.equal(valueWith(text, `${duration}_bucket`, { endpoint: 'quota/all', le: '0.5' }), 3);
  assert.equal(valueWith(text, `${duration}_count`, { endpoint: 'device/list' }), undefined, 'a refused request is not timed');
});

test('a code that is not a short number is folded into "other" (it comes from the network); empty and negative codes are kept', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  for (const code of ['', '-1', '8521', '123456', 'E42', '<html>']) self.recordRequest({ endpoint: 'device/list', outcome: 'api_error', code, seconds: 0.1 });
  const text = await render();
  const byCode = samples(text, 'ecoflow_exporter_api_requests_total')
    .map((l) => `${/code="([^"]*)"/.exec(l)![1]}=${l.split(' ').at(-1)}`)
    .sort();
  assert.deepEqual(byCode, ['-1=1', '8521=1', '=1', 'other=3']);
});

test("recordPoll times polls by kind; a device's quota poll sets its last-success time, for listed devices only", async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t);
  onlineWithValues(snapshot, [GARAGE, BALCONY]);
  const before = Date.now();
  self.recordPoll('list', 0.5);
  self.recordPoll('quota', 0.05, GARAGE.sn);
  // Not on the device list: nothing to label a series with.
  self.recordPoll('quota', 0.05, 'NOT-LISTED');
  const after = Date.now();
  const text = await render();

  const duration = 'ecoflow_exporter_poll_duration_seconds';
  assert.equal(valueWith(text, `${duration}_count`, { kind: 'list' }), 1);
  assert.equal(valueWith(text, `${duration}_sum`, { kind: 'list' }), 0.5);
  assert.equal(valueWith(text, `${duration}_count`, { kind: 'quota' }), 2);

  const lastPoll = samples(text, 'ecoflow_exporter_last_successful_poll_timestamp_seconds');
  assert.equal(lastPoll.length, 1, 'the list poll and the unlisted device set none; the Balcony was not polled');
  assert.match(lastPoll[0]!, /\{device="R331ZEB4ZEAL0528",device_name="Garage",product_name="DELTA 2"\}/);
  const at = Number(lastPoll[0]!.split(' ').at(-1));
  assert.ok(at >= before / 1000 && at <= after / 1000, `${at} is when the poll was recorded, in seconds`);
});

test('exporter_devices puts each listed device in one state: online, offline, restricted, failing or stale (every state always present)', async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t);
  assert.deepEqual(devicesByState(await render()), { online: 0, offline: 0, restricted: 0, failing: 0, stale: 0 });

  const device = (sn: string): DeviceIdentity => ({ sn, name: sn, productName: 'DELTA 2' });
  const [fresh, failing, restricted, old, unread, offline] = ['FRESH', 'FAILING', 'RESTRICTED', 'OLD', 'UNREAD', 'OFFLINE'].map(device) as DeviceIdentity[];
  snapshot.setDevices([...[fresh!, failing!, restricted!, old!, unread!].map((d) => ({ ...d, online: true })), { ...offline!, online: false }]);
  for (const d of [fresh!, failing!]) snapshot.replaceQuotas(d.sn, { 'pd.soc': 50 }, Date.now());
  // Older than DATA_STALE_AFTER; the unread device has no value at all: both are stale.
  snapshot.replaceQuotas(old!.sn, { 'pd.soc': 50 }, Date.now() - 2 * STALE_AFTER_MS);
  snapshot.setRestricted(restricted!.sn, true);
  self.recordPollFailure(failing!);
  // The snapshot's state comes first: a refused device whose polls fail is restricted, not failing.
  self.recordPollFailure(restricted!);

  assert.deepEqual(devicesByState(await render()), { online: 1, offline: 1, restricted: 1, failing: 1, stale: 2 });
});

test('stale follows the staleness rule it is given: values 2 min old are fresh under a 10 min limit', async (t) => {
  const strict = selfMetricsWorld(t, { staleAfterMs: 60_000 });
  const lenient = selfMetricsWorld(t, { staleAfterMs: 600_000 });
  for (const world of [strict, lenient]) onlineWithValues(world.snapshot, [GARAGE], 120_000);
  assert.deepEqual(devicesByState(await strict.render()), { online: 0, offline: 0, restricted: 0, failing: 0, stale: 1 });
  assert.deepEqual(devicesByState(await lenient.render()), { online: 1, offline: 0, restricted: 0, failing: 0, stale: 0 });
});

test('a poll failure counts a connection error and makes the device failing; its next successful quota poll makes it online again', async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t);
  onlineWithValues(snapshot, [GARAGE, BALCONY]);
  self.recordPollFailure(GARAGE);
  self.recordPollFailure(GARAGE);
  let text = await render();
  assert.equal(valueWith(text, 'ecoflow_connection_errors_total', { device: GARAGE.sn, device_name: 'Garage', product_name: 'DELTA 2' }), 2);
  assert.equal(valueWith(text, 'ecoflow_connection_errors_total', { device: BALCONY.sn }), undefined);
  assert.deepEqual(devicesByState(text), { online: 1, offline: 0, restricted: 0, failing: 1, stale: 0 });

  self.recordPoll('quota', 0.1, GARAGE.sn);
  text = await render();
  assert.deepEqual(devicesByState(text), { online: 2, offline: 0, restricted: 0, failing: 0, stale: 0 });
  assert.equal(valueWith(text, 'ecoflow_connection_errors_total', { device: GARAGE.sn }), 2, 'a counter: the failures stay counted');
});

test('a device that goes offline or leaves takes its poll history with it: no last-success series, not failing when it is back', async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t);
  onlineWithValues(snapshot, [GARAGE, BALCONY]);
  self.recordPoll('quota', 0.1, GARAGE.sn);
  self.recordPollFailure(BALCONY);
  let text = await render();
  assert.equal(samples(text, 'ecoflow_exporter_last_successful_poll_timestamp_seconds').length, 1);
  assert.equal(devicesByState(text).failing, 1);

  // The Garage goes offline, the Balcony leaves the account.
  snapshot.setDevices([{ ...GARAGE, online: false }]);
  text = await render();
  assert.deepEqual(samples(text, 'ecoflow_exporter_last_successful_poll_timestamp_seconds'), []);

  // Both back, read again: nothing of their old poll history is left.
  onlineWithValues(snapshot, [GARAGE, BALCONY]);
  text = await render();
  assert.deepEqual(samples(text, 'ecoflow_exporter_last_successful_poll_timestamp_seconds'), []);
  assert.deepEqual(devicesByState(text), { online: 2, offline: 0, restricted: 0, failing: 0, stale: 0 });
});

test('exporter_series is the quota series count of the last collection recorded', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  assert.equal(valueWith(await render(), 'ecoflow_exporter_series'), 0);
  self.recordCollected(120);
  self.recordCollected(80);
  assert.equal(valueWith(await render(), 'ecoflow_exporter_series'), 80);
});

test('the circuit breaker gauge reads circuitState() at every collection: 1 for the current state, 0 for the others', async (t) => {
  const { sources, render } = selfMetricsWorld(t);
  const circuit = (text: string) => ['closed', 'open', 'half_open'].map((state) => valueWith(text, 'ecoflow_exporter_circuit_breaker_state', { state }));
  assert.deepEqual(circuit(await render()), [1, 0, 0]);
  sources.circuit = 'open';
  assert.deepEqual(circuit(await render()), [0, 1, 0]);
  sources.circuit = 'half_open';
  assert.deepEqual(circuit(await render()), [0, 0, 1]);
});

test('stream state: 1 for the current state; reaching connected counts a connect, connected to down a disconnect; a repeat or a stop counts nothing', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  const read = async () => {
    const text = await render();
    const states = ['off', 'connecting', 'connected', 'down'].filter((state) => valueWith(text, 'ecoflow_exporter_stream_state', { state }) === 1);
    return {
      states,
      connects: valueWith(text, 'ecoflow_exporter_stream_connects_total'),
      disconnects: valueWith(text, 'ecoflow_exporter_stream_disconnects_total'),
    };
  };
  assert.deepEqual((await read()).states, ['off'], 'off until told otherwise');

  self.recordStreamState('connecting');
  self.recordStreamState('connected');
  self.recordStreamState('connected');
  assert.deepEqual(await read(), { states: ['connected'], connects: 1, disconnects: undefined });

  self.recordStreamState('down');
  self.recordStreamState('connecting');
  // A reconnect that fails loses no connection.
  self.recordStreamState('down');
  assert.deepEqual(await read(), { states: ['down'], connects: 1, disconnects: 1 });
  self.recordStreamState('connecting');
  self.recordStreamState('connected');
  assert.deepEqual(await read(), { states: ['connected'], connects: 2, disconnects: 1 });

  // Stopping the stream is not losing the connection.
  self.recordStreamState('off');
  assert.deepEqual(await read(), { states: ['off'], connects: 2, disconnects: 1 });
});

test('stream messages are counted by device and kind, unknown ones by device and reason', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  self.recordStreamMessage(GARAGE, 'type_code');
  self.recordStreamMessage(GARAGE, 'type_code');
  self.recordStreamMessage(GARAGE, 'status');
  self.recordStreamMessage(BALCONY, 'params');
  self.recordStreamUnknown(BALCONY, 'not_json');
  self.recordStreamUnknown(BALCONY, 'not_json');
  self.recordStreamUnknown(BALCONY, 'too_large');
  const text = await render();

  const messages = 'ecoflow_exporter_stream_messages_total';
  assert.equal(valueWith(text, messages, { device: GARAGE.sn, device_name: 'Garage', product_name: 'DELTA 2', kind: 'type_code' }), 2);
  assert.equal(valueWith(text, messages, { device: GARAGE.sn, kind: 'status' }), 1);
  assert.equal(valueWith(text, messages, { device: BALCONY.sn, kind: 'params' }), 1);
  assert.equal(samples(text, messages).length, 3);
  const unknown = 'ecoflow_exporter_stream_unknown_messages_total';
  assert.equal(valueWith(text, unknown, { device: BALCONY.sn, device_name: 'Balcony', product_name: 'PowerStream', reason: 'not_json' }), 2);
  assert.equal(valueWith(text, unknown, { device: BALCONY.sn, reason: 'too_large' }), 1);
  assert.equal(samples(text, unknown).length, 2);
});

test('stream merge durations fall into sub-millisecond buckets', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  for (const seconds of [0.0002, 0.003, 0.2]) self.recordStreamMerge(seconds);
  const text = await render();
  const merge = 'ecoflow_exporter_stream_merge_duration_seconds';
  assert.equal(valueWith(text, `${merge}_bucket`, { le: '0.00025' }), 1);
  assert.equal(valueWith(text, `${merge}_bucket`, { le: '0.005' }), 2);
  assert.equal(valueWith(text, `${merge}_bucket`, { le: '0.1' }), 2);
  assert.equal(valueWith(text, `${merge}_bucket`, { le: '+Inf' }), 3);
  assert.ok(Math.abs(valueWith(text, `${merge}_sum`)! - 0.2032) < 1e-9);
});

test('renewals and failed OTLP pushes are counted one per call', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  self.recordRenewal();
  self.recordRenewal();
  for (let i = 0; i < 3; i++) self.recordOtlpFailure();
  const text = await render();
  assert.equal(valueWith(text, 'ecoflow_exporter_instrument_renewals_total'), 2);
  assert.equal(valueWith(text, 'ecoflow_exporter_otlp_export_failures_total'), 3);
});

test('a serializer fallback is counted, and absent until there is one', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  const fallbacks = 'ecoflow_exporter_serializer_fallbacks_total';
  assert.deepEqual(samples(await render(), fallbacks), []);
  self.recordSerializerFallback();
  const text = await render();
  assert.equal(valueWith(text, fallbacks), 1);
  assert.match(text, /^# TYPE ecoflow_exporter_serializer_fallbacks_total counter$/m);
});

test('energy: rejected readings by device and reason; state writes by outcome, both outcomes at 0 from when a file is kept', async (t) => {
  const { self, render } = selfMetricsWorld(t);
  const writes = 'ecoflow_exporter_energy_state_writes_total';
  assert.deepEqual(samples(await render(), writes), [], 'no state file, no series');
  self.recordEnergyStateKept();
  let text = await render();
  assert.equal(valueWith(text, writes, { outcome: 'ok' }), 0);
  assert.equal(valueWith(text, writes, { outcome: 'failed' }), 0);

  self.recordEnergyStateWrite(true);
  self.recordEnergyStateWrite(true);
  self.recordEnergyStateWrite(false);
  self.recordEnergyRejected(GARAGE, 'jump');
  self.recordEnergyRejected(GARAGE, 'jump');
  self.recordEnergyRejected(BALCONY, 'implausible_power');
  text = await render();
  assert.equal(valueWith(text, writes, { outcome: 'ok' }), 2);
  assert.equal(valueWith(text, writes, { outcome: 'failed' }), 1);
  const rejected = 'ecoflow_exporter_energy_readings_rejected_total';
  assert.equal(valueWith(text, rejected, { device: GARAGE.sn, device_name: 'Garage', product_name: 'DELTA 2', reason: 'jump' }), 2);
  assert.equal(valueWith(text, rejected, { device: BALCONY.sn, reason: 'implausible_power' }), 1);
  assert.equal(samples(text, rejected).length, 2);
});

test("build_info is 1, labelled with the version the sources give and this process's Node.js version", async (t) => {
  const { render } = selfMetricsWorld(t);
  assert.deepEqual(samples(await render(), 'ecoflow_exporter_build_info'), [
    `ecoflow_exporter_build_info{version="1.2.3",node_version="${process.version}"} 1`,
  ]);
});

test('the memory gauges report this process: resident set and V8 heap in use', async (t) => {
  const { render } = selfMetricsWorld(t);
  const before = process.memoryUsage();
  const text = await render();
  const after = process.memoryUsage();
  // Memory moves while the exposition is rendered: the value lies about between the two readings.
  const within = (value: number | undefined, a: number, b: number) => value !== undefined && value >= Math.min(a, b) / 2 && value <= Math.max(a, b) * 2;
  const rss = valueWith(text, 'ecoflow_exporter_resident_memory_bytes');
  const heap = valueWith(text, 'ecoflow_exporter_heap_used_bytes');
  assert.ok(within(rss, before.rss, after.rss), `rss ${rss}, process ${before.rss}..${after.rss}`);
  assert.ok(within(heap, before.heapUsed, after.heapUsed), `heap ${heap}, process ${before.heapUsed}..${after.heapUsed}`);
  assert.notEqual(rss, heap);
});

test('event-loop lag is the longest stall since the previous collection, and starts again from 0 after it', async (t) => {
  const { render } = selfMetricsWorld(t);
  const lag = async () => valueWith(await render(), 'ecoflow_exporter_event_loop_lag_seconds')!;
  // What start-up cost is reported and forgotten.
  await realTime(150);
  await lag();
  // A 400 ms stall: the 100 ms timer fires at least 300 ms late.
  const until = performance.now() + 400;
  while (performance.now() < until);
  await realTime(150);
  const stalled = await lag();
  assert.ok(stalled >= 0.29 && stalled < 1, `lag ${stalled} s after a 400 ms stall`);
  await realTime(300);
  const calm = await lag();
  assert.ok(calm < 0.2, `lag ${calm} s with no stall since the last collection`);
});

test('stop() takes the observed gauges out of the exposition (counters stay); a second stop is harmless; start() brings them back', async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t);
  onlineWithValues(snapshot, [GARAGE]);
  self.recordOtlpFailure();
  self.stop();
  let text = await render();
  assert.equal(valueWith(text, 'ecoflow_exporter_otlp_export_failures_total'), 1);
  for (const gauge of [
    'devices',
    'series',
    'circuit_breaker_state',
    'stream_state',
    'build_info',
    'resident_memory_bytes',
    'heap_used_bytes',
    'event_loop_lag_seconds',
  ]) {
    assert.deepEqual(samples(text, `ecoflow_exporter_${gauge}`), [], `${gauge} after stop()`);
  }
  self.stop();
  self.start();
  text = await render();
  assert.equal(valueWith(text, 'ecoflow_exporter_devices', { state: 'online' }), 1);
  assert.equal(valueWith(text, 'ecoflow_exporter_build_info'), 1);
});

test('every self-metric takes the configured prefix', async (t) => {
  const { self, snapshot, render } = selfMetricsWorld(t, { prefix: 'home' });
  onlineWithValues(snapshot, [GARAGE]);
  self.recordRenewal();
  self.recordPollFailure(GARAGE);
  const names = new Set(
    (await render())
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]!),
  );
  assert.ok(names.has('home_exporter_build_info') && names.has('home_exporter_instrument_renewals_total'));
  // connection_errors keeps the Python exporter's name, outside exporter_.
  assert.ok(names.has('home_connection_errors_total'));
  assert.deepEqual(
    [...names].filter((n) => !n.startsWith('home_')),
    [],
  );
});
