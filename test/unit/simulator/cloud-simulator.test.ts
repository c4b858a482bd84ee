import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { sign } from '../../../src/ecoflow/signing.js';
import { CloudSimulator, type Fault, type SimulatorCertification, type SimulatorChange } from '../../../src/simulator/cloud-simulator.js';
import { demoFleet, type SimulatedDevice } from '../../../src/simulator/fleet.js';
import { SN, TEST_KEYS, stillFleet, startSimulator } from '../../helpers/simulated-fleet.js';

type TestContext = import('node:test').TestContext;
type Keys = { accessKey: string; secretKey: string };

const PATHS = {
  certification: '/iot-open/sign/certification',
  list: '/iot-open/sign/device/list',
  quota: '/iot-open/sign/device/quota/all',
} as const;

const CERTIFICATION: SimulatorCertification = {
  url: '127.0.0.1',
  port: 8883,
  protocol: 'mqtts',
  certificateAccount: 'open-57c134518b5test',
  certificatePassword: '959253cc103a4008test',
};

async function withSimulator(t: TestContext, certification?: SimulatorCertification): Promise<CloudSimulator> {
  const simulator = await startSimulator();
  if (certification) simulator.setCertification(certification);
  t.after(() => simulator.stop());
  return simulator;
}

/** A started simulator of its own options (the clock, maxSkewMs, devices), stopped after the test. */
async function ownSimulator(t: TestContext, o: Partial<ConstructorParameters<typeof CloudSimulator>[0]> = {}): Promise<CloudSimulator> {
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: stillFleet(), ...o });
  await simulator.start(0, '127.0.0.1');
  t.after(() => simulator.stop());
  return simulator;
}

/** The whole demo fleet, moving, at a clock the test sets (seconds). */
function movingSimulator(): { simulator: CloudSimulator; advance: (seconds: number) => void } {
  let now = 1_700_000_000;
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: demoFleet(), clock: () => now });
  return { simulator, advance: (seconds) => void (now += seconds) };
}

interface Signed {
  keys?: Keys;
  query?: Record<string, string>;
  nonce?: string;
  timestamp?: string;
}

/**
 * GET as EcoflowClient sends it: no Content-Type, the query signed, a fresh nonce and
 * timestamp unless the test gives its own.
 */
function signedGet(simulator: CloudSimulator, path: string, o: Signed = {}): Promise<Response> {
  const keys = o.keys ?? TEST_KEYS;
  const nonce = o.nonce ?? String(randomInt(100_000, 1_000_000));
  const timestamp = o.timestamp ?? String(Date.now());
  const query = o.query ?? {};
  const signature = sign({ params: query, accessKey: keys.accessKey, nonce, timestamp }, keys.secretKey);
  const search = new URLSearchParams(query).toString();
  return fetch(`${simulator.url}${path}${search ? `?${search}` : ''}`, {
    headers: { accessKey: keys.accessKey, nonce, timestamp, sign: signature, accept: 'application/json' },
  });
}

async function call(simulator: CloudSimulator, path: string, o: Signed = {}): Promise<{ status: number; body: any }> {
  const response = await signedGet(simulator, path, o);
  return { status: response.status, body: await response.json() };
}

async function getCertification(simulator: CloudSimulator, keys?: Keys): Promise<{ status: number; body: any }> {
  return call(simulator, PATHS.certification, keys ? { keys } : {});
}

const quotaAll = (simulator: CloudSimulator, sn: string) => call(simulator, PATHS.quota, { query: { sn } });

// --- the server ------------------------------------------------------------------------------

test('start() listens on 127.0.0.1 at a free port and returns its url; stop() closes it, and is idempotent', async () => {
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: stillFleet() });
  assert.throws(() => simulator.url, /simulator not started/);
  await simulator.stop();
  const url = await simulator.start(0, '127.0.0.1');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(simulator.url, url);
  assert.equal((await call(simulator, PATHS.list)).body.code, '0');

  await simulator.stop();
  await simulator.stop();
  assert.throws(() => simulator.url, /simulator not started/);
  await assert.rejects(fetch(`${url}${PATHS.list}`), 'nothing listens after stop()');
});

