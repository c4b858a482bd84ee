import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcoflowClient, type RequestEvent } from '../../../src/ecoflow/ecoflow-client.js';
import { EcoflowApiError, EcoflowHttpError, EcoflowNetworkError, EcoflowRateLimitError, EcoflowResponseError } from '../../../src/ecoflow/errors.js';
import { SN, TEST_KEYS, closedPort, startSimulator } from '../../helpers/simulated-fleet.js';
import { RequestGovernor } from '../../../src/ecoflow/request-governor.js';
import { demoFleet } from '../../../src/simulator/fleet.js';

async function withSimulator(t: import('node:test').TestContext) {
  const simulator = await startSimulator();
  // A quick governor: these tests are about the client, not about backoff.
  const client = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS, timeoutMs: 2000, governor: new RequestGovernor({ baseBackoffMs: 5 }) });
  t.after(async () => {
    client.close();
    await simulator.stop();
  });
  return { simulator, client };
}

test('lists devices and reads quotas with signatures the simulator accepts', async (t) => {
  const { client } = await withSimulator(t);
  const devices = await client.listDevices();
  assert.deepEqual(
    devices.map((d) => [d.sn, d.productName, d.online]),
    [
      [SN.delta2, 'DELTA 2', true],
      [SN.powerStream, 'PowerStream', true],
      [SN.smartPlug, 'Smart Plug', true],
      [SN.river2, 'RIVER 2', false],
    ],
  );
  const quotas = (await client.getAllQuotas(SN.delta2))!;
  assert.equal(quotas['pd.soc'], 46);
  assert.ok(Array.isArray(quotas['bms_bmsStatus.cellVol']));
});

test('with a plan, quotas are read key by key and only the keys it takes are built; a malformed answer is a response error as without', async (t) => {
  const { simulator, client } = await withSimulator(t);
  const whole = (await client.getAllQuotas(SN.delta2))!;
  const leftOut: string[] = [];
  const plan = { begin() {}, take: (key: string) => key.startsWith('pd.'), leaveOut: (key: string) => leftOut.push(key) };
  const read = await client.getAllQuotas(SN.delta2, plan);
  const pd = Object.keys(whole).filter((k) => k.startsWith('pd.'));
  assert.ok(pd.length > 10);
  assert.deepEqual(read, Object.fromEntries(pd.map((k) => [k, whole[k]])));
  assert.deepEqual(
    leftOut,
    Object.keys(whole).filter((k) => !k.startsWith('pd.')),
  );
  simulator.injectFault('quota/all', { kind: 'html' });
  await assert.rejects(client.getAllQuotas(SN.delta2, plan), (e) => e instanceof EcoflowResponseError && /not JSON/.test(e.message));
});

test('an unknown access key is API error 8513 with a region hint, and no secret in the message', async (t) => {
  const { simulator } = await withSimulator(t);
  const client = new EcoflowClient({ baseUrl: simulator.url, accessKey: 'wrong-access-key', secretKey: TEST_KEYS.secretKey });
  t.after(() => client.close());
  const err = await client.listDevices().then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof EcoflowApiError);
  assert.equal(err.apiCode, '8513');
  assert.match(err.message, /accessKey is invalid/);
  assert.match(err.message, /api-e\.ecoflow\.com/);
  assert.ok(!err.message.includes(TEST_KEYS.secretKey));
});

test('a wrong secret key is API error 8521', async (t) => {
  const { simulator } = await withSimulator(t);
  const client = new EcoflowClient({ baseUrl: simulator.url, accessKey: TEST_KEYS.accessKey, secretKey: 'not-the-secret' });
  t.after(() => client.close());
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowApiError && e.apiCode === '8521');
});

test('a device the key may not read is API error 1006', async (t) => {
  const { client } = await withSimulator(t);
  await assert.rejects(client.getAllQuotas('NOT-MINE-0001'), (e) => e instanceof EcoflowApiError && e.apiCode === '1006');
});

test('HTTP errors, HTML pages and malformed JSON become typed errors', async (t) => {
  const { simulator, client } = await withSimulator(t);
  simulator.injectFault('quota/all', { kind: 'status', status: 503 });
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowHttpError && e.status === 503);

  simulator.injectFault('quota/all', { kind: 'html' });
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowResponseError && /not JSON.*<html>/.test(e.message));

  simulator.injectFault('device/list', { kind: 'malformed' });
  await assert.rejects(client.listDevices(), (e) => e instanceof EcoflowResponseError);

  // And the client is still fine afterwards.
  assert.equal((await client.getAllQuotas(SN.delta2))!['pd.soc'], 46);
});

for (const [what, fault] of [
  ['a slow answer', { kind: 'delay', ms: 3000 }],
  ['a body that trickles in', { kind: 'slow-body', ms: 3000 }],
] as const) {
  test(`${what} times out as a network error of kind timeout, within the timeout`, async (t) => {
    const { simulator } = await withSimulator(t);
    const client = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS, timeoutMs: 300 });
    t.after(() => client.close());
    simulator.injectFault('quota/all', fault);
    const started = Date.now();
    await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowNetworkError && e.reason === 'timeout');
    assert.ok(Date.now() - started < 1000, `the request outlived its timeout: ${Date.now() - started} ms`);
  });
}

