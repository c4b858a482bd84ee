import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenQuota } from '../../src/metrics/raw-metric-names.js';
import { quotaMetricName } from '../../src/catalog/catalog.js';
import { needs } from '../helpers/external-servers.js';
import { spawnAgainst, withDeadline } from '../helpers/exporter-process.js';
import { sampleValue, startExporter, sumWith, valueWith, type RunningExporter } from '../helpers/running-exporter.js';
import { eventually, TEST_KEYS } from '../helpers/simulated-fleet.js';
import { clientIdsSeen, PASSWORD, startStreamWorld, type StreamWorld } from '../helpers/stream-world.js';
import { realTime } from '../helpers/real-time.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoFleet } from '../../src/simulator/fleet.js';

/**
 * The open-API MQTT stream end to end, over real sockets: a real mosquitto with TLS and
 * password auth, the simulator's certification naming it, and the exporter in between.
 */
const opts = { ...needs('mosquitto'), timeout: 60_000 };

/** A device of each message shape in the demo fleet, and a numeric key it sends over REST. */
const SHAPES = {
  type_code: { sn: 'R331ZEB4ZEAL0528', key: 'pd.soc' },
  cmd: { sn: 'HW51ZOH4SF4E0001', key: '20_1.pv1InputWatts' },
  params: { sn: 'DCABZ8ZE5160006', key: 'bmsMaster.soc' },
  flat: { sn: 'P351ZAH4PG3R0008', key: 'soc' },
} as const;
const DELTA2 = SHAPES.type_code.sn;

function metricOf(key: string): string {
  const [sample] = flattenQuota(key, 1);
  return quotaMetricName('ecoflow', sample!.name, new Set());
}

/** The exporter on this world's broker, REST reconciling only hourly unless told otherwise. */
async function exporterIn(t: import('node:test').TestContext, world: StreamWorld, env: NodeJS.ProcessEnv = {}): Promise<RunningExporter> {
  const exporter = await startExporter(world.simulator, {
    ...world.env,
    RECONCILE_INTERVAL: '3600',
    DEVICE_LIST_INTERVAL: '3600',
    COLLECTING_INTERVAL: '0.2',
    ...env,
  });
  t.after(() => exporter.stop());
  // Every online device read once over REST: what follows is the stream's doing.
  await eventually(async () => sampleValue(await exporter.scrape(), metricOf(SHAPES.flat.key), SHAPES.flat.sn) !== undefined, 'the first REST reads');
  return exporter;
}

/** Publishes, then scrapes until `metric` of `sn` reads `value`; the milliseconds it took. */
async function msUntilVisible(exporter: RunningExporter, publish: () => Promise<void>, metric: string, sn: string, value: number): Promise<number> {
  const started = performance.now();
  await publish();
  await eventually(async () => sampleValue(await exporter.scrape(), metric, sn) === value, `${metric} of ${sn} = ${value}`, 5_000);
  return performance.now() - started;
}

test('a value published on the quota topic is on /metrics within a second, without a REST call, for every message shape', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world);
  const restCalls = world.simulator.requestCount('quota/all');
  const lastUpdate = sampleValue(await exporter.scrape(), 'ecoflow_last_update_timestamp_seconds', DELTA2)!;
  for (const [shape, { sn, key }] of Object.entries(SHAPES)) {
    const value = 4000 + Math.floor(Math.random() * 1000);
    const ms = await msUntilVisible(exporter, () => world.publisher.publishQuotas(sn, { [key]: value }), metricOf(key), sn, value);
    assert.ok(ms < 1000, `${shape}: visible after ${Math.round(ms)} ms`);
  }
  // The unified layer follows the same message: DELTA 2 pd.soc is not its SoC source, but pd.wattsOutSum is its output.
  await msUntilVisible(exporter, () => world.publisher.publishQuotas(DELTA2, { 'pd.wattsOutSum': 321 }), 'ecoflow_output_power_watts', DELTA2, 321);
  assert.equal(world.simulator.requestCount('quota/all'), restCalls, 'no REST quota call was needed');

  const text = await exporter.scrape();
  for (const [shape, { sn }] of Object.entries(SHAPES)) {
    assert.ok((valueWith(text, 'ecoflow_exporter_stream_messages_total', { device: sn, kind: shape }) ?? 0) >= 1, `${shape} counted`);
  }
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_state', { state: 'connected' }), 1);
  assert.ok(valueWith(text, 'ecoflow_exporter_stream_merge_duration_seconds_count')! >= 5);
  assert.ok(sampleValue(text, 'ecoflow_last_update_timestamp_seconds', DELTA2)! > lastUpdate, 'last update follows stream messages too');
  assert.ok(!text.includes(PASSWORD) && !exporter.logs.join('\n').includes(PASSWORD), 'the certificate password is in no metric and no log line');
});