test('the answers are the API envelope: code "0", "Success", a trace id, as JSON with a charset', async (t) => {
  const simulator = await withSimulator(t);
  const response = await signedGet(simulator, PATHS.list);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json;charset=UTF-8');
  const body = (await response.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'data', 'eagleEyeTraceId', 'message', 'tid']);
  assert.equal(body.code, '0');
  assert.equal(body.message, 'Success');
  assert.match(String(body.eagleEyeTraceId), /^[0-9a-f]{32}$/);
});

test('an unknown path is a 404 (no signature asked), counted under its path', async (t) => {
  const simulator = await withSimulator(t);
  const response = await fetch(`${simulator.url}/iot-open/sign/device/nothing-here`);
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), { code: '404', message: 'not found' });
  assert.equal(simulator.requests.get('/iot-open/sign/device/nothing-here'), 1);
  assert.equal(simulator.requestCount('all'), 1);
});

// --- signatures, as the real API checks them -----------------------------------------------

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
  const first = (await (await fetch(`${simulator.url}${PATHS.certification}`, { headers })).json()) as { code: string };
  const again = (await (await fetch(`${simulator.url}${PATHS.certification}`, { headers })).json()) as { code: string };
  assert.equal(first.code, '0');
  assert.equal(again.code, '8521');
});

test('a request missing any of accessKey, nonce, timestamp or sign is 8521, with HTTP 200 as the cloud answers', async (t) => {
  const simulator = await withSimulator(t);
  const nonce = '654321';
  const timestamp = String(Date.now());
  const all: Record<string, string> = {
    accessKey: TEST_KEYS.accessKey,
    nonce,
    timestamp,
    sign: sign({ params: {}, accessKey: TEST_KEYS.accessKey, nonce, timestamp }, TEST_KEYS.secretKey),
  };
  for (const missing of Object.keys(all)) {
    const headers = Object.fromEntries(Object.entries(all).filter(([name]) => name !== missing));
    const response = await fetch(`${simulator.url}${PATHS.list}`, { headers });
    assert.equal(response.status, 200, missing);
    assert.equal(((await response.json()) as { code: string }).code, '8521', `without ${missing}`);
  }
  // Each refusal above left the nonce unused: the complete request still passes.
  assert.equal(((await (await fetch(`${simulator.url}${PATHS.list}`, { headers: all })).json()) as { code: string }).code, '0');
});

test('a timestamp further than maxSkewMs from now, either way, or not a number, is 8521', async (t) => {
  const simulator = await ownSimulator(t, { maxSkewMs: 60_000 });
  const at = async (timestamp: string) => (await call(simulator, PATHS.list, { timestamp })).body.code;
  assert.equal(await at(String(Date.now() - 120_000)), '8521');
  assert.equal(await at(String(Date.now() + 120_000)), '8521');
  assert.equal(await at('soon'), '8521');
  assert.equal(await at(String(Date.now() - 30_000)), '0');
  assert.equal(await at(String(Date.now() + 30_000)), '0');
});

test('the query is signed: a quota/all for another serial number than the one signed is 8521', async (t) => {
  const simulator = await withSimulator(t);
  const nonce = String(randomInt(100_000, 1_000_000));
  const timestamp = String(Date.now());
  const signature = sign({ params: { sn: SN.delta2 }, accessKey: TEST_KEYS.accessKey, nonce, timestamp }, TEST_KEYS.secretKey);
  const response = await fetch(`${simulator.url}${PATHS.quota}?sn=${SN.smartPlug}`, {
    headers: { accessKey: TEST_KEYS.accessKey, nonce, timestamp, sign: signature },
  });
  assert.equal(((await response.json()) as { code: string }).code, '8521');
  assert.equal((await quotaAll(simulator, SN.delta2)).body.code, '0');
});