test('a refused connection is a network error', async () => {
  const client = new EcoflowClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, ...TEST_KEYS });
  try {
    await assert.rejects(client.listDevices(), (e) => e instanceof EcoflowNetworkError && e.reason === 'network' && /ECONNREFUSED/.test(e.message));
  } finally {
    client.close();
  }
});

test('an oversized body is cut off at the cap', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: '0', message: 'Success', data: { big: 'x'.repeat(200_000) } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const client = new EcoflowClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...TEST_KEYS,
    maxResponseBytes: 64 * 1024,
  });
  t.after(() => client.close());
  await assert.rejects(client.getAllQuotas('X'), (e) => e instanceof EcoflowResponseError && /larger than 65536 bytes/.test(e.message));
});

test('an envelope without data of the right shape is a response error', async (t) => {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url?.includes('list') ? '{"code":"0","message":"Success","data":{"sn":"x"}}' : '{"code":"0","data":[1,2]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const client = new EcoflowClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...TEST_KEYS });
  t.after(() => client.close());
  await assert.rejects(client.listDevices(), EcoflowResponseError);
  await assert.rejects(client.getAllQuotas('X'), EcoflowResponseError);
});

test('a stream-only model: quota/all answers success with no data, which is an answer (undefined), not a failure of the cloud', async (t) => {
  const { simulator } = await withSimulator(t);
  const meter = demoFleet().find((d) => d.streamOnly)!;
  simulator.addDevice(meter);
  const governor = new RequestGovernor({ baseBackoffMs: 5, failureThreshold: 2 });
  const client = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS, timeoutMs: 2000, governor });
  t.after(() => client.close());
  for (let i = 0; i < 5; i++) assert.equal(await client.getAllQuotas(meter.sn), undefined);
  assert.ok(governor.lastSuccessAt !== undefined, 'counted as answers');
  // Five answers without data, past a threshold of two failures: the circuit is still closed.
  assert.equal((await client.getAllQuotas(SN.delta2))!['pd.soc'], 46);
});

test('a reset connection is a network error, a wrong envelope shape a response error', async (t) => {
  const { simulator, client } = await withSimulator(t);
  simulator.injectFault('quota/all', { kind: 'reset' });
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowNetworkError && e.reason === 'network');
  simulator.injectFault('quota/all', { kind: 'wrong-shape' });
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowResponseError && /not an object/.test(e.message));
});

test('a 50 MB body is cut at the size cap without holding it in memory', async (t) => {
  const { simulator } = await withSimulator(t);
  const client = new EcoflowClient({ baseUrl: simulator.url, ...TEST_KEYS, maxResponseBytes: 1024 * 1024, timeoutMs: 10_000 });
  t.after(() => client.close());
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  simulator.injectFault('quota/all', { kind: 'huge', bytes: 50 * 1024 * 1024 });
  await assert.rejects(client.getAllQuotas(SN.delta2), (e) => e instanceof EcoflowResponseError && /larger than 1048576 bytes/.test(e.message));
  clearInterval(sampler);
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.deepEqual(warnings, [], 'no listener piles up per chunk');
  assert.ok(peak - before < 20 * 1024 * 1024, `heap grew ${((peak - before) / 1e6).toFixed(1)} MB`);
  assert.equal((await client.getAllQuotas(SN.delta2))!['pd.soc'], 46, 'the next request works');
});

test('HTTP 429 and "too busy" answers are rate-limit errors; Retry-After is kept', async (t) => {
  const { simulator, client } = await withSimulator(t);
  simulator.injectFault('quota/all', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
  const limited = await client.getAllQuotas(SN.delta2).catch((e) => e);
  assert.ok(limited instanceof EcoflowRateLimitError);
  assert.equal(limited.retryAfterMs, 1000);
  simulator.injectFault('device/list', { kind: 'api-error', code: '1001', message: 'Server is too busy' });
  await assert.rejects(client.listDevices(), (e) => e instanceof EcoflowRateLimitError && e.code === '1001');
});

test('a host that does not resolve is a network error within the timeout', async () => {
  const client = new EcoflowClient({ baseUrl: 'http://ecoflow-exporter-test.invalid', ...TEST_KEYS, timeoutMs: 2000 });
  const started = Date.now();
  try {
    await assert.rejects(client.listDevices(), (e) => e instanceof EcoflowNetworkError);
    assert.ok(Date.now() - started < 2500);
  } finally {
    client.close();
  }
});

test('every request is reported with its outcome, code and duration', async (t) => {
  const { simulator } = await withSimulator(t);
  const events: RequestEvent[] = [];
  const client = new EcoflowClient({
    baseUrl: simulator.url,
    ...TEST_KEYS,
    governor: new RequestGovernor({ baseBackoffMs: 5 }),
    reporter: { recordRequest: (e) => events.push(e) },
  });
  t.after(() => client.close());
  await client.listDevices();
  simulator.injectFault('quota/all', { kind: 'status', status: 502 });
  await client.getAllQuotas(SN.delta2).catch(() => {});
  await client.getAllQuotas('NOT-MINE').catch(() => {});
  assert.deepEqual(
    events.map((e) => [e.endpoint, e.outcome, e.code]),
    [
      ['device/list', 'success', ''],
      ['quota/all', 'http_error', '502'],
      ['quota/all', 'api_error', '1006'],
    ],
  );
  assert.ok(events.every((e) => e.seconds >= 0 && e.seconds < 5));
});