test(
  'a Smart Meter replayed from its live capture over mosquitto: its family, grid power in total and per phase, and import and export counters, with no REST call for it and the others read as before',
  opts,
  async (t) => {
    const world = await startStreamWorld(t);
    const meter = demoFleet().find((d) => d.streamOnly)!;
    // Its values come from the capture below, not from the simulator's motion.
    world.simulator.addDevice({ ...meter, motion: undefined });
    const exporter = await exporterIn(t, world);
    const capture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/streams/smartmeter-stream.json', import.meta.url)), 'utf8')) as {
      pushes: Array<{ t: number; params: Record<string, unknown> }>;
    };
    // At ten times the capture's pace: pushes all at once would grow the counters faster than a
    // house connection can, which the energy rules rightly refuse.
    const started = Date.now();
    for (const [i, push] of capture.pushes.entries()) {
      await realTime(Math.max(0, started + push.t * 100 - Date.now()));
      const message = { id: String(1000 + i), version: '1.0', timestamp: Date.now(), params: push.params };
      await world.publisher.publishRaw(meter.sn, 'quota', JSON.stringify(message));
    }
    const last = Object.assign({}, ...capture.pushes.map((p) => p.params)) as Record<string, number> & { gridConnectionDataRecord: Record<string, number> };
    const device = { device: meter.sn };
    const text = await eventually(async () => {
      const text = await exporter.scrape();
      // The last push to carry the record is not the last push: wait for both.
      const done =
        valueWith(text, 'ecoflow_grid_import_energy_joules_total', device) === last.gridConnectionDataRecord.todayActive! * 3600 &&
        valueWith(text, 'ecoflow_pow_get_sys_grid', device) === last.powGetSysGrid &&
        valueWith(text, 'ecoflow_grid_connection_power_l1', device) === last.gridConnectionPowerL1;
      return done && text;
    }, 'the last push on /metrics');
    assert.equal(valueWith(text, 'ecoflow_device_info', { ...device, family: 'smart_meter' }), 1);
    assert.equal(valueWith(text, 'ecoflow_grid_power_watts', device), last.powGetSysGrid);
    for (const phase of ['L1', 'L2', 'L3'])
      assert.equal(valueWith(text, 'ecoflow_grid_phase_power_watts', { ...device, phase }), last[`gridConnectionPower${phase}`], phase);
    assert.equal(valueWith(text, 'ecoflow_grid_export_energy_joules_total', device), last.gridConnectionDataRecord.totalReactiveEnergy! * 3600);
    assert.equal(sumWith(text, 'ecoflow_grid_power_watts', device), last.powGetSysGrid, 'one total per device');
    assert.equal(world.simulator.quotaRequests.get(meter.sn) ?? 0, 0, 'never asked over REST');
    assert.ok((world.simulator.quotaRequests.get(DELTA2) ?? 0) >= 1, 'the others are read over REST as before');
    const aboutMeter = exporter.logs.filter((l) => l.includes(meter.sn) && /"level":"(warn|error)"/.test(l));
    assert.deepEqual(aboutMeter, [], 'no warning about it, from polling or from the energy rules');
    assert.equal(valueWith(text, 'ecoflow_exporter_energy_readings_rejected_total', device), undefined, 'every counter reading taken');
  },
);