test('with a JSON Content-Type the body is what is signed (nested values flattened), not the query', async (t) => {
  const simulator = await withSimulator(t);
  const body = { params: { cmdSet: 32, quotas: ['pd.soc', 'inv.outputWatts'] }, sn: SN.delta2 };
  const post = (params: Record<string, unknown>, text = JSON.stringify(body)) => {
    const nonce = String(randomInt(100_000, 1_000_000));
    const timestamp = String(Date.now());
    const signature = sign({ params, accessKey: TEST_KEYS.accessKey, nonce, timestamp }, TEST_KEYS.secretKey);
    return fetch(`${simulator.url}${PATHS.list}?page=1`, {
      method: 'POST',
      headers: { accessKey: TEST_KEYS.accessKey, nonce, timestamp, sign: signature, 'content-type': 'application/json;charset=UTF-8' },
      body: text,
    }).then(async (r) => ((await r.json()) as { code: string }).code);
  };
  assert.equal(await post(body), '0');
  assert.equal(await post({ page: '1' }), '8521', 'the query is not what a JSON request signs');
  // EcoflowClient sends its GETs without a Content-Type for this reason: with one, the absent body is signed.
  assert.equal(await post({}, ''), '0');
  assert.equal(await post({ page: '1' }, ''), '8521');
  assert.equal(await post({}, '{"not json'), '8521');
});

test('setKeys: requests signed with the old keys are refused from then on, the new ones accepted', async (t) => {
  const simulator = await withSimulator(t);
  const renewed = { accessKey: 'renewed-access-key', secretKey: 'renewed-secret-key' };
  simulator.setKeys(renewed.accessKey, renewed.secretKey);
  assert.equal((await call(simulator, PATHS.list)).body.code, '8513');
  assert.equal((await call(simulator, PATHS.list, { keys: renewed })).body.code, '0');
  assert.equal((await call(simulator, PATHS.list, { keys: { accessKey: renewed.accessKey, secretKey: TEST_KEYS.secretKey } })).body.code, '8521');
});

// --- device/list and quota/all --------------------------------------------------------------

test('device/list answers every device in fleet order, online as 1 or 0, restricted ones too', async (t) => {
  const devices = stillFleet();
  devices[1]!.restricted = true;
  const simulator = await ownSimulator(t, { devices });
  const { body } = await call(simulator, PATHS.list);
  assert.deepEqual(body.data, [
    { sn: SN.delta2, deviceName: 'DELTA 2-Garage', online: 1, productName: 'DELTA 2' },
    { sn: SN.powerStream, deviceName: 'PowerStream-Balcony', online: 1, productName: 'PowerStream' },
    { sn: SN.smartPlug, deviceName: 'Smart Plug-Fridge', online: 1, productName: 'Smart Plug' },
    { sn: SN.river2, deviceName: 'RIVER 2-1003', online: 0, productName: 'RIVER 2' },
  ]);
  assert.deepEqual(simulator.serialNumbers(), [SN.delta2, SN.powerStream, SN.smartPlug, SN.river2]);
  simulator.setOnline(SN.delta2, false);
  assert.equal((await call(simulator, PATHS.list)).body.data[0].online, 0);
  assert.equal(simulator.requestCount('device/list'), 2);
});

test('quota/all answers the quotas of the serial number asked for; an unknown, missing or restricted one is 1006', async (t) => {
  const devices = stillFleet();
  devices.find((d) => d.sn === SN.smartPlug)!.restricted = true;
  const simulator = await ownSimulator(t, { devices });
  const delta2 = await quotaAll(simulator, SN.delta2);
  assert.equal(delta2.body.code, '0');
  assert.deepEqual(delta2.body.data, devices[0]!.quotas);
  for (const sn of [SN.smartPlug, 'NO-SUCH-SN']) {
    const refused = await quotaAll(simulator, sn);
    assert.equal(refused.status, 200);
    assert.equal(refused.body.code, '1006', sn);
    assert.equal(refused.body.message, 'current device is not allowed to get device info');
    assert.equal(refused.body.data, undefined);
  }
  assert.equal((await call(simulator, PATHS.quota)).body.code, '1006', 'no sn at all');
  // Counted by the serial number asked for, the refused ones too; '' for none.
  assert.deepEqual(Object.fromEntries(simulator.quotaRequests), { [SN.delta2]: 1, [SN.smartPlug]: 1, 'NO-SUCH-SN': 1, '': 1 });
  assert.equal(simulator.requestCount('quota/all'), 4);
});

