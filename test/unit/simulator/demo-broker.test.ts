import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';
import mqtt, { ErrorWithReasonCode, type MqttClient } from 'mqtt';
import { startDemoBroker, type DemoBroker } from '../../../src/simulator/demo-broker.js';
import { eventually } from '../../helpers/simulated-fleet.js';
import { connectError } from '../../helpers/mqtt-connect.js';
import { inFreshProcess } from '../../helpers/fresh-process.js';

type TestContext = import('node:test').TestContext;

const CREDENTIALS = { username: 'open-57c134518b5test', password: '959253cc103a4008test' };

async function broker(t: TestContext, port?: number): Promise<DemoBroker> {
  const b = await startDemoBroker({ ...CREDENTIALS, ...(port !== undefined ? { port } : {}) });
  t.after(() => b.stop());
  return b;
}

/** A real MQTT client, as the exporter and the publisher are; no reconnecting, so a refusal is final. */
async function client(t: TestContext, b: DemoBroker, o: { username?: string; password?: string } = CREDENTIALS): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://${b.host}:${b.port}`, { ...o, reconnectPeriod: 0, log: () => undefined });
  c.on('error', () => undefined);
  t.after(() => c.endAsync(true));
  return c;
}

/** How a connection attempt ends: undefined when it connected, else what it rejected with. */
const refusal = (b: DemoBroker, o: { username?: string; password?: string }) => connectError(b.host, b.port, o);

test('the credentials it was given connect; a wrong password, a wrong username or none get CONNACK 4', async (t) => {
  const b = await broker(t);
  assert.equal(await refusal(b, CREDENTIALS), undefined);
  // What the exporter has to branch on: mqtt.js's ErrorWithReasonCode with MQTT 3.1.1's return code 4.
  for (const credentials of [
    { username: CREDENTIALS.username, password: 'wrong' },
    { username: 'open-someone-else', password: CREDENTIALS.password },
    { username: CREDENTIALS.username },
    {},
  ]) {
    const err = await refusal(b, credentials);
    assert.ok(err instanceof ErrorWithReasonCode, JSON.stringify(credentials));
    assert.equal(err.code, 4, JSON.stringify(credentials));
  }
});

test('clients with the credentials publish and subscribe through it', async (t) => {
  const b = await broker(t);
  const subscriber = await client(t, b);
  const received: Array<{ topic: string; payload: string }> = [];
  subscriber.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
  await subscriber.subscribeAsync(`/open/${CREDENTIALS.username}/#`);
  const publisher = await client(t, b);
  await publisher.publishAsync(`/open/${CREDENTIALS.username}/SN0001/quota`, '{"pd.soc":46}');
  await eventually(() => received.length === 1, 'the message through the broker', 2000);
  assert.deepEqual(received, [{ topic: `/open/${CREDENTIALS.username}/SN0001/quota`, payload: '{"pd.soc":46}' }]);
});

test('it listens on 127.0.0.1 at the port asked for, so a restarted broker is where its clients expect it', async (t) => {
  const first = await startDemoBroker(CREDENTIALS);
  t.after(() => first.stop());
  assert.equal(first.host, '127.0.0.1');
  assert.ok(first.port > 0);
  await first.stop();
  const second = await broker(t, first.port);
  assert.equal(second.port, first.port);
  assert.equal(await refusal(second, CREDENTIALS), undefined);
});

test('a port that is taken fails start-up with a message that names it, the cause kept', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
  t.after(() => taken.close());
  const { port } = taken.address() as AddressInfo;
  const err = await startDemoBroker({ ...CREDENTIALS, port }).then(
    (b) => b.stop(),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error);
  assert.equal(err.message.startsWith(`demo MQTT broker cannot listen on 127.0.0.1:${port}: `), true, err.message);
  assert.equal((err.cause as NodeJS.ErrnoException).code, 'EADDRINUSE');
});

test('stop() disconnects clients, closes connections that never sent CONNECT, frees the port, and is idempotent', async (t) => {
  const b = await startDemoBroker(CREDENTIALS);
  t.after(() => b.stop());
  const c = await client(t, b);
  const clientClosed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  // A TCP connection that says nothing: not a client of the broker's yet, still one to close.
  const silent = connectTcp(b.port, b.host);
  await once(silent, 'connect');
  const silentClosed = once(silent, 'close');

  const started = performance.now();
  const stopping = b.stop();
  assert.equal(b.stop(), stopping, 'a second stop() is the same stop');
  await stopping;
  await Promise.all([clientClosed, silentClosed]);
  // aedes itself drops a silent connection only after its 30 s connect timeout: stop() must not wait for that.
  const took = performance.now() - started;
  assert.ok(took < 5_000, `stop() took ${took} ms`);
  await b.stop();
  const err = await refusal(b, CREDENTIALS);
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('aedes is loaded when a broker starts, not when the module is imported', async () => {
  // A fresh process, so the module cache of this one (where aedes is loaded) cannot answer.
  const module = new URL('../../../src/simulator/demo-broker.js', import.meta.url).href;
  const loads = await inFreshProcess<{ imported: boolean; started: boolean }>(`
    const aedes = () => resolved.some((url) => url.includes('/node_modules/aedes/'));
    const { startDemoBroker } = await import(${JSON.stringify(module)});
    const imported = aedes();
    const broker = await startDemoBroker({ username: 'u', password: 'p' });
    await broker.stop();
    process.stdout.write(JSON.stringify({ imported, started: aedes() }));
  `);
  assert.deepEqual(loads, { imported: false, started: true });
});
