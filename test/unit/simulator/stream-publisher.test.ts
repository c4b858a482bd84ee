import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { ErrorWithReasonCode } from 'mqtt';
import { CloudSimulator } from '../../../src/simulator/cloud-simulator.js';
import { startDemoBroker, type DemoBroker } from '../../../src/simulator/demo-broker.js';
import { demoFleet, type SimulatedDevice } from '../../../src/simulator/fleet.js';
import { StreamPublisher } from '../../../src/simulator/stream-publisher.js';
import { decodeQuotaMessage, decodeStatusMessage, type QuotaShape } from '../../../src/stream/message-codec.js';
import { TEST_KEYS, closedPort, eventually } from '../../helpers/simulated-fleet.js';

type TestContext = import('node:test').TestContext;

const CREDENTIALS = { username: 'open-57c134518b5test', password: '959253cc103a4008test' };
const ACCOUNT = CREDENTIALS.username;
const PERIOD_MS = 100;
/** "Within about two periods", with room for a loaded machine. */
const TWO_PERIODS_MS = 2 * PERIOD_MS + 300;

const SN = {
  delta2: 'R331ZEB4ZEAL0528',
  powerStream: 'HW51ZOH4SF4E0001',
  smartPlug: 'HW52ZDH4SF2E0002',
  river2: 'R621ZEB5XE7K0003',
  deltaPro: 'DCABZ8ZE5160006',
  delta3: 'P351ZAH4PG3R0008',
  smartHomePanel: 'SP10ZAW5ZE4R0013',
} as const;

interface Received {
  topic: string;
  payload: Buffer;
}

/**
 * The demo fleet, moving, at a clock the test sets (seconds). Without its stream-only device
 * unless asked: that one publishes at every tick, changed or not (its own test below).
 */
function movingSimulator(devices = demoFleet().filter((d) => !d.streamOnly)): { simulator: CloudSimulator; advance: (seconds: number) => void } {
  let now = 1_700_000_000;
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices, clock: () => now });
  return { simulator, advance: (seconds) => void (now += seconds) };
}

async function broker(t: TestContext, port?: number): Promise<DemoBroker> {
  const b = await startDemoBroker({ ...CREDENTIALS, ...(port !== undefined ? { port } : {}) });
  t.after(() => b.stop());
  return b;
}

/** A real MQTT client subscribed to everything under the account, as the exporter will be. */
async function subscriber(t: TestContext, b: DemoBroker): Promise<Received[]> {
  const client = await mqtt.connectAsync(`mqtt://${b.host}:${b.port}`, {
    ...CREDENTIALS,
    clientId: `test-subscriber-${randomBytes(4).toString('hex')}`,
    reconnectPeriod: 0,
    log: () => undefined,
  });
  t.after(() => client.endAsync(true));
  client.on('error', () => undefined);
  const received: Received[] = [];
  client.on('message', (topic, payload) => received.push({ topic, payload }));
  await client.subscribeAsync(`/open/${ACCOUNT}/#`);
  return received;
}

async function publisher(t: TestContext, simulator: CloudSimulator, b: DemoBroker, o: { password?: string } = {}): Promise<StreamPublisher> {
  const p = new StreamPublisher({
    simulator,
    brokerUrl: `mqtt://${b.host}:${b.port}`,
    username: CREDENTIALS.username,
    password: o.password ?? CREDENTIALS.password,
    account: ACCOUNT,
    periodMs: PERIOD_MS,
  });
  t.after(() => p.stop());
  return p;
}

/** Everything up and publishing; the subscriber is there before the first tick. */
async function running(t: TestContext, devices?: SimulatedDevice[]) {
  const { simulator, advance } = movingSimulator(devices);
  const b = await broker(t);
  const received = await subscriber(t, b);
  const p = await publisher(t, simulator, b);
  await p.start();
  return { simulator, advance, broker: b, received, publisher: p };
}

