import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { connectAsync, ErrorWithReasonCode, type IClientOptions, type MqttClient } from 'mqtt';
import { needs } from '../helpers/external-servers.js';
import { startMosquitto, type RunningBroker } from '../helpers/mosquitto.js';
import { eventually } from '../helpers/simulated-fleet.js';

/**
 * The real-broker helper gives what the MQTT client's tests rely on: TLS that verifies with only
 * the throwaway CA, password logins, and a broker that can be killed and brought back on the
 * same port.
 */
const USERS = { 'open-abc': 'right-password', other: 'other-password' };
const TOPIC = '/open/open-abc/SN1/quota';

async function broker(t: TestContext): Promise<RunningBroker> {
  const started = Date.now();
  const b = await startMosquitto({ users: USERS });
  t.diagnostic(`startMosquitto() took ${Date.now() - started} ms`);
  t.after(() => b.stop());
  return b;
}

function options(b: RunningBroker, extra: IClientOptions = {}): IClientOptions {
  return {
    username: 'open-abc',
    password: USERS['open-abc'],
    ca: b.caPem,
    rejectUnauthorized: true,
    connectTimeout: 5000,
    reconnectPeriod: 0,
    ...extra,
  };
}

async function client(t: TestContext, b: RunningBroker, extra: IClientOptions = {}): Promise<MqttClient> {
  const c = await connectAsync(b.url, options(b, extra));
  t.after(() => c.endAsync(true));
  return c;
}

/** The error `connectAsync` rejects with. */
async function refusal(b: RunningBroker, extra: IClientOptions): Promise<Error> {
  const err = await connectAsync(b.url, options(b, extra)).then(
    async (c) => {
      await c.endAsync(true);
      return undefined;
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error, `expected connectAsync to reject, got ${String(err)}`);
  return err;
}

test('a client with the CA and the right password connects over mqtts and gets its own publish', { ...needs('mosquitto') }, async (t) => {
  const b = await broker(t);
  assert.equal(b.host, '127.0.0.1');
  assert.equal(b.url, `mqtts://127.0.0.1:${b.port}`);
  assert.equal(readFileSync(b.caFile, 'utf8'), b.caPem);
  assert.match(b.caPem, /^-----BEGIN CERTIFICATE-----/);

  const c = await client(t, b, { clientId: 'open-abc-test-1' });
  await c.subscribeAsync(TOPIC, { qos: 1 });
  const received = new Promise<{ topic: string; payload: string }>((resolve) =>
    c.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
  );
  await c.publishAsync(TOPIC, JSON.stringify({ params: { soc: 42 } }), { qos: 1 });
  assert.deepEqual(await received, { topic: TOPIC, payload: '{"params":{"soc":42}}' });
  // Logs are read as mosquitto writes them, not only when it exits.
  await eventually(() => b.logs().includes("u'open-abc'"), 'the login in the broker logs');
});

test('the server certificate names 127.0.0.1 and localhost and verifies with only the CA', { ...needs('mosquitto') }, async (t) => {
  const b = await broker(t);
  for (const servername of [undefined, 'localhost']) {
    const cert = await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: b.port, ca: b.caPem, rejectUnauthorized: true, ...(servername ? { servername } : {}) }, () => {
        resolve(socket.getPeerCertificate());
        socket.destroy();
      });
      socket.on('error', reject);
    });
    assert.match(cert.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(cert.subjectaltname ?? '', /DNS:localhost/);
  }
});

test('a wrong password or an unknown user is refused with CONNACK "Not authorized" (5 in MQTT 3.1.1, 135 in MQTT 5)', { ...needs('mosquitto') }, async (t) => {
  const b = await broker(t);
  const v4 = await refusal(b, { password: 'wrong-password' });
  assert.ok(v4 instanceof ErrorWithReasonCode, `${v4.constructor.name}: ${v4.message}`);
  assert.equal(v4.code, 5);
  assert.equal(v4.message, 'Connection refused: Not authorized');

  const unknown = await refusal(b, { username: 'nobody', password: 'whatever' });
  assert.ok(unknown instanceof ErrorWithReasonCode);
  assert.equal(unknown.code, 5);

  const v5 = await refusal(b, { password: 'wrong-password', protocolVersion: 5 });
  assert.ok(v5 instanceof ErrorWithReasonCode, `${v5.constructor.name}: ${v5.message}`);
  // Mosquitto 2.0 answers 135 "Not authorized", not 134 "Bad User Name or Password".
  assert.equal(v5.code, 135);
  assert.equal(v5.message, 'Connection refused: Not authorized');

  // Another user's credentials are fine: the password file holds every user given.
  await client(t, b, { username: 'other', password: USERS.other });
});

test('a client trusting no extra CA is refused by certificate verification', { ...needs('mosquitto') }, async (t) => {
  const b = await broker(t);
  const { ca: _ca, ...withoutCa } = options(b);
  const err = (await connectAsync(b.url, withoutCa).then(
    async (c) => {
      await c.endAsync(true);
      return undefined;
    },
    (e: unknown) => e,
  )) as (Error & { code?: unknown }) | undefined;
  assert.ok(err instanceof Error, 'connection without the CA must fail');
  assert.ok(!(err instanceof ErrorWithReasonCode));
  // Mosquitto sends its CA along with its certificate, so Node finds a self-signed root it does not trust.
  assert.equal(err.code, 'SELF_SIGNED_CERT_IN_CHAIN', `${String(err.code)}: ${err.message}`);
  assert.equal(err.message, 'self-signed certificate in certificate chain');
});

test('after kill() a connected client sees the connection close; after restart() the same port takes connections again', {
  ...needs('mosquitto'),
}, async (t) => {
  const b = await broker(t);
  // This client reconnects by itself, as the exporter's does.
  const c = await client(t, b, { clientId: 'open-abc-survivor', reconnectPeriod: 200 });
  let closes = 0;
  let connects = 0;
  c.on('close', () => closes++);
  c.on('connect', () => connects++);

  await b.kill();
  await eventually(() => closes >= 1, 'the client to see the connection close', 5000);
  assert.equal(c.connected, false);
  await assert.rejects(connectAsync(b.url, options(b)), (e: Error & { code?: string }) => e.code === 'ECONNREFUSED');

  const started = Date.now();
  await b.restart();
  t.diagnostic(`restart() took ${Date.now() - started} ms`);
  const fresh = await client(t, b, { clientId: 'open-abc-fresh' });
  assert.equal(fresh.connected, true);
  await eventually(() => connects >= 1 && c.connected, 'the first client to reconnect by itself', 5000);
  assert.equal((b.logs().match(/mosquitto version \S+ starting/g) ?? []).length, 2, 'both runs in logs()');

  await b.stop();
  await b.stop(); // twice is fine
});
