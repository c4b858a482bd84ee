/**
 * Fleet figures (`npm run bench`): the real exporter process against the simulator with 1, 10,
 * 100 and 300 devices mixed from the demo models, scraped over HTTP by 1 and by 4 concurrent
 * scrapers, next to the straightforward path (straightforward-path.ts) on the same snapshot in
 * the same run, so every figure is also a ratio. Prints a table and writes
 * test/bench/results/fleet.json. Asserts nothing.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { producerMemory, createSnapshotGauges } from '../../src/metrics/create-snapshot-gauges.js';
import { DeviceModels } from '../../src/devices/device-models.js';
import { EnergyLedger } from '../../src/energy/energy-ledger.js';
import { FAMILIES } from '../../src/devices/families.js';
import { StalenessRule } from '../../src/snapshot/staleness.js';
import { nodeFlags, spawnExporter } from '../helpers/exporter-process.js';
import { closedPort, stillDemoFleet, TEST_KEYS } from '../helpers/simulated-fleet.js';
import { valueWith } from '../helpers/running-exporter.js';
import { StraightforwardPath } from './straightforward-path.js';
import { pythonExporterMissing, spawnPythonExporter } from './python-exporter.js';
import type { ChildProcess } from 'node:child_process';
import { VERSION } from '../../src/version.js';
import { SHARE_MS } from '../../src/export/prometheus-reader.js';

/** fleet.json: the figures docs/performance.md shows; another name keeps a comparison run apart (fleet-tables.ts). */
const RESULTS_FILE = process.env.BENCH_RESULTS ?? 'fleet.json';
const SIZES = (process.env.BENCH_SIZES ?? '1,10,100,300').split(',').map(Number);
const SCRAPES = Number(process.env.BENCH_FLEET_SCRAPES ?? 200);
/** Seconds the compressed hour takes (BENCH_HOUR_S=0 leaves it out). */
const HOUR_S = Number(process.env.BENCH_HOUR_S ?? 60);
/** Between paced scrapes: longer than a finished body is shared with later scrapes. */
const PACE_MS = SHARE_MS + 50;
const RESULTS = fileURLToPath(new URL('../../../test/bench/results/', import.meta.url));

function fleetOf(n: number): SimulatedDevice[] {
  const models = stillDemoFleet().filter((d) => d.online && !d.restricted);
  return Array.from({ length: n }, (_, i) => {
    const model = models[i % models.length]!;
    return { ...structuredClone(model), sn: `${model.sn.slice(0, 6)}FLEET${String(i).padStart(5, '0')}`, deviceName: `${model.deviceName} ${i}` };
  });
}