function quotaMessagesOf(received: Received[], sn: string): Array<{ shape: QuotaShape; quotas: Record<string, unknown> }> {
  return received
    .filter((m) => m.topic === `/open/${ACCOUNT}/${sn}/quota`)
    .map((m) => {
      const parsed = decodeQuotaMessage(m.payload);
      assert.equal(parsed.kind, 'quota', `${sn}: ${m.payload.toString()} is not a quota message`);
      const { shape, quotas } = parsed as { kind: 'quota'; shape: QuotaShape; quotas: Record<string, unknown> };
      return { shape, quotas };
    });
}

/** The keys of `sn`'s quota messages merged, as the exporter merges them. */
function merged(received: Received[], sn: string): Record<string, unknown> {
  return Object.assign({}, ...quotaMessagesOf(received, sn).map((m) => m.quotas));
}

function statusesOf(received: Received[], sn: string): boolean[] {
  return received
    .filter((m) => m.topic === `/open/${ACCOUNT}/${sn}/status`)
    .map((m) => {
      const parsed = decodeStatusMessage(m.payload);
      assert.equal(parsed.kind, 'status', `${sn}: ${m.payload.toString()} is not a status message`);
      return (parsed as { online: boolean }).online;
    });
}

// Real time: the publisher talks to a real broker (aedes) over a socket, whose timers and I/O
// mock timers do not drive; the ticks under test are counted, not timed.
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `count()` (messages received or published) has not moved for three periods: the first tick is through. */
async function quiet(count: () => number): Promise<number> {
  const deadline = Date.now() + 3000;
  for (let last = -1; ; ) {
    const now = count();
    if (now === last) return now;
    if (Date.now() > deadline) assert.fail(`still publishing after 3 s with the clock stopped (${now} messages)`);
    last = now;
    await delay(3 * PERIOD_MS);
  }
}

// --- the four shapes ------------------------------------------------------------------------

test('every moving demo device publishes its moving values in its own shape, as quota/all names them', async (t) => {
  const { simulator, received } = await running(t, demoFleet());
  const publishing = demoFleet().filter((d): d is SimulatedDevice & { stream: QuotaShape } => d.online && d.stream !== undefined && d.motion !== undefined);
  assert.deepEqual(new Set(publishing.map((d) => d.stream)), new Set(['type_code', 'cmd', 'params', 'flat']), 'the demo fleet covers all four shapes');

  for (const device of publishing) {
    const rest = simulator.currentQuotas(device.sn);
    const expected = Object.fromEntries(Object.keys(device.motion!).map((key) => [key, rest[key]]));
    await eventually(() => Object.keys(merged(received, device.sn)).length >= Object.keys(expected).length, `${device.deviceName}'s moving values`, 2000);
    for (const message of quotaMessagesOf(received, device.sn)) {
      assert.equal(message.shape, device.stream, `${device.deviceName} publishes ${device.stream} messages`);
      for (const key of Object.keys(message.quotas)) assert.ok(key in rest, `${device.deviceName}: ${key} is a quota/all key`);
    }
    // The clock stands still: what was published is exactly what quota/all answers now.
    assert.deepEqual(merged(received, device.sn), expected, device.deviceName);
  }
  // Offline devices publish nothing on their own; every online one moves, the Smart Home Panel too.
  assert.deepEqual(quotaMessagesOf(received, SN.river2), []);
  assert.ok(
    publishing.some((d) => d.sn === SN.smartHomePanel),
    'the Smart Home Panel moves',
  );
});

test('type_code: one message per type code, with the typeCode and the names after the prefix', async (t) => {
  const { received } = await running(t);
  await eventually(() => quotaMessagesOf(received, SN.delta2).length >= 4, 'DELTA 2 messages', 2000);
  const bodies = received.filter((m) => m.topic === `/open/${ACCOUNT}/${SN.delta2}/quota`).map((m) => JSON.parse(m.payload.toString()));
  assert.deepEqual(bodies.map((b) => b.typeCode).sort(), ['bmsStatus', 'emsStatus', 'invStatus', 'pdStatus']);
  const pd = bodies.find((b) => b.typeCode === 'pdStatus');
  assert.deepEqual(Object.keys(pd), ['typeCode', 'params']);
  assert.deepEqual(Object.keys(pd.params).sort(), ['soc', 'wattsOutSum']);
});