test('an offline device still answers quota/all, with the values it last reported, and they no longer move', async (t) => {
  const { simulator, advance } = movingSimulator();
  await simulator.start(0, '127.0.0.1');
  t.after(() => simulator.stop());
  const online = (await quotaAll(simulator, SN.delta2)).body.data;
  advance(600);
  const last = (await quotaAll(simulator, SN.delta2)).body.data;
  assert.notDeepEqual(last, online, 'online, the values move with the clock');

  simulator.setOnline(SN.delta2, false);
  const offline = await quotaAll(simulator, SN.delta2);
  // Not the capture: a lifetime counter that went back would be a reset to the exporter.
  assert.deepEqual(offline.body.data, last);
  assert.equal(offline.body.code, '0');
  assert.ok(Object.keys(offline.body.data).length > 100, 'every key is still answered');
  advance(600);
  assert.deepEqual((await quotaAll(simulator, SN.delta2)).body.data, offline.body.data);
  assert.deepEqual(simulator.currentQuotas(SN.delta2), offline.body.data);
  // What is changed meanwhile is answered: a key removed goes, one set is the new value.
  simulator.removeQuota(SN.delta2, 'pd.soc');
  simulator.setQuota(SN.delta2, 'bms_bmsStatus.f32ShowSoc', 12.5);
  const changed = simulator.currentQuotas(SN.delta2);
  assert.equal('pd.soc' in changed, false);
  assert.equal(changed['bms_bmsStatus.f32ShowSoc'], 12.5);
  // A device added again under the same serial answers as itself, not as the one before.
  simulator.removeDevice(SN.delta2);
  simulator.addDevice({ ...demoFleet().find((d) => d.sn === SN.delta2)!, online: false, motion: undefined });
  assert.equal(simulator.currentQuotas(SN.delta2)['pd.soc'], demoFleet().find((d) => d.sn === SN.delta2)!.quotas['pd.soc']);
});

test('currentQuotas is what quota/all answers, moving values computed', async (t) => {
  const { simulator, advance } = movingSimulator();
  await simulator.start(0, '127.0.0.1');
  t.after(() => simulator.stop());
  advance(1234);
  const nonce = String(randomInt(100_000, 1_000_000));
  const timestamp = String(Date.now());
  const params = { sn: SN.delta2 };
  const signature = sign({ params, accessKey: TEST_KEYS.accessKey, nonce, timestamp }, TEST_KEYS.secretKey);
  const response = await fetch(`${simulator.url}/iot-open/sign/device/quota/all?sn=${SN.delta2}`, {
    headers: { accessKey: TEST_KEYS.accessKey, nonce, timestamp, sign: signature },
  });
  const body = (await response.json()) as { code: string; data: Record<string, unknown> };
  assert.equal(body.code, '0');
  assert.deepEqual(simulator.currentQuotas(SN.delta2), body.data);
  const still = demoFleet().find((d) => d.sn === SN.delta2)!;
  assert.notEqual(body.data['pd.wattsOutSum'], still.quotas['pd.wattsOutSum'], 'the moving value is computed');
  assert.throws(() => simulator.currentQuotas('NO-SUCH-SN'), /no simulated device/);
});

test('setQuota overrides a moving value for good; removeQuota takes a key out of the answer', async (t) => {
  const { simulator, advance } = movingSimulator();
  await simulator.start(0, '127.0.0.1');
  t.after(() => simulator.stop());
  simulator.setQuota(SN.delta2, 'pd.wattsOutSum', 1234);
  simulator.setQuota(SN.delta2, 'pd.newKey', 'new');
  simulator.removeQuota(SN.delta2, 'inv.outputWatts');
  simulator.removeQuota(SN.delta2, 'pd.soc');
  for (const seconds of [0, 37, 3600]) {
    advance(seconds);
    const { data } = (await quotaAll(simulator, SN.delta2)).body;
    assert.equal(data['pd.wattsOutSum'], 1234, `set, and no longer moving after ${seconds} s`);
    assert.equal(data['pd.newKey'], 'new');
    assert.ok(!('inv.outputWatts' in data), 'a removed moving key');
    assert.ok(!('pd.soc' in data), 'a removed moving key');
  }
  assert.throws(() => simulator.setQuota('NO-SUCH-SN', 'pd.soc', 1), /no simulated device NO-SUCH-SN/);
});

