import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync } from 'mqtt';
import { startDemoBroker, type DemoBroker } from '../../../src/simulator/demo-broker.js';
import { EcoflowStream, StreamError, transportFor, type StreamState } from '../../../src/stream/ecoflow-stream.js';
import type { StreamCertification } from '../../../src/ecoflow/types.js';
import { eventually } from '../../helpers/simulated-fleet.js';

const ACCOUNT = 'open-unit000000001';
const PASSWORD = 'unit-test-password';

async function broker(t: import('node:test').TestContext, port?: number): Promise<DemoBroker> {
  const b = await startDemoBroker({ username: ACCOUNT, password: PASSWORD, port });
  t.after(() => b.stop());
  return b;
}

function streamTo(port: number, o: { password?: string; host?: string; protocol?: 'mqtt' | 'mqtts' } = {}) {
  const messages: string[] = [];
  const states: StreamState[] = [];
  let certifications = 0;
  const certification: StreamCertification = { host: o.host ?? '127.0.0.1', port, protocol: o.protocol ?? 'mqtt', account: ACCOUNT, password: o.password ?? PASSWORD };
  const stream = new EcoflowStream({
    certification: async () => {
      certifications++;
      return certification;
    },
    clientId: 'ecoflow-exporter-unit',
    ca: [],
    onMessage: (sn, topic, payload) => messages.push(`${sn} ${topic} ${payload.toString()}`),
    onStateChange: (state) => states.push(state),
    reconnect: { baseMs: 50, maxMs: 200, refusedMaxMs: 200 },
  });
  return { stream, messages, states, certifications: () => certifications };
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
  const b = await broker(t);
  const { stream, certifications } = streamTo(b.port, { password: 'wrong-password-1' });
  const error = await stream.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof StreamError);
  assert.equal(error.reason, 'refused');
  assert.equal(error.code, '4');
  assert.ok(!error.message.includes('wrong-password-1'));
  await eventually(() => certifications() >= 2, 'the certification asked again before the next try', 5_000);
  await stream.stop();
  const after = certifications();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(certifications(), after, 'no attempt after stop()');
  assert.equal(stream.state, 'stopped');
});

test('a broker offered without TLS is reached over TLS anyway, unless it is on loopback', () => {
  assert.equal(transportFor({ host: 'mqtt-e.ecoflow.com', protocol: 'mqtt' }), 'mqtts');
  assert.equal(transportFor({ host: '10.0.0.5', protocol: 'mqtt' }), 'mqtts');
  assert.equal(transportFor({ host: 'mqtt.ecoflow.com', protocol: 'mqtts' }), 'mqtts');
  assert.equal(transportFor({ host: '127.0.0.1', protocol: 'mqtt' }), 'mqtt');
  assert.equal(transportFor({ host: 'localhost', protocol: 'mqtt' }), 'mqtt');
});

test('stop() while the first connect is under way: start() settles, nothing stays connected', async (t) => {
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
  await new Promise((r) => setTimeout(r, 300));
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