test('a device added to the account is followed on the open connection; one removed is let go', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world, { DEVICE_LIST_INTERVAL: '0.3' });
  const added = { ...world.simulator.device(DELTA2), sn: 'R331ZEB4ZEAL9999', deviceName: 'DELTA 2-New' };
  world.simulator.addDevice(added);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_online', added.sn) === 1, 'the new device listed');
  const ms = await msUntilVisible(exporter, () => world.publisher.publishQuotas(added.sn, { 'pd.soc': 12 }), 'ecoflow_pd_soc', added.sn, 12);
  assert.ok(ms < 1000, `the new device's messages arrive (${Math.round(ms)} ms)`);
  world.simulator.removeDevice(added.sn);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_online', added.sn) === undefined, 'the device gone');
  const text = await exporter.scrape();
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_connects_total'), 1, 'no reconnect for either');
  assert.equal(clientIdsSeen(world.broker).length, 1);
});

test('a message that is not understood is counted by device and reason, logged once with a clipped sample, and the stream goes on', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world);
  const junk = `{"not json at all ${'x'.repeat(500)}`;
  await world.publisher.publishRaw(DELTA2, 'quota', junk);
  await world.publisher.publishRaw(DELTA2, 'quota', junk);
  await world.publisher.publishRaw(DELTA2, 'quota', JSON.stringify({ typeCode: 'noSuchStatus', params: { a: 1 } }));
  await world.publisher.publishRaw(DELTA2, 'status', '{"params":{"status":"maybe"}}');
  const ms = await msUntilVisible(exporter, () => world.publisher.publishQuotas(DELTA2, { 'pd.soc': 77 }), 'ecoflow_pd_soc', DELTA2, 77);
  assert.ok(ms < 1000);
  const text = await exporter.scrape();
  const unknown = (reason: string) => valueWith(text, 'ecoflow_exporter_stream_unknown_messages_total', { device: DELTA2, reason });
  assert.equal(unknown('not_json'), 2);
  assert.equal(unknown('unknown_type_code'), 1);
  assert.equal(unknown('bad_status'), 1);
  const logged = exporter.logs.filter((l) => l.includes('stream message skipped') && l.includes('not_json'));
  assert.equal(logged.length, 1, 'logged once per device and reason');
  assert.ok(logged[0]!.length < 600, 'the sample is clipped');
});

test('a status message taking a device offline drops its series within a second; back online brings them back', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world);
  const metric = metricOf(SHAPES.type_code.key);
  assert.notEqual(sampleValue(await exporter.scrape(), metric, DELTA2), undefined);

  // The device list is only read hourly here: what changes it is the status message.
  const started = performance.now();
  world.simulator.setOnline(DELTA2, false);
  await eventually(async () => sampleValue(await exporter.scrape(), metric, DELTA2) === undefined, 'the series gone', 5_000);
  assert.ok(performance.now() - started < 1000, `gone after ${Math.round(performance.now() - started)} ms`);
  assert.equal(sampleValue(await exporter.scrape(), 'ecoflow_online', DELTA2), 0);

  world.simulator.setOnline(DELTA2, true);
  await eventually(async () => sampleValue(await exporter.scrape(), metric, DELTA2) !== undefined, 'the series back (a REST read follows the status)', 5_000);
  assert.equal(sampleValue(await exporter.scrape(), 'ecoflow_online', DELTA2), 1);
});

test('a REST reconciliation keeps a key only the stream sends and restores a key the stream never sent', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world, { RECONCILE_INTERVAL: '1' });
  await msUntilVisible(exporter, () => world.publisher.publishQuotas(DELTA2, { 'pd.streamOnlyCounter': 5 }), 'ecoflow_pd_stream_only_counter', DELTA2, 5);
  // bms_kitInfo has no type code: a DELTA 2 sends it over REST only.
  world.simulator.setQuota(DELTA2, 'bms_kitInfo.restOnlyValue', 42);
  const before = world.simulator.quotaRequests.get(DELTA2) ?? 0;
  await eventually(
    async () => sampleValue(await exporter.scrape(), 'ecoflow_bms_kit_info_rest_only_value', DELTA2) === 42,
    'the REST-only key after a reconciliation',
    5_000,
  );
  await eventually(() => (world.simulator.quotaRequests.get(DELTA2) ?? 0) >= before + 2, 'a second reconciliation', 5_000);
  assert.equal(sampleValue(await exporter.scrape(), 'ecoflow_pd_stream_only_counter', DELTA2), 5, 'the stream-only key survived the reconciliations');
});

