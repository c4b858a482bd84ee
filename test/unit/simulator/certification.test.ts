import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { sign } from '../../../src/ecoflow/signing.js';
import { CloudSimulator, type SimulatorCertification } from '../../../src/simulator/cloud-simulator.js';
import { TEST_KEYS, startSimulator } from '../../helpers/simulated-fleet.js';

const PATH = '/iot-open/sign/certification';

const CERTIFICATION: SimulatorCertification = {
  url: '127.0.0.1',
  port: 8883,
  protocol: 'mqtts',
  certificateAccount: 'open-57c134518b5test',
  certificatePassword: '959253cc103a4008test',
};

async function withSimulator(t: import('node:test').TestContext, certification?: SimulatorCertification): Promise<CloudSimulator> {
  const simulator = await startSimulator();
  if (certification) simulator.setCertification(certification);
  t.after(() => simulator.stop());
  return simulator;
}

/** GET as EcoflowClient sends it: no query, no Content-Type, a fresh nonce and timestamp. */
function signedGet(simulator: CloudSimulator, path: string, keys: { accessKey: string; secretKey: string } = TEST_KEYS): Promise<Response> {
  const nonce = String(randomInt(100_000, 1_000_000));
  const timestamp = String(Date.now());
  const signature = sign({ params: {}, accessKey: keys.accessKey, nonce, timestamp }, keys.secretKey);
  return fetch(`${simulator.url}${path}`, {
    headers: { accessKey: keys.accessKey, nonce, timestamp, sign: signature, accept: 'application/json' },
  });
}

async function getCertification(simulator: CloudSimulator, keys?: { accessKey: string; secretKey: string }): Promise<{ status: number; body: any }> {
  const response = await signedGet(simulator, PATH, keys);
  return { status: response.status, body: await response.json() };
}

test('a correctly signed request gets the documented certification, port as a string', async (t) => {
  const simulator = await withSimulator(t, CERTIFICATION);
  const { status, body } = await getCertification(simulator);
  assert.equal(status, 200);
  assert.equal(body.code, '0');
  assert.equal(body.message, 'Success');
  assert.deepEqual(body.data, {
    certificateAccount: 'open-57c134518b5test',
    certificatePassword: '959253cc103a4008test',
    url: '127.0.0.1',
    port: '8883',
    protocol: 'mqtts',
  });
  assert.equal(simulator.requestCount('certification'), 1);
  assert.equal(simulator.requestCount('device/list'), 0);
  assert.equal(simulator.requestCount('all'), 1);
});

test('a certification given to the constructor is answered the same way', async (t) => {
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: [], certification: { ...CERTIFICATION, protocol: 'mqtt', port: 1883 } });
  await simulator.start(0, '127.0.0.1');
  t.after(() => simulator.stop());
  const { body } = await getCertification(simulator);
  assert.equal(body.code, '0');
  assert.equal(body.data.port, '1883');
  assert.equal(body.data.protocol, 'mqtt');
});

test('a wrong signature is 8521 and an unknown access key 8513, certification or not', async (t) => {
  const simulator = await withSimulator(t, CERTIFICATION);
  const wrongSecret = await getCertification(simulator, { accessKey: TEST_KEYS.accessKey, secretKey: 'not-the-secret' });
  assert.equal(wrongSecret.body.code, '8521');
  assert.equal(wrongSecret.body.data, undefined);
  const wrongKey = await getCertification(simulator, { accessKey: 'wrong-access-key', secretKey: TEST_KEYS.secretKey });
  assert.equal(wrongKey.body.code, '8513');
  // Signature failures are counted like the other paths'.
  assert.equal(simulator.requestCount('certification'), 2);
});

test('a replayed nonce and timestamp is refused like a wrong signature', async (t) => {
  const simulator = await withSimulator(t, CERTIFICATION);
  const nonce = '123456';
  const timestamp = String(Date.now());
  const headers = {
    accessKey: TEST_KEYS.accessKey,
    nonce,
    timestamp,
    sign: sign({ params: {}, accessKey: TEST_KEYS.accessKey, nonce, timestamp }, TEST_KEYS.secretKey),
  };
  const first = (await (await fetch(`${simulator.url}${PATH}`, { headers })).json()) as { code: string };
  const again = (await (await fetch(`${simulator.url}${PATH}`, { headers })).json()) as { code: string };
  assert.equal(first.code, '0');
  assert.equal(again.code, '8521');
});

test('without a configured broker the answer is an API error; setCertification turns it on and off', async (t) => {
  const simulator = await withSimulator(t);
  const none = await getCertification(simulator);
  assert.equal(none.status, 200);
  assert.equal(none.body.code, '-1');
  assert.equal(none.body.message, 'MQTT certification is not available');
  assert.equal(none.body.data, undefined);

  simulator.setCertification(CERTIFICATION);
  assert.equal((await getCertification(simulator)).body.data.certificateAccount, CERTIFICATION.certificateAccount);

  simulator.setCertification(undefined);
  assert.equal((await getCertification(simulator)).body.code, '-1');
});

test('the simulator keeps its own copy of the certification', async (t) => {
  const certification = { ...CERTIFICATION };
  const simulator = await withSimulator(t, certification);
  certification.certificatePassword = 'changed-afterwards';
  assert.equal((await getCertification(simulator)).body.data.certificatePassword, CERTIFICATION.certificatePassword);
});

test('faults can be injected for certification and do not touch the other endpoints', async (t) => {
  const simulator = await withSimulator(t, CERTIFICATION);
  simulator.injectFault('certification', { kind: 'api-error', code: '6001', message: 'busy' });
  simulator.injectFault('certification', { kind: 'status', status: 503 });
  assert.equal(simulator.pendingFaults, 2);

  const list = (await (await signedGet(simulator, '/iot-open/sign/device/list')).json()) as { code: string };
  assert.equal(list.code, '0');
  assert.equal(simulator.pendingFaults, 2);

  const apiError = await getCertification(simulator);
  assert.equal(apiError.body.code, '6001');
  const unavailable = await signedGet(simulator, PATH);
  assert.equal(unavailable.status, 503);
  await unavailable.body?.cancel();

  assert.equal(simulator.pendingFaults, 0);
  assert.equal((await getCertification(simulator)).body.code, '0');
  assert.equal(simulator.requestCount('certification'), 3);
  assert.equal(simulator.requestCount('device/list'), 1);
});
