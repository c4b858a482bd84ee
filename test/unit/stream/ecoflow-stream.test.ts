import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { connectAsync } from 'mqtt';
import { startDemoBroker, type DemoBroker } from '../../../src/simulator/demo-broker.js';
import { EcoflowStream, StreamError, type StreamState } from '../../../src/stream/ecoflow-stream.js';
import type { StreamCertification } from '../../../src/ecoflow/types.js';
import { closedPort, eventually } from '../../helpers/simulated-fleet.js';
import { flush, mockTime } from '../../helpers/mock-time.js';

const ACCOUNT = 'open-unit000000001';
const PASSWORD = 'unit-test-password';
const DRAW = 0.5;
const RECONNECT = { baseMs: 100, maxMs: 400, refusedMaxMs: 800, random: () => DRAW };
/** The reconnect wait for a ceiling with the tests' jitter draw (backoff-delay.ts). */
const wait = (ceilingMs: number) => ceilingMs / 2 + (DRAW * ceilingMs) / 2;
/** A connection that lasted this long was a good one (ecoflow-stream.ts). */
const STABLE_MS = 30_000;

/**
 * Waits for real I/O (a refused socket, a CONNACK) while timers are mocked: flushes until
 * `check` holds, with a real-time limit.
 */
async function until(t: TestContext, check: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // mqtt.js and aedes defer some steps with 0 ms timers: they are due now, not later.
    t.mock.timers.tick(0);
    await flush();
  }
}

async function broker(t: TestContext, port?: number): Promise<DemoBroker> {
  const b = await startDemoBroker({ username: ACCOUNT, password: PASSWORD, port });
  t.after(() => b.stop());
  return b;
}

function streamTo(port: number, o: { password?: string; host?: string; protocol?: 'mqtt' | 'mqtts' } = {}) {
  const messages: string[] = [];
  const states: StreamState[] = [];
  let certifications = 0;
  const certification: StreamCertification = {
    host: o.host ?? '127.0.0.1',
    port,
    protocol: o.protocol ?? 'mqtt',
    account: ACCOUNT,
    password: o.password ?? PASSWORD,
  };
  const stream = new EcoflowStream({
    certification: async () => {
      certifications++;
      return certification;
    },
    clientId: 'ecoflow-exporter-unit',
    ca: [],
    onMessage: (sn, topic, payload) => messages.push(`${sn} ${topic} ${payload.toString()}`),
    onStateChange: (state) => states.push(state),
    reconnect: RECONNECT,
  });
  return { stream, messages, states, certifications: () => certifications };
}

/**
 * Drives the reconnects of `stream` one by one: for each expected delay, checks that nothing
 * starts 1 ms before it and that an attempt starts at it, then waits for that attempt to fail.
 */
async function expectRetries(t: TestContext, states: StreamState[], delays: number[]): Promise<void> {
  for (const [i, delay] of delays.entries()) {
    const before = states.length;
    t.mock.timers.tick(delay - 1);
    assert.deepEqual(states.slice(before), [], `retry ${i + 1} not before ${delay} ms`);
    t.mock.timers.tick(1);
    assert.equal(states[before], 'connecting', `retry ${i + 1} after ${delay} ms`);
    await until(t, () => states.length > before + 1 && states.at(-1) === 'down', `retry ${i + 1} to fail`);
  }
}

async function device(port: number) {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { username: ACCOUNT, password: PASSWORD, clientId: 'device-side', protocolVersion: 4 });
  return {
    publish: (sn: string, body: string) => client.publishAsync(`/open/${ACCOUNT}/${sn}/quota`, body),
    end: () => client.endAsync(true),
  };
}

test('subscribes the devices it is given and follows changes to the list without reconnecting', async (t) => {
  const b = await broker(t);
  const { stream, messages, states } = streamTo(b.port);
  t.after(() => stream.stop());
  stream.setDevices(['A']);
  await stream.start();
  const d = await device(b.port);
  t.after(() => d.end());
  await eventually(async () => (await d.publish('A', '1'), messages.includes('A quota 1')), 'A subscribed');
  stream.setDevices(['B']);
  await eventually(async () => (await d.publish('B', '2'), messages.includes('B quota 2')), 'B subscribed');
  messages.length = 0;
  await d.publish('A', '3');
  await d.publish('B', '4');
  await eventually(() => messages.includes('B quota 4'), 'B still there');
  assert.ok(!messages.includes('A quota 3'), 'A no longer followed');
  assert.deepEqual(states, ['connecting', 'connected'], 'one connection all along');
});

