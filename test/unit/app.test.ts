import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Logger } from '../../src/log/logger.js';
import { EstablishError } from '../../src/poller/poller.js';
import { demoFleet } from '../../src/simulator/fleet.js';
import delta2 from '../../src/simulator/payloads/delta2.json' with { type: 'json' };
import { VERSION } from '../../src/version.js';
import { samples, scrapeUntilPresent, startExporter, startPair, valueWith } from '../helpers/running-exporter.js';
import { realTime } from '../helpers/real-time.js';
import { SN, TEST_KEY_ENV, closedPort, eventually, startSimulator } from '../helpers/simulated-fleet.js';

type TestContext = import('node:test').TestContext;

/** The still fleet: a DELTA 2, a PowerStream and a Smart Plug online, a RIVER 2 offline. */
const ONLINE = [SN.delta2, SN.powerStream, SN.smartPlug];

/** One data point of an OTLP push: its attributes (strings) and value. */
interface PushedPoint {
  attributes: Record<string, string>;
  value: number;
}

/** One OTLP/HTTP JSON push, by metric name. */
type Push = Map<string, PushedPoint[]>;

/**
 * A minimal OTLP/HTTP JSON collector on loopback. `whileAnswering` runs before each answer, while
 * the exporter waits for it: what it sees is what was true during that push.
 */
async function otlpReceiver(t: TestContext, whileAnswering?: (push: Push) => Promise<void>) {
  const pushes: Push[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const push: Push = new Map();
    for (const rm of JSON.parse(body).resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          const points = push.get(m.name) ?? [];
          for (const dp of m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []) {
            const attributes = Object.fromEntries((dp.attributes ?? []).map((a: any) => [a.key, String(a.value.stringValue ?? a.value.intValue ?? '')]));
            points.push({ attributes, value: Number(dp.asDouble ?? dp.asInt) });
          }
          push.set(m.name, points);
        }
    pushes.push(push);
    await whileAnswering?.(push);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  };
  return { pushes, env };
}

/** True when something accepts TCP connections on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Timers and servers that keep the process alive (unref'd ones do not count). Sockets and file
 * requests are left out: the receiver's keep-alive connections and the test's own file calls
 * come and go.
 */
function keepingAlive(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'Timeout' || r === 'Immediate' || r === 'TCPServerWrap')
    .sort();
}

/** Folders made for state files. Removed once every test's own `after` hooks have stopped its app: a stop writes the state. */
const folders: string[] = [];
after(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A path for an energy state file in a fresh folder. */
async function newStateFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecoflow-app-test-'));
  folders.push(dir);
  return join(dir, 'energy-state.json');
}

/** `writtenAt` of the state file, as epoch ms; undefined while there is none. */
async function writtenAt(path: string): Promise<number | undefined> {
  if (!existsSync(path)) return undefined;
  return Date.parse((JSON.parse(await readFile(path, 'utf8')) as { writtenAt: string }).writtenAt);
}

/**
 * An App built as main.ts builds it, not started (startExporter starts it, and a start that
 * fails would leave the test without the app). Fast polling; REST only; no state file unless
 * the environment names one.
 */
function appFor(t: TestContext, env: NodeJS.ProcessEnv, args: string[] = [], onLog?: (line: Record<string, unknown>) => void) {
  const result = loadConfig({
    env: {
      EXPORTER_HOST: '127.0.0.1',
      COLLECTING_INTERVAL: '0.2',
      RETRY_TIMEOUT: '0.1',
      ESTABLISH_ATTEMPTS: '2',
      ECOFLOW_MQTT: 'off',
      ENERGY_STATE_FILE: '',
      ...env,
    },
    args,
  });
  if (result.kind !== 'config') throw new Error('expected a config');
  const logs: Array<Record<string, unknown>> = [];
  const logger = new Logger({
    level: 'debug',
    format: 'json',
    write: (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      logs.push(line);
      onLog?.(line);
    },
    repeatWindowMs: 0,
  });
  const app = new App({ config: result.config, logger });
  t.after(() => app.stop());
  return { app, config: result.config, logs };
}