test('addDevice adds or replaces a device, removeDevice takes it away; the simulator keeps its own copies', async (t) => {
  const simulator = await withSimulator(t);
  const device: SimulatedDevice = { sn: 'NEW00000000001', deviceName: 'New', productName: 'DELTA 2', online: true, quotas: { 'pd.soc': 10 } };
  simulator.addDevice(device);
  device.quotas['pd.soc'] = 99;
  device.online = false;
  assert.deepEqual((await quotaAll(simulator, device.sn)).body.data, { 'pd.soc': 10 });
  assert.equal((await call(simulator, PATHS.list)).body.data.at(-1).online, 1);

  simulator.addDevice({ ...device, deviceName: 'Replaced', quotas: { 'pd.soc': 20 } });
  const list = (await call(simulator, PATHS.list)).body.data as Array<{ sn: string; deviceName: string }>;
  assert.equal(list.filter((d) => d.sn === device.sn).length, 1);
  assert.equal(list.at(-1)!.deviceName, 'Replaced');
  assert.deepEqual((await quotaAll(simulator, device.sn)).body.data, { 'pd.soc': 20 });

  simulator.removeDevice(device.sn);
  assert.equal((await quotaAll(simulator, device.sn)).body.code, '1006');
  assert.ok(!simulator.serialNumbers().includes(device.sn));
  assert.throws(() => simulator.device(device.sn), /no simulated device/);

  // The constructor's devices are copies too.
  const devices = stillFleet();
  const own = new CloudSimulator({ ...TEST_KEYS, devices });
  devices[0]!.quotas['pd.soc'] = -1;
  assert.notEqual(own.currentQuotas(SN.delta2)['pd.soc'], -1);
});

test('subscribe hears setOnline when it changes something and every setQuota, until unsubscribed', () => {
  const { simulator } = movingSimulator();
  const heard: SimulatorChange[] = [];
  const unsubscribe = simulator.subscribe((e) => heard.push(e));
  simulator.setOnline(SN.delta2, true); // already online
  simulator.setOnline(SN.delta2, false);
  simulator.setOnline(SN.delta2, false);
  simulator.setQuota(SN.delta2, 'pd.soc', 3);
  simulator.removeQuota(SN.delta2, 'pd.soc');
  unsubscribe();
  simulator.setOnline(SN.delta2, true);
  assert.deepEqual(heard, [
    { kind: 'online', sn: SN.delta2, online: false },
    { kind: 'quota', sn: SN.delta2, key: 'pd.soc', value: 3 },
  ]);
});

// --- certification --------------------------------------------------------------------------

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

// --- injected faults ------------------------------------------------------------------------

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
  const unavailable = await signedGet(simulator, PATHS.certification);
  assert.equal(unavailable.status, 503);
  await unavailable.body?.cancel();

  assert.equal(simulator.pendingFaults, 0);
  assert.equal((await getCertification(simulator)).body.code, '0');
  assert.equal(simulator.requestCount('certification'), 3);
  assert.equal(simulator.requestCount('device/list'), 1);
});

/** What each fault that answers at once looks like on the wire, as a client reads it. */
const ANSWERS: ReadonlyArray<{ fault: Fault; status: number; type: RegExp; check: (text: string, headers: Headers) => void }> = [
  {
    fault: { kind: 'status', status: 429, body: 'slow down', headers: { 'retry-after': '7' } },
    status: 429,
    type: /^text\/plain/,
    check: (text, headers) => {
      assert.equal(text, 'slow down');
      assert.equal(headers.get('retry-after'), '7');
    },
  },
  { fault: { kind: 'status', status: 500 }, status: 500, type: /^text\/plain/, check: (text) => assert.equal(text, 'error') },
  { fault: { kind: 'html' }, status: 200, type: /^text\/html/, check: (text) => assert.match(text, /<html>.*502 Bad Gateway/) },
  { fault: { kind: 'malformed' }, status: 200, type: /^application\/json/, check: (text) => assert.throws(() => JSON.parse(text), SyntaxError) },
  {
    fault: { kind: 'wrong-shape' },
    status: 200,
    type: /^application\/json/,
    check: (text) => {
      const body = JSON.parse(text);
      assert.equal(body.code, '0');
      assert.equal(typeof body.data, 'string');
    },
  },
  {
    fault: { kind: 'api-error', code: '6001', message: 'busy' },
    status: 200,
    type: /^application\/json/,
    check: (text) => {
      const body = JSON.parse(text);
      assert.equal(body.code, '6001');
      assert.equal(body.message, 'busy');
      assert.equal(body.data, undefined);
    },
  },
];