test('a lost broker: down, then back after a backoff, with the topics subscribed again', async (t) => {
  const first = await startDemoBroker({ username: ACCOUNT, password: PASSWORD });
  const port = first.port;
  const { stream, states, messages } = streamTo(port);
  t.after(() => stream.stop());
  stream.setDevices(['A']);
  await stream.start();
  await first.stop();
  await eventually(() => states.includes('down'), 'down');
  const second = await broker(t, port);
  await eventually(() => stream.state === 'connected', 'reconnected', 5_000);
  const d = await device(second.port);
  t.after(() => d.end());
  await eventually(async () => (await d.publish('A', 'again'), messages.includes('A quota again')), 'resubscribed after the reconnect');
});

test('refused credentials reject start() with reason "refused" and the broker\'s code; stop() ends the retries', async (t) => {
  // Before the broker: its intervals must be cleared by the clearInterval in force when it stops.
  mockTime(t);
  const b = await broker(t);
  const { stream, states, certifications } = streamTo(b.port, { password: 'wrong-password-1' });
  const error = await stream.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof StreamError);
  assert.equal(error.reason, 'refused');
  assert.equal(error.code, '4');
  assert.ok(!error.message.includes('wrong-password-1'));
  assert.equal(certifications(), 1);
  t.mock.timers.tick(wait(RECONNECT.baseMs));
  assert.equal(certifications(), 2, 'the certification asked again before the next try');
  await until(t, () => states.at(-1) === 'down', 'the second refusal');
  await stream.stop();
  t.mock.timers.tick(10 * RECONNECT.refusedMaxMs);
  await flush();
  assert.equal(certifications(), 2, 'no attempt after stop()');
  assert.equal(stream.state, 'stopped');
});

/** An address of this machine that is not loopback, if it has one. */
const OWN_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

/**
 * The first byte the stream sends to a broker it is offered at `host` over plain MQTT: 0x16
 * opens a TLS handshake, 0x10 is an MQTT CONNECT in the clear. The "broker" listens on `listen`.
 */
async function firstByteTo(host: string, listen: string): Promise<number> {
  let first!: (byte: number) => void;
  const byte = new Promise<number>((resolve) => (first = resolve));
  const server = createServer((socket) => socket.once('data', (data) => (first(data[0]!), socket.destroy())));
  await new Promise<void>((resolve) => server.listen({ port: 0, host: listen }, resolve));
  const { stream } = streamTo((server.address() as AddressInfo).port, { host, protocol: 'mqtt' });
  try {
    void stream.start().catch(() => {});
    return await byte;
  } finally {
    await stream.stop();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a broker offered without TLS is reached over TLS anyway, unless it is on loopback', async (t) => {
  assert.equal(await firstByteTo('127.0.0.1', '127.0.0.1'), 0x10, 'loopback: plain MQTT, as offered');
  assert.equal(await firstByteTo('localhost', '127.0.0.1'), 0x10, 'localhost: plain MQTT, as offered');
  if (!OWN_ADDRESS) return t.skip('this machine has no address but loopback');
  assert.equal(await firstByteTo(OWN_ADDRESS, OWN_ADDRESS), 0x16, `${OWN_ADDRESS}: TLS, though offered plain`);
});

test('stop() while the first connect is under way: start() settles, nothing stays connected', async (t) => {
  // Before the broker: its intervals must be cleared by the clearInterval in force when it stops.
  mockTime(t);
  const b = await broker(t);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const states: StreamState[] = [];
  const stream = new EcoflowStream({
    certification: async () => {
      await gate;
      return { host: '127.0.0.1', port: b.port, protocol: 'mqtt', account: ACCOUNT, password: PASSWORD };
    },
    clientId: 'ecoflow-exporter-unit-stop',
    ca: [],
    onMessage: () => {},
    onStateChange: (s) => states.push(s),
  });
  const started = stream.start();
  const stopped = stream.stop();
  release();
  await stopped;
  await assert.rejects(started, (e: unknown) => e instanceof StreamError && e.reason === 'stopped');
  // Past any reconnect delay: a retry the stop missed would begin with 'connecting'.
  const before = states.length;
  t.mock.timers.tick(600_000);
  await flush();
  assert.deepEqual(states.slice(before), []);
  assert.equal(stream.state, 'stopped');
  assert.ok(!states.includes('connected'), states.join(','));
});