test('start() serves /metrics with raw and unified gauges, energy counters, device_info and self-metrics of the fleet', async (t) => {
  const { exporter } = await startPair(t);
  // Polls are spread over the collecting interval: wait until every online device has been read.
  const text = await eventually(async () => {
    const body = await exporter.scrape();
    return valueWith(body, 'ecoflow_exporter_devices', { state: 'online' }) === ONLINE.length && body;
  }, 'every online device read');

  // Raw: the key as captured; unified: the family table's key in base units (percent × 0.01).
  assert.equal(valueWith(text, 'ecoflow_pd_soc', { device: SN.delta2 }), delta2['pd.soc']);
  const soc = valueWith(text, 'ecoflow_battery_soc_ratio', { device: SN.delta2 })!;
  assert.ok(Math.abs(soc - delta2['bms_emsStatus.f32LcdShowSoc'] * 0.01) < 1e-9, `battery_soc_ratio ${soc}`);
  assert.equal(valueWith(text, 'ecoflow_device_info', { device: SN.delta2, family: 'delta2' }), 1);
  // The energy ledger is wired: counters of the DELTA 2 are exported, none negative.
  const energy = samples(text, 'ecoflow_output_energy_joules_total').filter((l) => l.includes(SN.delta2));
  assert.equal(energy.length, 1, 'output energy of the DELTA 2');
  assert.ok(Number(energy[0]!.split(' ').at(-1)) >= 0);

  // Self-metrics read the same snapshot the poller writes: three online devices, one offline.
  assert.equal(valueWith(text, 'ecoflow_exporter_devices', { state: 'offline' }), 1);
  assert.equal(valueWith(text, 'ecoflow_exporter_devices', { state: 'stale' }), 0);
  assert.equal(valueWith(text, 'ecoflow_exporter_build_info', { version: VERSION }), 1);
  assert.ok(valueWith(text, 'ecoflow_exporter_api_requests_total', { endpoint: 'device/list', outcome: 'success' })! >= 1);
  assert.equal(valueWith(text, 'ecoflow_exporter_circuit_breaker_state', { state: 'closed' }), 1);
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_state', { state: 'off' }), 1, 'ECOFLOW_MQTT=off');
  assert.equal(exporter.app.snapshot?.size, 4);

  // The same server answers the probes, and readiness follows the loaded device list.
  const base = `http://127.0.0.1:${exporter.config.exporter.port}`;
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
});

test('UNIFIED_METRICS=false exports the raw gauges only: no unified gauge, no energy counter, no device_info, no state file', async (t) => {
  const stateFile = await newStateFile();
  const { exporter } = await startPair(t, { UNIFIED_METRICS: 'false', ENERGY_STATE_FILE: stateFile });
  // The plug is read last (polls are spread over the interval): every device has been read.
  const text = await scrapeUntilPresent(exporter, 'ecoflow_2_1_watts', SN.smartPlug);
  assert.equal(valueWith(text, 'ecoflow_pd_soc', { device: SN.delta2 }), delta2['pd.soc']);
  assert.deepEqual(samples(text, 'ecoflow_battery_soc_ratio'), []);
  assert.deepEqual(samples(text, 'ecoflow_device_info'), []);
  assert.doesNotMatch(text, /_joules_total/);
  assert.equal(valueWith(text, 'ecoflow_exporter_build_info', { version: VERSION }), 1, 'self-metrics stay');
  // Without energy counters there is nothing to keep: the ledger and its state file never start.
  await exporter.stop();
  assert.equal(existsSync(stateFile), false);
});

test('EXPORTER_PORT=0 serves no endpoint and the device and self-metrics go out by OTLP', async (t) => {
  const receiver = await otlpReceiver(t);
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const exporter = await startExporter(simulator, { EXPORTER_PORT: '0', ...receiver.env, OTEL_METRIC_EXPORT_INTERVAL: '200' });
  t.after(() => exporter.stop());
  assert.ok(!exporter.logs.some((l) => l.includes('"serving metrics"')), 'no server was started');

  const push = await eventually(() => receiver.pushes.find((p) => p.get('ecoflow_pd_soc')?.length), 'a push with the DELTA 2');
  assert.deepEqual(
    push.get('ecoflow_pd_soc')!.map((p) => [p.attributes.device, p.value]),
    [[SN.delta2, delta2['pd.soc']]],
  );
  assert.deepEqual(
    push.get('ecoflow_exporter_build_info')!.map((p) => [p.attributes.version, p.value]),
    [[VERSION, 1]],
  );
});