/** One GET; the body length as sent (compressed when asked). */
function get(url: string, gzip = false): Promise<{ ms: number; bytes: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ ms: performance.now() - started, bytes: body.length, text: gzip ? '' : body.toString() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function measure(n: number) {
  const fleet = fleetOf(n);
  const pollMs = pollProcessingMs(fleet);
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  const api = await simulator.start(0, '127.0.0.1');
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const started = performance.now();
  const exporter = spawnExporter([], benchEnv(api, port));
  try {
    // Complete: every device read (its last-update series is there).
    let startupMs = 0;
    for (;;) {
      const r = await get(url).catch(() => undefined);
      if (r && (r.text.match(/^ecoflow_last_update_timestamp_seconds\{/gm)?.length ?? 0) === n) {
        startupMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // The straightforward path over the same values, here in the bench process.
    const snapshot = new QuotaSnapshot();
    snapshot.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
    for (const d of fleet) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
    const baseline = new StraightforwardPath(snapshot);
    await baseline.render();
    const base: number[] = [];
    for (let i = 0; i < Math.min(SCRAPES, 50); i++) base.push((await baseline.render()).ms);
    await baseline.shutdown();
    const b = sorted(base);

    // Scrapes spaced as independent scrapers' are (a scrape that comes right after another may
    // share its body): a pause of twice a straightforward collection between them, and longer
    // than a body is shared, so each paced scrape collects.
    const pause = () => new Promise((r) => setTimeout(r, Math.max(PACE_MS, 2 * pct(b, 0.5))));
    for (let i = 0; i < 5; i++) await get(url, true); // warm-up
    const single: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      await pause();
      single.push((await get(url, true)).ms);
    }
    // Four scrapers asking at the same moment, round after round.
    const four: number[] = [];
    for (let i = 0; i < SCRAPES / 4; i++) {
      await pause();
      four.push(...(await Promise.all([0, 1, 2, 3].map(async () => (await get(url, true)).ms))));
    }
    const plain = await get(url);
    const zipped = await get(url, true);
    const series = plain.text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const rss = rssMb(exporter.child.pid!);
    const heap = (valueWith(plain.text, 'ecoflow_exporter_heap_used_bytes') ?? 0) / 1024 / 1024;

    const s1 = sorted(single);
    const s4 = sorted(four);
    return {
      devices: n,
      series,
      startup_ms: Math.round(startupMs),
      scrape_p50_ms: round(pct(s1, 0.5)),
      scrape_p99_ms: round(pct(s1, 0.99)),
      scrape_4_p50_ms: round(pct(s4, 0.5)),
      scrape_4_p99_ms: round(pct(s4, 0.99)),
      straightforward_p50_ms: round(pct(b, 0.5)),
      ratio_p50: round(pct(s1, 0.5) / pct(b, 0.5), 2),
      ratio_4_vs_1: round(pct(s4, 0.5) / pct(s1, 0.5), 2),
      body_kb: Math.round(plain.bytes / 1024),
      body_gzip_kb: Math.round(zipped.bytes / 1024),
      rss_mb: round(rss, 1),
      heap_mb: round(heap, 1),
      poll_processing_ms: round(pollMs, 2),
    };
  } finally {
    exporter.child.kill('SIGKILL');
    await exporter.exited;
    await simulator.stop();
  }
}

/**
 * Poll processing, here in the bench process: a device's quota payload as text → parsed →
 * snapshot → its series derived again, averaged over the fleet's mix of models.
 */
function pollProcessingMs(fleet: SimulatedDevice[]): number {
  const snapshot = new QuotaSnapshot();
  const provider = new MeterProvider();
  // One record of the devices' models for the gauges and the energy ledger, as App wires them.
  const models = new DeviceModels({ families: FAMILIES });
  const instruments = createSnapshotGauges({ meter: provider.getMeter('bench'), snapshot, prefix: 'ecoflow', memory: producerMemory(models) });
  instruments.start();
  // What a poll feeds besides the gauges: the energy counters.
  const energy = new EnergyLedger({ snapshot, models, staleness: new StalenessRule({ staleAfterMs: 60_000 }) });
  energy.start();
  snapshot.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
  const texts = fleet.map((d) => JSON.stringify({ code: '0', message: 'Success', data: d.quotas }));
  const poll = (i: number) => snapshot.replaceQuotas(fleet[i]!.sn, (JSON.parse(texts[i]!) as { data: Record<string, unknown> }).data, Date.now());
  for (let i = 0; i < fleet.length; i++) poll(i); // the first derivation also creates the gauges
  const rounds = Math.max(3, Math.ceil(2_000 / fleet.length));
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < fleet.length; i++) poll(i);
  const ms = (performance.now() - started) / (rounds * fleet.length);
  instruments.stop();
  energy.stop();
  return ms;
}

/**
 * An hour of the default intervals (polls every 10 s, device list every 30 s) compressed into
 * HOUR_S seconds, with churn every compressed 5 minutes: a tenth of the devices replaced by new
 * ones, and on another tenth a key gone and a new one come. Scraped every second. RSS and heap
 * of the process after the first 10 compressed minutes and after the hour: with churn they
 * must stay flat.
 */
async function compressedHour(n: number) {
  const scale = HOUR_S / 3600;
  const fleet = fleetOf(n);
  const models = fleetOf(10);
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  const api = await simulator.start(0, '127.0.0.1');
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const exporter = spawnExporter([], {
    ...benchEnv(api, port),
    COLLECTING_INTERVAL: String(10 * scale),
    DEVICE_LIST_INTERVAL: String(30 * scale),
    // Values are seconds old at most; the compressed clock must not call them stale.
    DATA_STALE_AFTER: '3600',
  });
  try {
    let text = '';
    for (;;) {
      text = (await get(url).catch(() => undefined))?.text ?? '';
      if ((text.match(/^ecoflow_last_update_timestamp_seconds\{/gm)?.length ?? 0) === n) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Scrapes ask for gzip, as Prometheus does; a plain one is read for the heap figure.
    const heapOf = (t: string) => (valueWith(t, 'ecoflow_exporter_heap_used_bytes') ?? 0) / 1024 / 1024;
    const requestsBefore = simulator.requestCount('all');
    const live = new Set(fleet.map((d) => d.sn));
    let round = 0;
    const churnEvery = 300 * scale * 1000;
    const started = performance.now();
    const until = started + HOUR_S * 1000;
    let nextChurn = started + churnEvery;
    // Warm: after the first compressed 10 minutes under the same load and churn.
    let warm: { rss: number; heap: number } | undefined;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      await get(url, true);
      if (!warm && performance.now() - started >= (HOUR_S * 1000) / 6) warm = { rss: rssMb(exporter.child.pid!), heap: heapOf((await get(url)).text) };
      if (performance.now() < nextChurn) continue;
      nextChurn += churnEvery;
      round++;
      const sns = [...live];
      const tenth = Math.max(1, Math.round(n / 10));
      for (let i = 0; i < tenth; i++) {
        const gone = sns[(round * tenth + i) % sns.length]!;
        if (!live.delete(gone)) continue;
        simulator.removeDevice(gone);
        const model = models[(round + i) % models.length]!;
        const sn = `${model.sn.slice(0, 6)}C${String(round).padStart(3, '0')}${String(i).padStart(4, '0')}`;
        simulator.addDevice({ ...model, sn, deviceName: `${model.deviceName} churn ${round}.${i}` });
        live.add(sn);
      }
      for (const sn of [...live].slice(0, tenth)) {
        const keys = Object.keys(simulator.device(sn).quotas).filter((k) => typeof simulator.device(sn).quotas[k] === 'number');
        if (keys.length > 0) simulator.removeQuota(sn, keys[round % keys.length]!);
        simulator.setQuota(sn, `churn.key${round}`, round);
      }
    }
    text = (await get(url)).text;
    return {
      devices: n,
      hour_s: HOUR_S,
      churn_rounds: round,
      rss_warm_mb: round1(warm!.rss),
      heap_warm_mb: round1(warm!.heap),
      rss_after_hour_mb: round1(rssMb(exporter.child.pid!)),
      heap_after_hour_mb: round1(heapOf(text)),
      renewals: valueWith(text, 'ecoflow_exporter_instrument_renewals_total') ?? 0,
      api_calls_per_device_hour: Math.round((simulator.requestCount('all') - requestsBefore) / n),
    };
  } finally {
    exporter.child.kill('SIGKILL');
    await exporter.exited;
    await simulator.stop();
  }
}

const TEST_KEYS_ENV = { ECOFLOW_ACCESS_KEY: TEST_KEYS.accessKey, ECOFLOW_SECRET_KEY: TEST_KEYS.secretKey };
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const round1 = (x: number) => round(x, 1);

/**
 * One device, ours and the Python exporter's, measured alike in one run: start to the first
 * complete /metrics, one scraper's p50/p99 (paced), then 30 s of four scrapers back to back
 * and the RSS after it.
 */
async function sideBySide() {
  const [device] = fleetOf(1);
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: [device!] });
  const api = await simulator.start(0, '127.0.0.1');
  const missing = pythonExporterMissing();
  const contenders: Array<{ name: string; start: (port: number) => ChildProcess }> = [
    {
      name: 'ecoflow-exporter',
      start: (port) =>
        spawnExporter([], {
          ...TEST_KEYS_ENV,
          ECOFLOW_API_HOST: api,
          EXPORTER_HOST: '127.0.0.1',
          EXPORTER_PORT: String(port),
          ECOFLOW_DEVICE_SN: device!.sn,
          ECOFLOW_MQTT: 'off',
          LOG_LEVEL: 'warn',
          ...passThrough(),
        }).child,
    },
  ];
  if (!missing) contenders.push({ name: 'ecoflow_prometheus.py', start: (port) => spawnPythonExporter({ apiUrl: api, sn: device!.sn, port, ...TEST_KEYS }) });
  const results = [];
  for (const c of contenders) {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const started = performance.now();
    const child = c.start(port);
    try {
      let startupMs = 0;
      for (;;) {
        const r = await get(url).catch(() => undefined);
        if (r && /^ecoflow_pd_soc\{/m.test(r.text)) {
          startupMs = performance.now() - started;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const one: number[] = [];
      for (let i = 0; i < SCRAPES; i++) {
        await new Promise((r) => setTimeout(r, PACE_MS));
        one.push((await get(url, true)).ms);
      }
      const until = performance.now() + 30_000;
      let scrapes = 0;
      await Promise.all(
        [0, 1, 2, 3].map(async () => {
          while (performance.now() < until) {
            await get(url, true);
            scrapes++;
          }
        }),
      );
      const s1 = sorted(one);
      results.push({
        exporter: c.name,
        startup_ms: Math.round(startupMs),
        scrape_p50_ms: round(pct(s1, 0.5), 2),
        scrape_p99_ms: round(pct(s1, 0.99), 2),
        scrapes_in_30s_by_4: scrapes,
        rss_after_mb: round(rssMb(child.pid!), 1),
      });
    } finally {
      child.kill('SIGKILL');
    }
  }
  await simulator.stop();
  return { results, python: missing ?? 'ran' };
}

// BENCH_SIDE=0 leaves the one-device comparison out (when trying settings at fleet size).
const side = process.env.BENCH_SIDE === '0' ? { results: [], python: 'left out (BENCH_SIDE=0)' } : await sideBySide();
const rows = [];
for (const n of SIZES) rows.push(await measure(n));
const hours = [];
if (HOUR_S > 0) for (const n of SIZES) hours.push(await compressedHour(n));
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: Math.round(totalmem() / 1024 ** 3), node: process.version };
console.log('');
console.log(
  `fleet: the exporter process, scraped over HTTP (gzip), ${SCRAPES} scrapes per column; straightforward = PrometheusExporter + PrometheusSerializer in-process, same series`,
);
console.log('devices  series  start ms  p50 ms  p99 ms  4×p50  4×p99  straightforward p50  ratio  4×/1×  body kB  gzip kB  RSS MB  heap MB  poll ms');
for (const r of rows) {
  console.log(
    [
      r.devices,
      r.series,
      r.startup_ms,
      r.scrape_p50_ms,
      r.scrape_p99_ms,
      r.scrape_4_p50_ms,
      r.scrape_4_p99_ms,
      r.straightforward_p50_ms,
      r.ratio_p50,
      r.ratio_4_vs_1,
      r.body_kb,
      r.body_gzip_kb,
      r.rss_mb,
      r.heap_mb,
      r.poll_processing_ms,
    ]
      .map((v, i) => String(v).padStart([7, 7, 9, 7, 7, 6, 6, 20, 6, 6, 8, 8, 7, 8, 8][i]!))
      .join(' '),
  );
}
if (hours.length > 0) {
  console.log('');
  console.log(`compressed hour: 1 h of the default intervals in ${HOUR_S} s, a tenth of the devices replaced and a tenth with a key swapped every 5 min`);
  console.log('devices  churn rounds  RSS warm MB  RSS after MB  heap warm MB  heap after MB  renewals  API calls per device');
  for (const h of hours) {
    console.log(
      [h.devices, h.churn_rounds, h.rss_warm_mb, h.rss_after_hour_mb, h.heap_warm_mb, h.heap_after_hour_mb, h.renewals, h.api_calls_per_device_hour]
        .map((v, i) => String(v).padStart([7, 13, 12, 13, 13, 14, 9, 21][i]!))
        .join(' '),
    );
  }
}
console.log('');
console.log(`one device side by side (Python exporter: ${side.python})`);
console.log('exporter                start ms  p50 ms  p99 ms  scrapes in 30 s by 4  RSS after MB');
for (const r of side.results) {
  console.log(
    `${r.exporter.padEnd(22)} ${String(r.startup_ms).padStart(9)} ${String(r.scrape_p50_ms).padStart(7)} ${String(r.scrape_p99_ms).padStart(7)} ${String(r.scrapes_in_30s_by_4).padStart(21)} ${String(r.rss_after_mb).padStart(13)}`,
  );
}
mkdirSync(RESULTS, { recursive: true });
writeFileSync(
  `${RESULTS}${RESULTS_FILE}`,
  `${JSON.stringify({ version: VERSION, date: new Date().toISOString(), machine, node_flags: [...nodeFlags(), ...(process.env.EXPORTER_NODE_OPTIONS ? [`NODE_OPTIONS=${process.env.EXPORTER_NODE_OPTIONS}`] : [])].join(' '), one_device: side, rows, compressed_hour: hours }, null, 2)}\n`,
);
console.log(`\nwritten: test/bench/results/${RESULTS_FILE} (${machine.cores} × ${machine.cpu}, Node ${machine.node})`);
process.exit(0);

/**
 * Memory and V8 settings to try on the exporter alone, from the bench's environment:
 * MALLOC_ARENA_MAX, and EXPORTER_NODE_OPTIONS as its NODE_OPTIONS (the bench's own NODE_OPTIONS
 * would also change the straightforward path it compares with).
 */
/** The exporter against the bench's simulator on `port`, REST only, quiet; the settings tried passed through. */
function benchEnv(api: string, port: number): NodeJS.ProcessEnv {
  return {
    ...TEST_KEYS_ENV,
    ECOFLOW_API_HOST: api,
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_PORT: String(port),
    ECOFLOW_MQTT: 'off',
    LOG_LEVEL: 'warn',
    ...passThrough(),
  };
}

function passThrough(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.env.MALLOC_ARENA_MAX) env.MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX;
  if (process.env.EXPORTER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.EXPORTER_NODE_OPTIONS;
  // 0 keeps the small-fleet option at any size, to measure what it costs there.
  if (process.env.LARGE_FLEET_DEVICES) env.LARGE_FLEET_DEVICES = process.env.LARGE_FLEET_DEVICES;
  return env;
}