test('each fault that answers at once answers as described, on the endpoint it was injected for', async (t) => {
  const simulator = await withSimulator(t);
  for (const { fault, status, type, check } of ANSWERS) {
    simulator.injectFault('quota/all', fault);
    const response = await signedGet(simulator, PATHS.quota, { query: { sn: SN.delta2 } });
    assert.equal(response.status, status, fault.kind);
    assert.match(response.headers.get('content-type') ?? '', type, fault.kind);
    check(await response.text(), response.headers);
    // Served once: the next request is answered normally.
    assert.equal((await quotaAll(simulator, SN.delta2)).body.code, '0', `after ${fault.kind}`);
  }
});

test('a delay fault holds the answer back, then answers normally', async (t) => {
  const simulator = await withSimulator(t);
  simulator.injectFault('device/list', { kind: 'delay', ms: 300 });
  const started = performance.now();
  const { body } = await call(simulator, PATHS.list);
  assert.ok(performance.now() - started >= 290, 'held back');
  assert.equal(body.code, '0');
  assert.equal(body.data.length, 4);
});

test('a reset fault cuts the connection before any answer', async (t) => {
  const simulator = await withSimulator(t);
  simulator.injectFault('device/list', { kind: 'reset' });
  await assert.rejects(signedGet(simulator, PATHS.list), TypeError);
  assert.equal(simulator.requestCount('device/list'), 1);
  assert.equal((await call(simulator, PATHS.list)).body.code, '0');
});

test('a huge fault sends a valid envelope padded with exactly the bytes asked for', async (t) => {
  const simulator = await withSimulator(t);
  const bytes = 3 * 64 * 1024 + 5;
  simulator.injectFault('quota/all', { kind: 'huge', bytes });
  const { status, body } = await quotaAll(simulator, SN.delta2);
  assert.equal(status, 200);
  assert.equal(body.code, '0');
  assert.equal(body.data.pad.length, bytes);
  assert.match(body.data.pad, /^x+$/);
});

test('a slow-body fault sends the headers at once and the rest of a valid body over the time asked for', async (t) => {
  const simulator = await withSimulator(t);
  simulator.injectFault('quota/all', { kind: 'slow-body', ms: 1000 });
  const started = performance.now();
  const response = await signedGet(simulator, PATHS.quota, { query: { sn: SN.delta2 } });
  const headersAfter = performance.now() - started;
  const body = (await response.json()) as { code: string; data: unknown };
  const bodyAfter = performance.now() - started;
  assert.ok(headersAfter < 500, `headers after ${headersAfter} ms`);
  assert.ok(bodyAfter >= 990, `body after ${bodyAfter} ms`);
  assert.equal(body.code, '0');
  assert.deepEqual(body.data, {});
});

test('injectFault(…, times) serves that many in the order injected; clearFaults drops those not served', async (t) => {
  const simulator = await withSimulator(t);
  simulator.injectFault('device/list', { kind: 'api-error', code: '1', message: 'first' }, 2);
  simulator.injectFault('device/list', { kind: 'api-error', code: '2', message: 'then' });
  simulator.injectFault('quota/all', { kind: 'status', status: 502 }, 3);
  assert.equal(simulator.pendingFaults, 6);
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await call(simulator, PATHS.list)).body.code);
  assert.deepEqual(codes, ['1', '1', '2', '0']);
  assert.equal(simulator.pendingFaults, 3);
  simulator.clearFaults();
  assert.equal(simulator.pendingFaults, 0);
  assert.equal((await quotaAll(simulator, SN.delta2)).body.code, '0');
});
