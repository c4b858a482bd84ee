import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SN, TEST_KEYS, closedPort, eventually, startSimulator, stillFleet } from '../helpers/simulated-fleet.js';
import { spawnAgainst, spawnExporter, withDeadline } from '../helpers/exporter-process.js';
import { realTime } from '../helpers/real-time.js';

const HEADER_TOKEN = 'otlp-bearer-token-4f9a2c';

/** Every way a secret could leak: the key itself, and its halves (a key split over a line). */
function assertNoSecret(where: string, text: string): void {
  for (const secret of [TEST_KEYS.accessKey, TEST_KEYS.secretKey, HEADER_TOKEN]) {
    assert.ok(!text.includes(secret), `${where} contains a secret`);
    assert.ok(!text.includes(secret.slice(0, 12)) && !text.includes(secret.slice(-12)), `${where} contains part of a secret`);
  }
}

test('no key or header value appears in any log line, metric or help text of a faulty run', async (t) => {
  const fleet = stillFleet();
  fleet.push({ sn: 'DENIED0000000001', deviceName: 'Stream', productName: 'STREAM AC', online: true, restricted: true, quotas: {} });
  const simulator = await startSimulator(fleet);
  t.after(() => simulator.stop());
  const p = await spawnAgainst(t, simulator.url, {
    LOG_LEVEL: 'debug',
    COLLECTING_INTERVAL: '0.2',
    DEVICE_LIST_INTERVAL: '0.2',
    ECOFLOW_REQUEST_TIMEOUT: '0.3',
    ECOFLOW_BACKOFF_BASE: '0.05',
    ECOFLOW_CIRCUIT_BREAKER_PAUSE: '0.2',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${HEADER_TOKEN}`,
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  });
  await eventually(async () => (await (await fetch(p.metricsUrl)).text()).includes(`ecoflow_pd_soc{device="${SN.delta2}"`), 'running');

  const faults = [
    { kind: 'html' },
    { kind: 'status', status: 500 },
    { kind: 'reset' },
    { kind: 'malformed' },
    { kind: 'delay', ms: 1000 },
    { kind: 'status', status: 429 },
    { kind: 'api-error', code: '8521', message: 'signature is wrong' },
    { kind: 'api-error', code: '1001', message: 'Server is too busy' },
  ] as const;
  // One at a time, each followed by a good answer: a run of consecutive failures would only
  // stretch the backoff and make this test slow.
  for (const [i, fault] of faults.entries()) {
    simulator.injectFault(i % 2 === 0 ? 'quota/all' : 'device/list', fault);
    await eventually(() => simulator.pendingFaults === 0, `fault ${fault.kind} served`, 10_000);
    await realTime(300);
  }
  simulator.setKeys('someone-elses-access-key', 'someone-elses-secret-key');
  await eventually(() => p.output().includes('8513'), 'refused keys seen');
  simulator.setKeys(TEST_KEYS.accessKey, TEST_KEYS.secretKey);
  await eventually(
    async () => {
      const body = await (await fetch(p.metricsUrl)).text();
      return /ecoflow_exporter_circuit_breaker_state\{state="closed"\} 1/.test(body) && /ecoflow_exporter_devices\{state="online"\} 3/.test(body);
    },
    'recovered',
    30_000,
  );

  const metrics = await (await fetch(p.metricsUrl)).text();
  const help = spawnExporter(['--help'], {
    ECOFLOW_ACCESS_KEY: TEST_KEYS.accessKey,
    ECOFLOW_SECRET_KEY: TEST_KEYS.secretKey,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=${HEADER_TOKEN}`,
  });
  await help.exited;
  p.child.kill('SIGTERM');
  await withDeadline(p.exited, 5000, 'exit');

  const logs = p.output();
  const lines = logs.split('\n').filter(Boolean);
  assert.ok(lines.length > 10, `a full run: ${lines.length} lines`);
  for (const needle of [
    '"level":"debug","msg":"configuration"',
    'OTLP export failed',
    '"api_code":"8521"',
    '"api_code":"8513"',
    '1006',
    '"error_kind":"network"',
    '"error_kind":"response"',
  ]) {
    assert.ok(logs.includes(needle), `the run logged ${needle}`);
  }
  lines.forEach((line, i) => assertNoSecret(`log line ${i + 1}`, line));
  assertNoSecret('/metrics', metrics);
  assertNoSecret('--help', help.output());
});

test('a wrong secret at start-up (8521) exits non-zero with the clock hint, and no secret', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const p = spawnExporter([], {
    ECOFLOW_ACCESS_KEY: TEST_KEYS.accessKey,
    ECOFLOW_SECRET_KEY: 'a-wrong-secret-key-123456',
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_PORT: '0',
    ESTABLISH_ATTEMPTS: '2',
    RETRY_TIMEOUT: '0.1',
  });
  assert.equal(await withDeadline(p.exited, 10_000, 'exit'), 1);
  assert.match(p.output(), /signature is wrong \(hint: check ECOFLOW_SECRET_KEY for stray characters, and that this machine's clock is correct\)/);
  assert.ok(!p.output().includes('a-wrong-secret-key-123456') && !p.output().includes(TEST_KEYS.accessKey));
});
