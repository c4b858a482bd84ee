import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { ErrorWithReasonCode, type MqttClient } from 'mqtt';
import { EcoflowClient } from '../../../src/ecoflow/ecoflow-client.js';
import type { StreamCertification } from '../../../src/ecoflow/types.js';
import type { CloudSimulator } from '../../../src/simulator/cloud-simulator.js';
import { startDemoBroker } from '../../../src/simulator/demo-broker.js';
import { startDemoStream } from '../../../src/simulator/demo-stream.js';
import { demoFleet } from '../../../src/simulator/fleet.js';
import { decodeQuotaMessage, decodeStatusMessage } from '../../../src/stream/message-codec.js';
import { realTime } from '../../helpers/real-time.js';
import { SN, TEST_KEYS, eventually, startSimulator } from '../../helpers/simulated-fleet.js';
import { connectError } from '../../helpers/mqtt-connect.js';

type TestContext = import('node:test').TestContext;

interface Streaming {
  simulator: CloudSimulator;
  stream: { stop(): Promise<void> };
  /** What the certification endpoint hands out, read by the exporter's own client. */
  certification: StreamCertification;
}

async function streaming(t: TestContext, devices = demoFleet()): Promise<Streaming> {
  const simulator = await startSimulator(devices);
  t.after(() => simulator.stop());
  const stream = await startDemoStream(simulator);
  t.after(() => stream.stop());
  const client = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS });
  t.after(() => client.close());
  return { simulator, stream, certification: await client.getCertification() };
}

/** A client of the broker as the exporter connects to it, subscribed to the account's topics. */
async function subscriber(t: TestContext, c: StreamCertification): Promise<{ client: MqttClient; received: Array<{ topic: string; payload: Buffer }> }> {
  const client = await mqtt.connectAsync(`${c.protocol}://${c.host}:${c.port}`, {
    username: c.account,
    password: c.password,
    reconnectPeriod: 0,
    log: () => undefined,
  });
  client.on('error', () => undefined);
  t.after(() => client.endAsync(true));
  const received: Array<{ topic: string; payload: Buffer }> = [];
  client.on('message', (topic, payload) => received.push({ topic, payload }));
  await client.subscribeAsync(`/open/${c.account}/#`);
  return { client, received };
}

test('the certification names the embedded broker: 127.0.0.1, plain mqtt, an open-… account and a password of its own', async (t) => {
  const { certification } = await streaming(t);
  assert.equal(certification.host, '127.0.0.1');
  assert.equal(certification.protocol, 'mqtt');
  assert.ok(certification.port > 0);
  assert.match(certification.account, /^open-demo[0-9a-f]{12}$/);
  assert.match(certification.password, /^[0-9a-f]{32}$/);
  // Fresh for each stream: nothing to guess, nothing shared between two demos.
  const other = await streaming(t);
  assert.notEqual(other.certification.account, certification.account);
  assert.notEqual(other.certification.password, certification.password);
  assert.notEqual(other.certification.port, certification.port);
  // The broker takes those credentials and no others.
  const wrong = await mqtt
    .connectAsync(`mqtt://${certification.host}:${certification.port}`, {
      username: certification.account,
      password: other.certification.password,
      reconnectPeriod: 0,
      log: () => undefined,
    })
    .then(
      (c) => void c.end(true),
      (e: unknown) => e,
    );
  assert.ok(wrong instanceof ErrorWithReasonCode);
  assert.equal(wrong.code, 4);
});

test("the devices' moving values arrive every second on /open/<account>/<sn>/quota", async (t) => {
  const { certification } = await streaming(t);
  const { received } = await subscriber(t, certification);
  const topic = `/open/${certification.account}/${SN.delta2}/quota`;
  const outputs = () =>
    received.filter((m) => {
      const decoded = m.topic === topic ? decodeQuotaMessage(m.payload) : undefined;
      return decoded?.kind === 'quota' && 'pd.wattsOutSum' in decoded.quotas;
    });
  // The DELTA 2's output power moves on a two-minute wave of the wall clock: a changed value,
  // and so a message, every few ticks at most, near the wave's crests too.
  await eventually(() => outputs().length >= 2, 'two ticks of the DELTA 2 after subscribing', 8000);
});

test("changes made through the simulator reach the broker at once, in the device's shape", async (t) => {
  const { simulator, certification } = await streaming(t);
  const { received } = await subscriber(t, certification);
  simulator.setQuota(SN.delta2, 'pd.soc', 7);
  simulator.setOnline(SN.powerStream, false);
  const account = certification.account;
  await eventually(
    () =>
      received.some((m) => {
        if (m.topic !== `/open/${account}/${SN.delta2}/quota`) return false;
        const decoded = decodeQuotaMessage(m.payload);
        return decoded.kind === 'quota' && decoded.shape === 'type_code' && decoded.quotas['pd.soc'] === 7;
      }),
    'pd.soc 7 as a type_code message',
    2000,
  );
  await eventually(
    () =>
      received.some((m) => {
        if (m.topic !== `/open/${account}/${SN.powerStream}/status`) return false;
        const decoded = decodeStatusMessage(m.payload);
        return decoded.kind === 'status' && decoded.online === false;
      }),
    'the PowerStream going offline',
    2000,
  );
});

// Bounded: a broker that stays up would leave the wait for the subscriber's close hanging.
test('stop() ends the publishing and the broker', { timeout: 15_000 }, async (t) => {
  const { simulator, stream, certification } = await streaming(t);
  const { client } = await subscriber(t, certification);
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await stream.stop();
  await closed;
  const err = await connectError(certification.host, certification.port, { username: certification.account, password: certification.password });
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');

  // A broker where the old one was, taking the same credentials: a publisher still running would
  // reconnect within its 500 ms and send every moving value again. Nothing comes.
  const again = await startDemoBroker({ username: certification.account, password: certification.password, port: certification.port });
  t.after(() => again.stop());
  const { received } = await subscriber(t, certification);
  simulator.setQuota(SN.delta2, 'pd.soc', 9);
  simulator.setOnline(SN.delta2, false);
  await realTime(2_000);
  assert.deepEqual(
    received.map((m) => m.topic),
    [],
  );
  // Nor does the certification name the broker that is gone.
  const api = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS });
  t.after(() => api.close());
  await assert.rejects(api.getCertification());
});