test('a handler that throws does not end the process; the stream goes on', async (t) => {
  const b = await broker(t);
  let calls = 0;
  const stream = new EcoflowStream({
    certification: async () => ({ host: '127.0.0.1', port: b.port, protocol: 'mqtt', account: ACCOUNT, password: PASSWORD }),
    clientId: 'ecoflow-exporter-unit-throw',
    ca: [],
    onMessage: () => {
      calls++;
      throw new Error('a bug in a handler');
    },
  });
  t.after(() => stream.stop());
  stream.setDevices(['A']);
  await stream.start();
  const d = await device(b.port);
  t.after(() => d.end());
  await eventually(async () => (await d.publish('A', 'x'), calls >= 2), 'two messages handled');
  assert.equal(stream.state, 'connected');
});

test('reconnect delays double up to maxMs while the broker cannot be reached; stop() cancels the next one', async (t) => {
  const port = await closedPort();
  mockTime(t);
  const { stream, states, certifications } = streamTo(port);
  await assert.rejects(stream.start(), (e: unknown) => e instanceof StreamError && e.reason === 'network');
  const ceilings = [0, 1, 2, 3, 4, 5].map((n) => Math.min(RECONNECT.baseMs * 2 ** n, RECONNECT.maxMs));
  await expectRetries(t, states, ceilings.map(wait));
  assert.equal(certifications(), 1, 'a network failure does not ask for new credentials');
  const before = states.length;
  await stream.stop();
  t.mock.timers.tick(10 * RECONNECT.maxMs);
  await flush();
  assert.deepEqual(states.slice(before), ['stopped']);
});

test('after a refusal the delays may grow to refusedMaxMs, with new credentials each time', async (t) => {
  mockTime(t);
  let asked = 0;
  const states: StreamState[] = [];
  const stream = new EcoflowStream({
    certification: async () => {
      asked++;
      throw new Error('HTTP 503');
    },
    clientId: 'ecoflow-exporter-unit-refused',
    ca: [],
    onMessage: () => {},
    onStateChange: (state) => states.push(state),
    reconnect: RECONNECT,
  });
  t.after(() => stream.stop());
  await assert.rejects(stream.start(), (e: unknown) => e instanceof StreamError && e.reason === 'certification');
  const ceilings = [0, 1, 2, 3, 4, 5].map((n) => Math.min(RECONNECT.baseMs * 2 ** n, RECONNECT.refusedMaxMs));
  await expectRetries(t, states, ceilings.map(wait));
  assert.equal(asked, 1 + ceilings.length);
});

/** Fails twice, connects, stays `lastedMs`, loses the broker: the wait before the next try. */
async function retryAfterConnection(t: TestContext, lastedMs: number): Promise<void> {
  // The broker's own intervals are mocked too: stopped under mock timers, it could not clear real ones.
  mockTime(t);
  const b = await startDemoBroker({ username: ACCOUNT, password: PASSWORD });
  // Failed certifications first, so the backoff has grown before the good connection.
  const failuresBefore = 2;
  let asked = 0;
  const states: StreamState[] = [];
  const stream = new EcoflowStream({
    certification: async () => {
      if (++asked <= failuresBefore) throw new Error('HTTP 503');
      return { host: '127.0.0.1', port: b.port, protocol: 'mqtt', account: ACCOUNT, password: PASSWORD };
    },
    clientId: 'ecoflow-exporter-unit-stable',
    ca: [],
    onMessage: () => {},
    onStateChange: (state) => states.push(state),
    reconnect: RECONNECT,
  });
  t.after(() => stream.stop());
  await assert.rejects(stream.start());
  await expectRetries(t, states, [wait(RECONNECT.baseMs)]);
  t.mock.timers.tick(wait(2 * RECONNECT.baseMs));
  await until(t, () => stream.state === 'connected', 'connected');
  t.mock.timers.tick(lastedMs);
  await b.stop();
  await until(t, () => stream.state === 'down', 'the connection lost');
  const failures = lastedMs >= STABLE_MS ? 1 : failuresBefore + 1;
  await expectRetries(t, states, [wait(Math.min(RECONNECT.baseMs * 2 ** (failures - 1), RECONNECT.maxMs))]);
  // Closing the client and the broker takes real timers; done here, not in a hook that may run
  // after the next test has mocked them again.
  t.mock.timers.reset();
  await stream.stop();
}

// Without the reset, the wait after the loss would be the fourth: wait(4 · base).
test('a connection that lasted STABLE_MS starts the backoff over', (t) => retryAfterConnection(t, STABLE_MS));
