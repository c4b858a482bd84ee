import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SN, TEST_KEY_ENV, closedPort, eventually, startSimulator } from '../helpers/simulated-fleet.js';
import { NODE_FLAGS, spawnAgainst, spawnExporter, withDeadline } from '../helpers/exporter-process.js';
import { realTime } from '../helpers/real-time.js';
import { readFileSync } from 'node:fs';
import { demoFleet } from '../../src/simulator/fleet.js';

test('start-up with bad keys exits non-zero with a clear message and no secret', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const secret = 'a-secret-that-must-not-leak';
  const p = spawnExporter([], {
    ECOFLOW_ACCESS_KEY: 'an-unknown-access-key',
    ECOFLOW_SECRET_KEY: secret,
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_PORT: '0',
  });
  const code = await withDeadline(p.exited, 10_000, 'exit');
  assert.equal(code, 1);
  assert.match(p.output(), /cannot start: EcoFlow API error 8513 on device\/list: accessKey is invalid/);
  assert.match(p.output(), /ECOFLOW_API_HOST is the region the key belongs to/);
  assert.ok(!p.output().includes(secret) && !p.output().includes('an-unknown-access-key'), p.output());
});

test('a port already in use: exit 1 saying which and how to choose another', async (t) => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  t.after(() => blocker.close());
  const port = (blocker.address() as import('node:net').AddressInfo).port;
  const p = spawnExporter(['--demo', '--port', String(port), '--host', '127.0.0.1'], {});
  assert.equal(await withDeadline(p.exited, 15_000, 'exit'), 1);
  assert.match(p.output(), new RegExp(`127\\.0\\.0\\.1:${port} is already in use; choose another port with EXPORTER_PORT or --port`));
});

test('start-up against an unreachable host retries ESTABLISH_ATTEMPTS times, then exits non-zero', async () => {
  const p = spawnExporter([], {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: `http://127.0.0.1:${await closedPort()}`,
    EXPORTER_PORT: '0',
    ESTABLISH_ATTEMPTS: '3',
    RETRY_TIMEOUT: '0.2',
  });
  assert.equal(await withDeadline(p.exited, 10_000, 'exit'), 1);
  assert.equal(p.output().match(/device list failed, retrying/g)?.length, 2);
  assert.match(p.output(), /the device list failed 3 time\(s\); last error: EcoFlow API unreachable on device\/list: ECONNREFUSED/);
});

test('invalid configuration exits with status 2 and one line per problem', async () => {
  const p = spawnExporter([], { ECOFLOW_SECRET_KEY: 'x y', EXPORTER_PORT: 'ninety' });
  assert.equal(await withDeadline(p.exited, 10_000, 'exit'), 2);
  const lines = p.output().trim().split('\n');
  assert.equal(lines.length, 3, p.output());
  assert.match(lines[0]!, /^config error: ECOFLOW_SECRET_KEY: contains white space/);
  assert.match(lines[1]!, /^config error: EXPORTER_PORT \/ --port: /);
  assert.match(lines[2]!, /^config error: ECOFLOW_ACCESS_KEY is required/);
  assert.ok(!p.output().includes('x y'));
});

test('--help prints the options and no secret from the environment', async () => {
  const p = spawnExporter(['--help'], { ECOFLOW_SECRET_KEY: 'secret-value-123456', ECOFLOW_ACCESS_KEY: 'access-value-123456' });
  assert.equal(await withDeadline(p.exited, 10_000, 'exit'), 0);
  assert.match(p.output(), /COLLECTING_INTERVAL, --collecting-interval/);
  assert.ok(!p.output().includes('secret-value-123456') && !p.output().includes('access-value-123456'));
});

test('SIGTERM stops a running exporter with status 0 within a few seconds', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const p = await spawnAgainst(t, simulator.url);
  await eventually(async () => {
    const res = await fetch(p.metricsUrl);
    return (await res.text()).includes(`ecoflow_pd_soc{device="${SN.delta2}"`);
  }, 'metrics served');
  const started = Date.now();
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit after SIGTERM'), 0);
  assert.ok(Date.now() - started < 5_000);
  assert.match(p.output(), /"msg":"stopped"/);
});

test('demo mode serves live metrics without keys', async (t) => {
  const port = await closedPort();
  const p = spawnExporter(['--demo', '--port', String(port), '--host', '127.0.0.1'], {});
  t.after(() => p.child.kill('SIGKILL'));
  const text = await eventually(
    async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return body.includes('ecoflow_2_1_watts{') && body.includes('ecoflow_20_1_pv1_input_watts{') && body.includes('ecoflow_pd_soc{') && body;
    },
    'demo metrics',
    15_000,
  );
  assert.match(text, /ecoflow_online\{device="R621ZEB5XE7K0003",device_name="RIVER 2-1003",product_name="RIVER 2"\} 0/);
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit'), 0);
});

/** The start-up line of each process image the log shows. */
const startLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.includes('"msg":"starting ecoflow-exporter"'))
    .map((l) => JSON.parse(l) as { young_generation: string; heap_growth: string });