test('cmd: the PowerStream and the smart plug publish {cmdFunc, cmdId, param}', async (t) => {
  const { received } = await running(t);
  await eventually(() => quotaMessagesOf(received, SN.smartPlug).length > 0 && quotaMessagesOf(received, SN.powerStream).length > 0, 'cmd messages', 2000);
  const plug = JSON.parse(received.find((m) => m.topic.endsWith(`/${SN.smartPlug}/quota`))!.payload.toString());
  assert.equal(plug.cmdFunc, 2);
  assert.equal(plug.cmdId, 1);
  assert.deepEqual(Object.keys(plug.param).sort(), ['volt', 'watts']);
  const stream = JSON.parse(received.find((m) => m.topic.endsWith(`/${SN.powerStream}/quota`))!.payload.toString());
  assert.equal(stream.cmdFunc, 20);
  assert.equal(stream.cmdId, 1);
});

test('params and flat: an envelope with the keys as they are, and a bare object', async (t) => {
  const { received } = await running(t);
  await eventually(
    () => quotaMessagesOf(received, SN.deltaPro).length > 0 && quotaMessagesOf(received, SN.delta3).length > 0,
    'params and flat messages',
    2000,
  );
  const pro = JSON.parse(received.find((m) => m.topic.endsWith(`/${SN.deltaPro}/quota`))!.payload.toString());
  assert.equal(pro.version, '1.0');
  assert.equal(typeof pro.id, 'string');
  assert.equal(typeof pro.timestamp, 'number');
  assert.ok('ems.lcdShowSoc' in pro.params);
  const delta3 = JSON.parse(received.find((m) => m.topic.endsWith(`/${SN.delta3}/quota`))!.payload.toString());
  assert.deepEqual(Object.keys(delta3).sort(), ['accuChgEnergy', 'amp', 'inputWatts', 'powGetAcIn', 'powInSumW']);
});

test('publishQuotas leaves out what the shape cannot carry and refuses when nothing is left', async (t) => {
  const { received, publisher: p } = await running(t);
  await quiet(() => received.length);
  const before = p.published;
  await p.publishQuotas(SN.delta2, { 'pd.soc': 12, 'bms_emsStatus.maxChargeSoc': 90, 'nosuchprefix.x': 1, unprefixed: 2 });
  await p.publishQuotas(SN.powerStream, { '20_1.pv1InputWatts': 5, '20_134.x': 7, 'pd.soc': 1 });
  await p.publishQuotas(SN.delta3, { powInSumW: 3, id: 'not a value', timestamp: 1 });
  // Nested values (the Smart Home Panel's) travel as they are in a params envelope.
  await p.publishQuotas(SN.smartHomePanel, { 'heartbeat.backupBatPer': [54, 0], energyInfos: { a: 1 } });
  assert.equal(p.published - before, 2 + 2 + 1 + 1);

  // One client's messages arrive in order: the last one there means all are.
  await eventually(() => quotaMessagesOf(received, SN.smartHomePanel).some((m) => 'energyInfos' in m.quotas), 'the explicit messages', 2000);
  const last = (sn: string) => quotaMessagesOf(received, sn).slice(-2);
  assert.deepEqual(
    last(SN.delta2).map((m) => m.quotas),
    [{ 'pd.soc': 12 }, { 'bms_emsStatus.maxChargeSoc': 90 }],
  );
  assert.deepEqual(
    last(SN.powerStream).map((m) => m.quotas),
    [{ '20_1.pv1InputWatts': 5 }, { '20_134.x': 7 }],
  );
  assert.deepEqual(quotaMessagesOf(received, SN.delta3).at(-1)?.quotas, { powInSumW: 3 });
  assert.deepEqual(quotaMessagesOf(received, SN.smartHomePanel).at(-1), {
    shape: 'params',
    quotas: { 'heartbeat.backupBatPer': [54, 0], energyInfos: { a: 1 } },
  });

  await assert.rejects(p.publishQuotas(SN.delta2, { unprefixed: 1 }), /no key fits a type_code message/);
  await assert.rejects(p.publishQuotas('NO-SUCH-SN', { 'pd.soc': 1 }), /no simulated device/);
});

// --- changes ---------------------------------------------------------------------------------