test('stop() stops the sources first, then writes the energy state and pushes a last time, and closes the server last', async (t) => {
  const stateFile = await newStateFile();
  let stopBegan = 0;
  const duringFinalPush: { requests?: number; requestsAfterWait?: number; stateWrittenAt?: number; serverOpen?: boolean } = {};
  let port = 0;
  let requests = () => 0;
  // Observed from inside the last push, while stop() waits for its answer. The request count is
  // pinned there rather than when stop() begins: a request already on the wire then reaches
  // the simulator a moment later, without being a request made after the stop.
  const receiver = await otlpReceiver(t, async () => {
    duringFinalPush.requests = requests();
    duringFinalPush.stateWrittenAt = await writtenAt(stateFile);
    duringFinalPush.serverOpen = await accepts(port);
    // Three collecting intervals: a poller still running would ask the simulator meanwhile.
    await realTime(700);
    duringFinalPush.requestsAfterWait = requests();
  });
  // One push a minute: within the test, the only push is the one stop() makes.
  const { simulator, exporter } = await startPair(t, { ENERGY_STATE_FILE: stateFile, ...receiver.env, OTEL_METRIC_EXPORT_INTERVAL: '60000' });
  port = exporter.config.exporter.port;
  requests = () => simulator.requestCount();
  await scrapeUntilPresent(exporter, 'ecoflow_pd_soc', SN.delta2);
  // The premise: polls go on every 200 ms, so a source left running would be seen.
  const before = simulator.requestCount('quota/all');
  await realTime(600);
  assert.ok(simulator.requestCount('quota/all') >= before + 2, 'quota polls under way');

  stopBegan = Date.now();
  await exporter.stop();

  assert.equal(receiver.pushes.length, 1, 'one push, at stop');
  assert.ok(receiver.pushes[0]!.get('ecoflow_pd_soc')?.length, 'the last push carries the device metrics');
  assert.equal(duringFinalPush.requestsAfterWait, duringFinalPush.requests, 'no API request while the last push was under way');
  assert.ok(
    duringFinalPush.stateWrittenAt !== undefined && duringFinalPush.stateWrittenAt >= stopBegan,
    'the state was written during stop(), before the last push',
  );
  assert.equal(duringFinalPush.serverOpen, true, 'the server still listened during the last push');
  assert.equal(await accepts(port), false, 'the server is closed once stop() resolves');
  await realTime(600);
  assert.equal(simulator.requestCount(), duringFinalPush.requests, 'no API request after stop()');
});

test('stop() twice: the second call resolves and neither writes the state nor pushes again', async (t) => {
  const stateFile = await newStateFile();
  const receiver = await otlpReceiver(t);
  const { exporter } = await startPair(t, { ENERGY_STATE_FILE: stateFile, ...receiver.env, OTEL_METRIC_EXPORT_INTERVAL: '60000' });
  await scrapeUntilPresent(exporter, 'ecoflow_pd_soc', SN.delta2);
  await exporter.stop();
  const written = await writtenAt(stateFile);
  assert.ok(written !== undefined);
  assert.equal(receiver.pushes.length, 1);

  // Another stop would write a newer writtenAt: let the clock move first.
  await realTime(20);
  await exporter.stop();
  assert.equal(await writtenAt(stateFile), written);
  assert.equal(receiver.pushes.length, 1);
});

test('start() twice starts once: no second device list, no second server on the port', async (t) => {
  // A device list a minute: any further list request would come from a second poller.
  const { simulator, exporter } = await startPair(t, { DEVICE_LIST_INTERVAL: '60' });
  const lists = simulator.requestCount('device/list');
  assert.equal(lists, 1);
  await exporter.app.start();
  assert.equal(simulator.requestCount('device/list'), lists);
  assert.equal(await accepts(exporter.config.exporter.port), true);
  await scrapeUntilPresent(exporter, 'ecoflow_pd_soc', SN.delta2);
});

test('start() called again while the first is under way waits for it: each caller finds the app running', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const port = await closedPort();
  const { app } = appFor(t, { ...TEST_KEY_ENV, ECOFLOW_API_HOST: simulator.url, EXPORTER_PORT: String(port) });
  t.after(() => app.stop());
  const listening = await Promise.all([app.start().then(() => accepts(port)), app.start().then(() => accepts(port))]);
  assert.deepEqual(listening, [true, true]);
  assert.equal(simulator.requestCount('device/list'), 1);
});