/** The young generation of each start. */
const starts = (output: string) => startLines(output).map((l) => l.young_generation);
/** The old generation's growth of each start. */
const heapGrowths = (output: string) => startLines(output).map((l) => l.heap_growth);

/** The demo exporter (stream off) with `env`, once it serves the demo fleet's values. */
async function demoServing(t: import('node:test').TestContext, env: NodeJS.ProcessEnv, flags?: readonly string[]) {
  const port = await closedPort();
  const p = spawnExporter(['--demo', '--port', String(port), '--host', '127.0.0.1'], { ECOFLOW_MQTT: 'off', ...env }, flags);
  t.after(() => p.child.kill('SIGKILL'));
  const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await eventually(async () => (await metrics().catch(() => '')).includes('ecoflow_pd_soc{'), 'metrics', 20_000);
  return { p, metrics };
}

/** The options of a running process, as the kernel has them. */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

test("started as plain `node dist/src/main.js`, as `npm start` and the image start it, the exporter runs with a small fleet's memory settings, in the same process", async (t) => {
  assert.deepEqual(NODE_FLAGS, [], '`npm start` gives no option: the exporter sets its own');
  const { p } = await demoServing(t, {});
  assert.deepEqual(starts(p.output()), ['small'], 'one start is logged: the restart came before anything ran');
  assert.deepEqual(heapGrowths(p.output()), ['30 %']);
  const line = commandLine(p.child.pid!);
  assert.ok(line.includes('--max-semi-space-size=2') && line.includes('--heap-growing-percent=30'), line.join(' '));
  assert.equal(p.child.exitCode, null, 'the same process, still running');
});

test('a young generation the user gives, on the command line or in NODE_OPTIONS, is kept', async (t) => {
  const { p } = await demoServing(t, { NODE_OPTIONS: '--max-semi-space-size=8' });
  assert.deepEqual(starts(p.output()), ['8 MB']);
  assert.ok(!commandLine(p.child.pid!).some((a) => a.startsWith('--max-semi-space-size') || a.startsWith('--heap-growing-percent')), 'no restart added one');
});

test('a heap growth the user gives on the command line is kept, and the exporter adds no young generation', async (t) => {
  // The demo fleet has more than 5 devices: large from 5, and still no restart.
  const { p } = await demoServing(t, { LARGE_FLEET_DEVICES: '5' }, ['--heap-growing-percent=80']);
  await new Promise((r) => setTimeout(r, 3_000));
  assert.deepEqual(starts(p.output()), ['default']);
  assert.deepEqual(heapGrowths(p.output()), ['80 %']);
  assert.ok(!p.output().includes('a large fleet: restarting once'));
  const line = commandLine(p.child.pid!);
  assert.ok(line.includes('--heap-growing-percent=80') && !line.some((a) => a.startsWith('--max-semi-space-size')), line.join(' '));
});

test("a user's young generation of the exporter's own small size is kept for a large fleet too", async (t) => {
  // The demo fleet has more than 5 devices: large from 5.
  const { p } = await demoServing(t, { NODE_OPTIONS: '--max-semi-space-size=2', LARGE_FLEET_DEVICES: '5' });
  // The decision comes as start-up ends, about when the first values are served: give it time to be wrong.
  await new Promise((r) => setTimeout(r, 3_000));
  assert.deepEqual(starts(p.output()), ['small']);
  assert.ok(!p.output().includes('a large fleet: restarting once'));
  assert.ok(!commandLine(p.child.pid!).some((a) => a.startsWith('--max-semi-space-size')), 'no restart added one');
});

test("a large fleet: the exporter restarts once more, in place, with Node's default memory settings; below the threshold it does not", async (t) => {
  const run = (largeFleetDevices: string) => demoServing(t, { LARGE_FLEET_DEVICES: largeFleetDevices });

  // The demo fleet has more than 5 devices, and fewer than one more than itself.
  const large = await run('5');
  await eventually(() => starts(large.p.output()).length === 2, 'the second start', 20_000);
  await eventually(async () => (await large.metrics().catch(() => '')).includes('ecoflow_pd_soc{'), 'metrics after the restart', 20_000);
  assert.deepEqual(starts(large.p.output()), ['small', 'default']);
  assert.deepEqual(heapGrowths(large.p.output()), ['30 %', 'default']);
  const line = commandLine(large.p.child.pid!);
  assert.ok(line.includes('--max-semi-space-size=0') && !line.some((a) => a.startsWith('--heap-growing-percent')), line.join(' '));
  assert.equal(
    large.p
      .output()
      .split('\n')
      .filter((l) => l.includes('a large fleet: restarting once')).length,
    1,
  );
  assert.equal(large.p.child.exitCode, null, 'the same process, still running');

  const small = await run(String(demoFleet().length + 1));
  await realTime(1_000);
  assert.deepEqual(starts(small.p.output()), ['small']);
});