test('setOnline publishes a status message the exporter reads as offline, then online; no change, no message', async (t) => {
  const { simulator, received } = await running(t);
  simulator.setOnline(SN.delta2, false);
  await eventually(() => statusesOf(received, SN.delta2).length === 1, 'the offline status', 2000);
  const status = JSON.parse(received.find((m) => m.topic === `/open/${ACCOUNT}/${SN.delta2}/status`)!.payload.toString());
  assert.deepEqual(status.params, { status: 0 });
  assert.equal(status.version, '1.0');
  assert.equal(typeof status.id, 'string');
  assert.equal(typeof status.timestamp, 'number');

  simulator.setOnline(SN.delta2, false);
  simulator.setOnline(SN.delta2, true);
  await eventually(() => statusesOf(received, SN.delta2).length === 2, 'the online status', 2000);
  assert.deepEqual(statusesOf(received, SN.delta2), [false, true]);
});

test('an offline device stops publishing its moving values and publishes them all again when back', async (t) => {
  const { simulator, advance, received } = await running(t);
  await eventually(() => quotaMessagesOf(received, SN.delta2).length > 0, 'the first values', 2000);
  simulator.setOnline(SN.delta2, false);
  await eventually(() => statusesOf(received, SN.delta2).length === 1, 'the offline status', 2000);
  const count = quotaMessagesOf(received, SN.delta2).length;
  advance(600);
  await delay(3 * PERIOD_MS);
  assert.equal(quotaMessagesOf(received, SN.delta2).length, count);

  simulator.setOnline(SN.delta2, true);
  await eventually(() => quotaMessagesOf(received, SN.delta2).length >= count + 4, 'every type code again', TWO_PERIODS_MS);
});

test('setQuota is published in the device shape; not while the device is offline', async (t) => {
  const { simulator, received } = await running(t);
  simulator.setQuota(SN.delta2, 'pd.soc', 7);
  simulator.setQuota(SN.powerStream, '20_1.batSoc', 33);
  simulator.setQuota(SN.delta3, 'cmsBattSoc', 44);
  await eventually(() => quotaMessagesOf(received, SN.delta2).some((m) => m.quotas['pd.soc'] === 7), 'pd.soc 7', 2000);
  await eventually(() => quotaMessagesOf(received, SN.powerStream).some((m) => m.shape === 'cmd' && m.quotas['20_1.batSoc'] === 33), '20_1.batSoc', 2000);
  await eventually(() => quotaMessagesOf(received, SN.delta3).some((m) => m.shape === 'flat' && m.quotas.cmsBattSoc === 44), 'cmsBattSoc', 2000);

  simulator.setQuota(SN.river2, 'pd.soc', 99);
  await delay(2 * PERIOD_MS);
  assert.deepEqual(quotaMessagesOf(received, SN.river2), []);
});

test('a stream-only device publishes every one of its moving values at every tick, with the clock stopped too', async (t) => {
  const meter = demoFleet().find((d) => d.streamOnly)!;
  const { simulator } = movingSimulator([meter]);
  const b = await broker(t);
  const received = await subscriber(t, b);
  await (await publisher(t, simulator, b)).start();
  await eventually(() => quotaMessagesOf(received, meter.sn).length >= 3, 'three ticks of the meter', 5 * PERIOD_MS + 2000);
  for (const { quotas } of quotaMessagesOf(received, meter.sn)) assert.deepEqual(Object.keys(quotas).sort(), Object.keys(meter.motion!).sort());
});

test('moving values are published when they change, within about two periods, and only then', async (t) => {
  const { simulator, advance, received } = await running(t);
  await eventually(() => 'pd.wattsOutSum' in merged(received, SN.delta2), 'the first values', 2000);
  await quiet(() => received.length);
  // The clock stands still: nothing changes, nothing is sent.
  const settled = received.length;
  await delay(3 * PERIOD_MS);
  assert.equal(received.length, settled);

  advance(37);
  const moved = simulator.currentQuotas(SN.delta2)['pd.wattsOutSum'];
  assert.notEqual(moved, merged(received, SN.delta2)['pd.wattsOutSum'], 'the clock step moves pd.wattsOutSum');
  await eventually(() => merged(received, SN.delta2)['pd.wattsOutSum'] === moved, 'the moved value', TWO_PERIODS_MS);
  // Keys that did not move (inv.invOutFreq is always 50) are not sent again.
  const freq = quotaMessagesOf(received, SN.delta2).filter((m) => 'inv.invOutFreq' in m.quotas);
  assert.equal(freq.length, 1);
});