test('between reconciliations what REST read holds while the device streams; a key the stream stops sending leaves when stale', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world, { DATA_STALE_AFTER: '1', RECONCILE_INTERVAL: '5' });
  let chatting = true;
  const chat = (async () => {
    for (let i = 0; chatting; i++) {
      await world.publisher.publishQuotas(DELTA2, { 'pd.soc': i % 100 }).catch(() => undefined);
      await realTime(100);
    }
  })();
  await msUntilVisible(exporter, () => world.publisher.publishQuotas(DELTA2, { 'pd.sentOnce': 9 }), 'ecoflow_pd_sent_once', DELTA2, 9);
  // Past DATA_STALE_AFTER, before the next reconciliation (the first REST read was under 5 s ago).
  await realTime(2000);
  const text = await exporter.scrape();
  assert.equal(sampleValue(text, 'ecoflow_pd_sent_once', DELTA2), undefined, 'a stream-only key not sent again is stale');
  assert.equal(sampleValue(text, 'ecoflow_pd_watts_out_sum', DELTA2), world.simulator.device(DELTA2).quotas['pd.wattsOutSum'], "REST's value holds");
  assert.equal(
    sampleValue(text, 'ecoflow_output_power_watts', DELTA2),
    world.simulator.device(DELTA2).quotas['pd.wattsOutSum'],
    'and so does what is derived from it',
  );
  assert.notEqual(sampleValue(text, 'ecoflow_pd_soc', DELTA2), undefined);
  chatting = false;
  await chat;
});

test('the broker killed and restarted: last data kept, REST takes over meanwhile, the same client ID reconnects', opts, async (t) => {
  const world = await startStreamWorld(t);
  const exporter = await exporterIn(t, world);
  const metric = metricOf(SHAPES.type_code.key);
  // The cloud and the stream agree on 61 (setQuota also publishes it).
  await msUntilVisible(exporter, async () => world.simulator.setQuota(DELTA2, 'pd.soc', 61), metric, DELTA2, 61);
  const restBefore = world.simulator.quotaRequests.get(DELTA2) ?? 0;

  await world.broker.kill();
  await eventually(async () => valueWith(await exporter.scrape(), 'ecoflow_exporter_stream_state', { state: 'down' }) === 1, 'stream down');
  for (let i = 0; i < 5; i++) {
    assert.equal(sampleValue(await exporter.scrape(), metric, DELTA2), 61, 'the data is served all along');
    await realTime(100);
  }
  // Reconciliation is hourly here: REST reads now are the fallback at COLLECTING_INTERVAL.
  await eventually(() => (world.simulator.quotaRequests.get(DELTA2) ?? 0) >= restBefore + 3, 'REST polling while the stream is down', 5_000);
  world.simulator.setQuota(DELTA2, 'pd.soc', 62);
  await eventually(async () => sampleValue(await exporter.scrape(), metric, DELTA2) === 62, 'REST delivers new values meanwhile', 5_000);

  await world.broker.restart();
  await eventually(async () => valueWith(await exporter.scrape(), 'ecoflow_exporter_stream_state', { state: 'connected' }) === 1, 'stream back', 20_000);
  const text = await exporter.scrape();
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_connects_total'), 2);
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_disconnects_total'), 1);
  await eventually(() => world.publisher.connected, 'the publisher back');
  const ms = await msUntilVisible(exporter, () => world.publisher.publishQuotas(DELTA2, { 'pd.soc': 63 }), metric, DELTA2, 63);
  assert.ok(ms < 1000, `stream values flow again (${Math.round(ms)} ms)`);
  const ids = clientIdsSeen(world.broker);
  assert.equal(ids.length, 2, `two logins: ${ids.join(', ')}`);
  assert.equal(ids[0], ids[1], 'the same client ID after the reconnect');
});

