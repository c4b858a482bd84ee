import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SN, eventually, stillFleet } from '../helpers/simulated-fleet.js';
import { sampleValue, startPair, sumWith, valueWith } from '../helpers/running-exporter.js';
import type { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { realTime } from '../helpers/real-time.js';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

/** API requests counted with these labels, summed over the others. */
const requests = (text: string, labels: Record<string, string>) => sumWith(text, 'ecoflow_exporter_api_requests_total', labels);

async function ready(t: import('node:test').TestContext, env: NodeJS.ProcessEnv = {}, fleet = stillFleet()) {
  const pair = await startPair(t, { ECOFLOW_DEVICE_SN: SN.delta2, ...env }, fleet);
  await eventually(async () => sampleValue(await pair.exporter.scrape(), 'ecoflow_pd_soc', SN.delta2) !== undefined, 'first read');
  return pair;
}

/** Requests the simulator saw during `ms`. */
async function requestsDuring(simulator: CloudSimulator, ms: number): Promise<number> {
  const before = simulator.requestCount();
  await realTime(ms);
  return simulator.requestCount() - before;
}

test('5xx, HTML, truncated JSON and a wrong envelope: counted, last good data kept, next poll retries', async (t) => {
  const { simulator, exporter } = await ready(t);
  simulator.injectFault('quota/all', { kind: 'status', status: 500 });
  simulator.injectFault('quota/all', { kind: 'html' });
  simulator.injectFault('quota/all', { kind: 'malformed' });
  simulator.injectFault('quota/all', { kind: 'wrong-shape' });
  const text = await eventually(async () => {
    const body = await exporter.scrape();
    assert.equal(sampleValue(body, 'ecoflow_pd_soc', SN.delta2), 46, 'kept through every fault');
    return requests(body, { outcome: 'bad_response' }) >= 3 && body;
  }, 'faults counted');
  assert.equal(requests(text, { endpoint: 'quota/all', outcome: 'http_error', code: '500' }), 1);
  simulator.setQuota(SN.delta2, 'pd.soc', 51);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_pd_soc', SN.delta2) === 51, 'polling resumed');
  assert.deepEqual(unhandled, []);
});

test('data not refreshed within DATA_STALE_AFTER is dropped, not frozen; the last-update time stays', async (t) => {
  const { simulator, exporter } = await ready(t, { DATA_STALE_AFTER: '1', ECOFLOW_CIRCUIT_BREAKER_THRESHOLD: '1000' });
  simulator.injectFault('quota/all', { kind: 'html' }, 10_000);
  const text = await eventually(
    async () => {
      const body = await exporter.scrape();
      return sampleValue(body, 'ecoflow_pd_soc', SN.delta2) === undefined && body;
    },
    'stale data dropped',
    5000,
  );
  const lastUpdate = sampleValue(text, 'ecoflow_last_update_timestamp_seconds', SN.delta2)!;
  assert.ok(Date.now() / 1000 - lastUpdate >= 1, `last update ${lastUpdate}`);
  assert.equal(valueWith(text, 'ecoflow_exporter_devices', { state: 'failing' }), 1);
  assert.equal(sampleValue(text, 'ecoflow_online', SN.delta2), 1, 'still online: the device list says so');

  simulator.clearFaults();
  const back = await eventually(
    async () => {
      const body = await exporter.scrape();
      return sampleValue(body, 'ecoflow_pd_soc', SN.delta2) === 46 && body;
    },
    'fresh again',
    5000,
  );
  assert.equal(valueWith(back, 'ecoflow_exporter_devices', { state: 'online' }), 1);
});

test('timeouts and reset connections: counted, bounded by the request timeout, no unhandled rejection', async (t) => {
  const { simulator, exporter } = await ready(t, { ECOFLOW_REQUEST_TIMEOUT: '0.3' });
  simulator.injectFault('quota/all', { kind: 'delay', ms: 3000 });
  simulator.injectFault('quota/all', { kind: 'reset' });
  simulator.injectFault('quota/all', { kind: 'slow-body', ms: 3000 });
  const text = await eventually(
    async () => {
      const body = await exporter.scrape();
      return requests(body, { outcome: 'timeout' }) >= 2 && requests(body, { outcome: 'network' }) >= 1 && body;
    },
    'timeouts and reset counted',
    8000,
  );
  const buckets = valueWith(text, 'ecoflow_exporter_api_request_duration_seconds_bucket', { endpoint: 'quota/all', le: '1' })!;
  const count = valueWith(text, 'ecoflow_exporter_api_request_duration_seconds_count', { endpoint: 'quota/all' })!;
  assert.equal(buckets, count, 'no request took longer than a second');
  assert.equal(sampleValue(text, 'ecoflow_pd_soc', SN.delta2), 46);
  assert.deepEqual(unhandled, []);
});

test('the cloud going away and coming back: circuit opens, scrapes carry on, polling recovers', async (t) => {
  const { simulator, exporter } = await ready(t, { ECOFLOW_CIRCUIT_BREAKER_THRESHOLD: '3' });
  const port = Number(new URL(simulator.url).port);
  await simulator.stop();
  const open = await eventually(
    async () => {
      const body = await exporter.scrape();
      return valueWith(body, 'ecoflow_exporter_circuit_breaker_state', { state: 'open' }) === 1 && body;
    },
    'circuit open',
    8000,
  );
  assert.ok(requests(open, { outcome: 'network' }) >= 3);
  assert.ok(exporter.logs.some((l) => l.includes('EcoFlow API calls paused after repeated failures')));

  await simulator.start(port, '127.0.0.1');
  simulator.setQuota(SN.delta2, 'pd.soc', 77);
  await eventually(
    async () => {
      const body = await exporter.scrape();
      return valueWith(body, 'ecoflow_exporter_circuit_breaker_state', { state: 'closed' }) === 1 && sampleValue(body, 'ecoflow_pd_soc', SN.delta2) === 77;
    },
    'recovered',
    10_000,
  );
});

test('a 429 storm: one shared backoff and the circuit breaker keep requests few', async (t) => {
  const { simulator, exporter } = await startPair(t, {
    COLLECTING_INTERVAL: '0.1',
    DEVICE_LIST_INTERVAL: '0.1',
    ECOFLOW_BACKOFF_BASE: '0.2',
    ECOFLOW_CIRCUIT_BREAKER_PAUSE: '1',
  });
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_2_1_watts', SN.smartPlug) !== undefined, 'first reads');
  const healthy = await requestsDuring(simulator, 1000);
  assert.ok(healthy >= 20, `healthy polling is fast here: ${healthy}/s`);

  simulator.injectFault('quota/all', { kind: 'status', status: 429 }, 100_000);
  simulator.injectFault('device/list', { kind: 'api-error', code: '1001', message: 'Server is too busy' }, 100_000);
  await realTime(500);
  const storm = await requestsDuring(simulator, 3000);
  assert.ok(storm <= 8, `${storm} requests in 3 s while rate-limited`);
  const text = await exporter.scrape();
  assert.ok(requests(text, { outcome: 'rate_limited', code: '429' }) >= 1);
  assert.ok(requests(text, { outcome: 'circuit_open' }) >= 1, 'callers were refused without a request');

  simulator.clearFaults();
  await eventually(async () => valueWith(await exporter.scrape(), 'ecoflow_exporter_circuit_breaker_state', { state: 'closed' }) === 1, 'closed again', 10_000);
});

test('keys refused after start-up (8513): logged once with a hint, counted, backed off, recovered', async (t) => {
  const { simulator, exporter } = await ready(t, { ECOFLOW_CIRCUIT_BREAKER_PAUSE: '1' });
  simulator.setKeys('rotated-access-key', 'rotated-secret-key');
  await realTime(1000);
  const refused = await requestsDuring(simulator, 2000);
  assert.ok(refused <= 6, `${refused} requests in 2 s with refused keys`);
  const text = await exporter.scrape();
  assert.ok(requests(text, { outcome: 'api_error', code: '8513' }) >= 2);
  const pollLines = exporter.logs.filter((l) => l.includes('"msg":"device poll failed; keeping its last data"'));
  assert.equal(pollLines.length, 1, 'once per state change');
  assert.match(pollLines[0]!, /ECOFLOW_API_HOST is the region the key belongs to/);
  assert.equal(exporter.logs.filter((l) => l.includes('"msg":"device list failed; keeping the last known devices"')).length, 1);
  assert.equal(sampleValue(text, 'ecoflow_pd_soc', SN.delta2), 46);

  simulator.setKeys('test-access-key-0001', 'test-secret-key-0002-abcdef');
  simulator.setQuota(SN.delta2, 'pd.soc', 12);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_pd_soc', SN.delta2) === 12, 'recovered', 10_000);
  assert.ok(exporter.logs.some((l) => l.includes('device polling recovered')));
});

test('a device the key may not read (1006) is not asked again for a long while', async (t) => {
  const fleet = stillFleet();
  fleet.push({ sn: 'DENIED0000000001', deviceName: 'Stream', productName: 'STREAM AC', online: true, restricted: true, quotas: {} });
  const { simulator, exporter } = await startPair(t, {}, fleet);
  await eventually(() => exporter.logs.some((l) => l.includes('DENIED0000000001')), '1006 seen');
  const deniedBefore = simulator.quotaRequests.get('DENIED0000000001');
  const plugBefore = simulator.quotaRequests.get(SN.smartPlug) ?? 0;
  await realTime(1500);
  assert.equal(simulator.quotaRequests.get('DENIED0000000001'), deniedBefore);
  assert.ok((simulator.quotaRequests.get(SN.smartPlug) ?? 0) > plugBefore + 3, 'the others keep polling');
  assert.equal(valueWith(await exporter.scrape(), 'ecoflow_exporter_devices', { state: 'restricted' }), 1);
});

test('/readyz says whether the EcoFlow API answered recently; /healthz only that the process lives', async (t) => {
  const { simulator, exporter } = await ready(t);
  const probe = async (path: string) => (await fetch(`http://127.0.0.1:${exporter.config.exporter.port}${path}`)).status;
  assert.equal(await probe('/readyz'), 200);
  const port = Number(new URL(simulator.url).port);
  await simulator.stop();
  await eventually(async () => (await probe('/readyz')) === 503, 'not ready while the cloud is away', 8000);
  assert.equal(await probe('/healthz'), 200);
  await simulator.start(port, '127.0.0.1');
  await eventually(async () => (await probe('/readyz')) === 200, 'ready again', 15_000);
});