// --- the broker ------------------------------------------------------------------------------

test('a wrong broker password is refused with CONNACK 4 and start() says so', async (t) => {
  const { simulator } = movingSimulator();
  const b = await broker(t);
  const p = await publisher(t, simulator, b, { password: 'wrong' });
  const err = await p.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error);
  assert.match(err.message, /cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: Connection refused: Bad username or password/);
  assert.ok(err.cause instanceof ErrorWithReasonCode);
  assert.equal(err.cause.code, 4);
  assert.equal(p.connected, false);
});

test('start() rejects when nothing listens', async (t) => {
  const { simulator } = movingSimulator();
  const p = new StreamPublisher({ simulator, brokerUrl: `mqtt://127.0.0.1:${await closedPort()}`, ...CREDENTIALS, account: ACCOUNT });
  t.after(() => p.stop());
  await assert.rejects(p.start(), /cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
});

test('publishing goes on after the broker restarts, and fails quietly while it is away', async (t) => {
  const { simulator, advance } = movingSimulator();
  const first = await startDemoBroker(CREDENTIALS);
  t.after(() => first.stop());
  const p = await publisher(t, simulator, first);
  await p.start();
  const fullTick = await quiet(() => p.published);
  await first.stop();
  await eventually(() => !p.connected, 'the publisher to notice', 2000);

  // Changes while the broker is away: counted, not thrown.
  const failed = p.failed;
  simulator.setQuota(SN.delta2, 'pd.soc', 5);
  simulator.setOnline(SN.river2, true);
  await eventually(() => p.failed >= failed + 2, 'the failures to be counted', 2000);
  await assert.rejects(p.publishStatus(SN.delta2, true), /not connected/);
  const before = p.published;

  const second = await broker(t, first.port);
  const received = await subscriber(t, second);
  await eventually(() => p.connected, 'the publisher to reconnect', 5000);
  // The clock has not moved, yet after a reconnect everything moving is sent again.
  assert.ok((await quiet(() => p.published)) - before >= fullTick, 'a full tick after the reconnect');
  advance(37);
  const moved = simulator.currentQuotas(SN.delta2)['pd.wattsOutSum'];
  await eventually(() => merged(received, SN.delta2)['pd.wattsOutSum'] === moved, 'DELTA 2 values through the new broker', 2000);
  await p.publishStatus(SN.delta2, true);
  await eventually(() => statusesOf(received, SN.delta2).length === 1, 'a status through the new broker', 2000);
});

test('stop() ends publishing and listening to the simulator; it is idempotent', async (t) => {
  const { simulator, advance, received, publisher: p } = await running(t);
  await eventually(() => received.length > 0, 'first messages', 2000);
  await p.stop();
  await p.stop();
  const count = received.length;
  advance(600);
  simulator.setOnline(SN.delta2, false);
  simulator.setQuota(SN.powerStream, '20_1.batSoc', 1);
  await delay(3 * PERIOD_MS);
  assert.equal(received.length, count);
  await assert.rejects(p.publishRaw(SN.delta2, 'quota', '{}'), /not connected/);
});

test('publishRaw sends the bytes as they are, on the topic asked for', async (t) => {
  const { received, publisher: p } = await running(t);
  await p.publishRaw(SN.delta2, 'quota', 'not json');
  await p.publishRaw(SN.delta2, 'status', Buffer.from('{"params":{"status":"1"}}'));
  await eventually(() => received.some((m) => m.topic.endsWith('/status')), 'the raw status', 2000);
  assert.ok(received.some((m) => m.topic === `/open/${ACCOUNT}/${SN.delta2}/quota` && m.payload.toString() === 'not json'));
  assert.equal(statusesOf(received, SN.delta2)[0], true);
});