test('wrong MQTT credentials: auto runs on REST and says why; on fails start-up with a clear message', opts, async (t) => {
  const world = await startStreamWorld(t, { certificationPassword: 'not-the-password-123' });
  const auto = await startExporter(world.simulator, { ...world.env, ECOFLOW_MQTT: 'auto', COLLECTING_INTERVAL: '0.2', RECONCILE_INTERVAL: '3600' });
  t.after(() => auto.stop());
  const line = auto.logs.find((l) => l.includes('MQTT stream unavailable'));
  assert.ok(line, 'a log line says the stream is unavailable');
  assert.match(line!, /refused/);
  assert.ok(!auto.logs.join('\n').includes('not-the-password-123'), 'the certificate password is never logged');
  const before = world.simulator.quotaRequests.get(DELTA2) ?? 0;
  await eventually(() => (world.simulator.quotaRequests.get(DELTA2) ?? 0) >= before + 3, 'REST polling at COLLECTING_INTERVAL', 5_000);
  // Not connected: down, or between two refused attempts (connecting) when the scrape comes then.
  const states = await auto.scrape();
  assert.equal(valueWith(states, 'ecoflow_exporter_stream_state', { state: 'connected' }), 0);
  assert.equal(
    (valueWith(states, 'ecoflow_exporter_stream_state', { state: 'down' }) ?? 0) +
      (valueWith(states, 'ecoflow_exporter_stream_state', { state: 'connecting' }) ?? 0),
    1,
  );
  await auto.stop();

  const on = await spawnAgainst(t, world.simulator.url, { ...world.env, ECOFLOW_MQTT: 'on' });
  const code = await withDeadline(on.exited, 20_000, 'the exporter to exit');
  assert.equal(code, 1);
  assert.match(on.output(), /ECOFLOW_MQTT=on, but the MQTT stream is unavailable: the broker 127\.0\.0\.1:\d+ refused the login/);
  assert.ok(!on.output().includes('not-the-password-123'));
});

test('the client ID is the same across restarts of the process and does not contain the access key', opts, async (t) => {
  const world = await startStreamWorld(t);
  for (let run = 0; run < 2; run++) {
    const p = await spawnAgainst(t, world.simulator.url, { ...world.env, LOG_FORMAT: 'json' });
    await eventually(() => p.output().includes('MQTT stream connected'), 'the stream connected', 15_000);
    p.child.kill('SIGTERM');
    await withDeadline(p.exited, 10_000, 'the exporter to stop');
  }
  const ids = clientIdsSeen(world.broker);
  assert.equal(ids.length, 2, ids.join(', '));
  assert.equal(ids[0], ids[1]);
  assert.ok(!ids[0]!.includes(TEST_KEYS.accessKey));
  assert.match(ids[0]!, /^ecoflow-exporter-[0-9a-f]{16}$/);
});

test(
  'while the stream is healthy REST reads a device once per reconciliation interval; a device silent on it is polled at COLLECTING_INTERVAL',
  opts,
  async (t) => {
    const world = await startStreamWorld(t);
    const exporter = await exporterIn(t, world, { RECONCILE_INTERVAL: '1', COLLECTING_INTERVAL: '0.1', ECOFLOW_MQTT_SILENCE: '1' });
    const quiet = SHAPES.flat.sn; // publishes nothing: silent after a second
    let chatting = true;
    const chat = (async () => {
      for (let i = 0; chatting; i++) {
        await world.publisher.publishQuotas(DELTA2, { 'pd.soc': i % 100 }).catch(() => undefined);
        await realTime(100);
      }
    })();
    await realTime(1500); // past the first reads and the quiet device's silence limit
    const counts = () => ({ chatty: world.simulator.quotaRequests.get(DELTA2) ?? 0, quiet: world.simulator.quotaRequests.get(quiet) ?? 0 });
    const start = counts();
    const windowS = 6;
    await realTime(windowS * 1000);
    const end = counts();
    chatting = false;
    await chat;
    const chatty = end.chatty - start.chatty;
    // One read a second, give or take the REST round trip on a busy machine.
    assert.ok(chatty >= windowS - 2 && chatty <= windowS + 1, `chatty device: ${chatty} REST reads in ${windowS} s at a 1 s reconciliation interval`);
    const silent = end.quiet - start.quiet;
    assert.ok(silent >= windowS * 5, `silent device: ${silent} REST reads in ${windowS} s at a 0.1 s collecting interval`);
    const calls = sumWith(await exporter.scrape(), 'ecoflow_exporter_api_requests_total', { endpoint: 'quota/all' });
    assert.ok(calls > 0, 'the exporter counts them too');
  },
);