test('a start that fails half-way (the port in use) rejects saying so, and leaves nothing running: no push, no state write, no new active handle', async (t) => {
  const blocker = createTcpServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  t.after(() => blocker.close());
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const stateFile = await newStateFile();
  const receiver = await otlpReceiver(t);
  // By the time the server is started, the telemetry, self-metrics, energy ledger and its state file are running.
  const { app } = appFor(t, {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_PORT: String((blocker.address() as AddressInfo).port),
    ENERGY_STATE_FILE: stateFile,
    ENERGY_STATE_INTERVAL: '1',
    ...receiver.env,
    OTEL_METRIC_EXPORT_INTERVAL: '100',
  });
  const resources = keepingAlive();

  await assert.rejects(app.start(), /is already in use; choose another port with EXPORTER_PORT/);
  assert.ok(existsSync(stateFile), 'the energy state was written: the ledger had started');
  const pushes = receiver.pushes.length;
  await rm(stateFile);
  // Fifteen push intervals and more than one state interval: a part left running would show.
  await realTime(1_500);
  assert.equal(receiver.pushes.length, pushes, 'no OTLP push after the failed start');
  assert.equal(existsSync(stateFile), false, 'no state write after the failed start');
  assert.equal(simulator.requestCount(), 0, 'the poller never started');
  // Nothing the start made keeps the process alive (the test file finishing shows it too).
  assert.deepEqual(keepingAlive(), resources);
});

test('a start that fails after the server listens (keys refused, 8513) rejects and closes the port, and asks the API nothing more', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const port = await closedPort();
  const { app } = appFor(t, {
    ECOFLOW_ACCESS_KEY: 'an-unknown-access-key',
    ECOFLOW_SECRET_KEY: 'an-unknown-secret-key',
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_PORT: String(port),
  });
  await assert.rejects(app.start(), (err) => err instanceof EstablishError && /8513|accessKey/.test(err.message));
  // The server came up before the device list was asked for: it is closed again.
  assert.equal(await accepts(port), false);
  const requests = simulator.requestCount();
  assert.equal(requests, 1, 'one device list, refused at once');
  await realTime(600);
  assert.equal(simulator.requestCount(), requests);
});

test('demo mode (--demo) runs against its own built-in cloud with no keys, no state file, and stops that cloud with the rest', async (t) => {
  const port = await closedPort();
  // A home folder where `auto` would put the state file, were it not demo mode.
  const home = dirname(await newStateFile());
  // No keys and no API host: only the demo cloud can answer.
  const { app, config, logs } = appFor(t, { EXPORTER_PORT: String(port), ENERGY_STATE_FILE: 'auto', HOME: home }, ['--demo']);
  assert.equal(config.demo, true);
  assert.equal(config.ecoflow.accessKey, '');
  await app.start();
  const text = await eventually(async () => {
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return valueWith(body, 'ecoflow_pd_soc', { device: SN.delta2 }) !== undefined && body;
  }, 'the demo DELTA 2 read');
  assert.equal(samples(text, 'ecoflow_online').length, demoFleet().length, 'every demo device is listed');
  assert.equal(app.snapshot?.size, demoFleet().length);

  // ENERGY_STATE_FILE=auto keeps nothing in demo mode, and the log says why.
  assert.ok(logs.some((l) => String(l.msg).startsWith('no energy state file') && l.why === 'demo mode'));
  const cloud = logs.find((l) => l.msg === 'demo mode: the built-in EcoFlow cloud simulator');
  const cloudPort = Number(new URL(String(cloud?.api_host)).port);
  assert.equal(await accepts(cloudPort), true);
  await app.stop();
  assert.equal(await accepts(cloudPort), false, 'the demo cloud stops with the app');
});

test("demo mode with the stream on (ECOFLOW_MQTT=auto) starts with the stream connected to the demo cloud's own broker", async (t) => {
  const port = await closedPort();
  const { app } = appFor(t, { EXPORTER_PORT: String(port), ECOFLOW_MQTT: 'auto' }, ['--demo']);
  // start() resolves once the stream has started: it is connected by then.
  await app.start();
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_state', { state: 'connected' }), 1);
  assert.equal(valueWith(text, 'ecoflow_exporter_stream_connects_total'), 1);
});

test('stop() called while start() is under way leaves nothing running', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const port = await closedPort();
  let stopping: Promise<void> | undefined;
  // stop() begins at the line start() logs before it builds the energy ledger, as a SIGTERM during start-up would.
  const { app } = appFor(t, { ...TEST_KEY_ENV, ECOFLOW_API_HOST: simulator.url, EXPORTER_PORT: String(port) }, [], (line) => {
    if (!stopping && String(line.msg).startsWith('no energy state file')) stopping = app.stop();
  });
  await app.start().catch(() => undefined);
  await stopping;
  assert.equal(await accepts(port), false, 'no server left listening');
  const requests = simulator.requestCount();
  await realTime(600);
  assert.equal(simulator.requestCount(), requests, 'no poller left polling');
});
