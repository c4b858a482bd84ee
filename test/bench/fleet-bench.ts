/**
 * Fleet figures (`npm run bench`, issue 21): the real exporter process against the simulator with
 * 1, 100 and 300 devices (BENCH_SIZES) mixed from the demo models, scraped over HTTP by 1 and by 4
 * concurrent scrapers, with its default settings and with RAW_METRICS=false. Beside it, in the
 * same run and with the Node options the exporter runs with (read from its process): the
 * straightforward path (straightforward-path.ts) on the same series as a process of its own,
 * scraped alike; the floor (Node with the OpenTelemetry API and SDK loaded); the Python exporter
 * at one device; the hostile payload (hostile-payload.ts); the compressed hour (at 100 devices).
 * About a quarter of an hour on 2 cores. Prints the figures side by side and the targets of
 * issue 21 judged on them (bench-targets.ts), and writes test/bench/results/fleet.json (or
 * BENCH_RESULTS: a name in that folder, or a path). Asserts nothing.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { NODE_FLAGS, nodeFlags, spawnExporter } from '../helpers/exporter-process.js';
import { closedPort, TEST_KEYS } from '../helpers/simulated-fleet.js';
import { valueWith } from '../helpers/running-exporter.js';
import { pythonExporterMissing, spawnPythonExporter } from './python-exporter.js';
import { VERSION } from '../../src/version.js';
import { SHARE_MS } from '../../src/export/prometheus-reader.js';
import { fleetOf } from './bench-fleet.js';
import { describeNodeOptions, exporterEnv, nodeOptionsOf, rssMb, settledRssMb, spawnBenchScript } from './bench-process.js';
import { FLOOR_STAGES, type FloorStage } from './floor-stages.js';
import { get, NotServing, pct, scrapeLoad, sleep, sorted, untilServing } from './scrape-load.js';
import { HOSTILE_KEYS, hostilePayload, type HostileFigures } from './hostile-payload.js';
import { judgeTargets, targetLines } from './bench-targets.js';

/** fleet.json: the figures docs/performance.md shows; another name keeps a comparison run apart (fleet-tables.ts). */
const RESULTS_FILE = process.env.BENCH_RESULTS ?? 'fleet.json';
const SIZES = (process.env.BENCH_SIZES ?? '1,100,300').split(',').map(Number);
/**
 * Scrapes per column: BENCH_FLEET_SCRAPES at every size, else 200 up to 10 devices, 100 up to
 * 100 and 50 beyond (a paced scrape takes half a second to over a second there, and no target
 * reads a p99 above one device): the default run stays near a quarter of an hour.
 */
const scrapesAt = (n: number) => Number(process.env.BENCH_FLEET_SCRAPES ?? (n <= 10 ? 200 : n <= 100 ? 100 : 50));
/** Seconds the compressed hour takes (BENCH_HOUR_S=0 leaves it out), and at which sizes (BENCH_HOUR_SIZES, default 100). */
const HOUR_S = Number(process.env.BENCH_HOUR_S ?? 60);
const HOUR_SIZES = (process.env.BENCH_HOUR_SIZES ?? '100').split(',').map(Number);
/** Between paced scrapes: longer than a finished body is shared with later scrapes. */
const PACE_MS = SHARE_MS + 50;
const RESULTS = fileURLToPath(new URL('../../../test/bench/results/', import.meta.url));
/** A raw quota metric of every bench fleet (its first device is a DELTA 2): shown only while raw metrics are on. */
const RAW_SAMPLE = /^ecoflow_pd_soc\{/m;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const round1 = (x: number) => round(x, 1);
const complete = (n: number) => (text: string) => (text.match(/^ecoflow_last_update_timestamp_seconds\{/gm)?.length ?? 0) === n;
const countSeries = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#')).length;

type NodeOptions = ReturnType<typeof nodeOptionsOf>;

/**
 * The Node options the exporter runs with at `n` devices, as it runs them (it may start itself
 * again with others, node-options.ts): a start against its own simulator, read from /proc once
 * its output is complete.
 */
async function exporterNodeOptions(n: number): Promise<NodeOptions> {
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleetOf(n) });
  const api = await simulator.start(0, '127.0.0.1');
  const port = await closedPort();
  const exporter = spawnExporter([], exporterEnv(api, port));
  try {
    await untilServing(`http://127.0.0.1:${port}/metrics`, complete(n), {
      exited: exporter.exited,
      startedAt: performance.now(),
      deadlineMs: 60_000 + 200 * n,
      what: 'the exporter',
      output: exporter.output,
    });
    return nodeOptionsOf(exporter.child.pid!);
  } finally {
    exporter.child.kill('SIGKILL');
    await exporter.exited;
    await simulator.stop();
  }
}

/**
 * The floor (Node with the OpenTelemetry API and SDK loaded and a MeterProvider made) and the
 * stages around it (floor-stages.ts), each a process of its own with the exporter's Node
 * options; RSS once it settles. The stages are the profile of the one-device RSS target: what
 * each import adds, measured in the same run as the exporter.
 */
async function floor(node: NodeOptions) {
  const stages: Array<{ stage: FloorStage; rss_mb: number }> = [];
  for (const stage of FLOOR_STAGES) {
    const p = spawnBenchScript('floor-process.js', [stage], node.flags, node.env);
    try {
      await p.ready;
      stages.push({ stage, rss_mb: round1(await settledRssMb(p.child.pid!)) });
    } finally {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  return { rss_mb: stages.find((s) => s.stage === 'sdk')!.rss_mb, node_options: describeNodeOptions(node), stages };
}

/**
 * The straightforward path as a process of its own (straightforward-process.ts), with the Node
 * options the exporter ends up with at this size, scraped over HTTP as the exporter is. Its
 * collection time sets the pause between paced scrapes for both: twice its median, and longer
 * than a body is shared, so that each paced scrape collects.
 */
async function straightforwardColumn(n: number, scrapes: number, node: NodeOptions) {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const p = spawnBenchScript('straightforward-process.js', [String(n), String(port)], node.flags, node.env);
  try {
    await p.ready;
    const calibration: number[] = [];
    for (let i = 0; i < 5; i++) calibration.push((await get(url)).ms);
    const pauseMs = Math.round(Math.max(PACE_MS, 2 * pct(sorted(calibration), 0.5)));
    const load = await scrapeLoad(url, { scrapes, pauseMs, gzip: true, rss: () => rssMb(p.child.pid!) });
    const s1 = sorted(load.single);
    return {
      pauseMs,
      series: countSeries((await get(url)).text),
      p50: pct(s1, 0.5),
      p99: pct(s1, 0.99),
      rss: load.rssMb ?? rssMb(p.child.pid!),
      nodeOptions: describeNodeOptions(node),
    };
  } finally {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

/** The exporter process with `settings` (environment) against `api`: time to a complete output, the scrape load, then output size and memory. */
async function exporterColumn(n: number, api: string, settings: NodeJS.ProcessEnv, scrapes: number, pauseMs: number) {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const startedAt = performance.now();
  const exporter = spawnExporter([], { ...exporterEnv(api, port), ...settings });
  try {
    const startupMs = await untilServing(url, complete(n), {
      exited: exporter.exited,
      startedAt,
      deadlineMs: 60_000 + 200 * n,
      what: 'the exporter',
      output: exporter.output,
    });
    const load = await scrapeLoad(url, { scrapes, pauseMs, gzip: true, rss: () => rssMb(exporter.child.pid!) });
    const plain = await get(url);
    const zipped = await get(url, true);
    const s1 = sorted(load.single);
    const s4 = sorted(load.four);
    return {
      devices: n,
      series: countSeries(plain.text),
      startup_ms: Math.round(startupMs),
      scrape_p50_ms: round(pct(s1, 0.5)),
      scrape_p99_ms: round(pct(s1, 0.99)),
      scrape_4_p50_ms: round(pct(s4, 0.5)),
      scrape_4_p99_ms: round(pct(s4, 0.99)),
      ratio_4_vs_1: round(pct(s4, 0.5) / pct(s1, 0.5), 2),
      body_kb: Math.round(plain.bytes / 1024),
      body_gzip_kb: Math.round(zipped.bytes / 1024),
      rss_mb: round1(load.rssMb ?? rssMb(exporter.child.pid!)),
      heap_mb: round1((valueWith(plain.text, 'ecoflow_exporter_heap_used_bytes') ?? 0) / 1024 / 1024),
      raw_metrics_present: RAW_SAMPLE.test(plain.text),
      node_options: describeNodeOptions(nodeOptionsOf(exporter.child.pid!)),
      scrapes,
      pause_ms: pauseMs,
    };
  } finally {
    exporter.child.kill('SIGKILL');
    await exporter.exited;
  }
}

/** One fleet size: the straightforward path, then the exporter with its defaults and with RAW_METRICS=false, one after the other against one simulator. */
async function measure(n: number) {
  const fleet = fleetOf(n);
  const pollMs = pollProcessingMs(fleet);
  const scrapes = scrapesAt(n);
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  const api = await simulator.start(0, '127.0.0.1');
  try {
    const sf = await straightforwardColumn(n, scrapes, await exporterNodeOptions(n));
    const column = async (settings: NodeJS.ProcessEnv) => {
      try {
        return await exporterColumn(n, api, settings, scrapes, sf.pauseMs);
      } catch (err) {
        if (!(err instanceof NotServing)) throw err;
        return { devices: n, note: err.message };
      }
    };
    const ours = await column({});
    const rawOff = await column({ RAW_METRICS: 'false' });
    const row = {
      ...ours,
      straightforward_series: sf.series,
      straightforward_p50_ms: round(sf.p50),
      straightforward_p99_ms: round(sf.p99),
      straightforward_rss_mb: round1(sf.rss),
      straightforward_node_options: sf.nodeOptions,
      ...('scrape_p50_ms' in ours && { ratio_p50: round(ours.scrape_p50_ms / sf.p50, 2) }),
      poll_processing_ms: round(pollMs, 2),
    };
    if ('raw_metrics_present' in rawOff && rawOff.raw_metrics_present)
      return { row, rawOff: { ...rawOff, note: 'the exporter ignored RAW_METRICS=false: raw quota metrics are still in its output' } };
    return { row, rawOff };
  } finally {
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
    ...exporterEnv(api, port),
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
  type Started = { child: import('node:child_process').ChildProcess; exited: Promise<unknown>; output(): string };
  const contenders: Array<{ name: string; start: (port: number) => Started }> = [
    { name: 'ecoflow-exporter', start: (port) => spawnExporter([], { ...exporterEnv(api, port), ECOFLOW_DEVICE_SN: device!.sn }) },
  ];
  if (!missing) contenders.push({ name: 'ecoflow_prometheus.py', start: (port) => spawnPythonExporter({ apiUrl: api, sn: device!.sn, port, ...TEST_KEYS }) });
  const results = [];
  let python = missing ?? 'ran';
  for (const c of contenders) {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const startedAt = performance.now();
    const p = c.start(port);
    try {
      const startupMs = await untilServing(url, (text) => /^ecoflow_pd_soc\{/m.test(text), {
        exited: p.exited,
        startedAt,
        deadlineMs: 60_000,
        what: c.name,
        output: p.output,
      });
      const one: number[] = [];
      for (let i = 0; i < scrapesAt(1); i++) {
        await sleep(PACE_MS);
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
        rss_after_mb: round(rssMb(p.child.pid!), 1),
      });
    } catch (err) {
      if (!(err instanceof NotServing)) throw err;
      if (c.name === 'ecoflow-exporter') throw err;
      python = `could not run: ${err.message}`;
    } finally {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  await simulator.stop();
  return { results, python };
}

const columns = (values: ReadonlyArray<string | number | undefined>, widths: readonly number[]) =>
  values.map((v, i) => String(v ?? '—').padStart(widths[i]!)).join(' ');

const benchStarted = performance.now();
const floorFigures = await floor(await exporterNodeOptions(1));
// BENCH_SIDE=0 leaves the one-device comparison out (when trying settings at fleet size).
const side = process.env.BENCH_SIDE === '0' ? { results: [], python: 'left out (BENCH_SIDE=0)' } : await sideBySide();
const rows = [];
const rowsRawOff = [];
for (const n of SIZES) {
  const { row, rawOff } = await measure(n);
  rows.push(row);
  rowsRawOff.push(rawOff);
}
// BENCH_HOSTILE=0 leaves the hostile payload out. Where `npm start` gives no Node option, it is plain node: one run for both.
const hostile: Array<HostileFigures & { run: string }> = [];
if (process.env.BENCH_HOSTILE !== '0') {
  const plain = await hostilePayload([]);
  const same = { ...plain, note: [plain.note, 'the plain-node run: npm start gives no Node option'].filter(Boolean).join('; ') };
  hostile.push({ run: 'npm start', ...(NODE_FLAGS.length > 0 ? await hostilePayload(NODE_FLAGS) : same) });
  hostile.push({ run: 'plain node', ...plain });
}
const hours = [];
if (HOUR_S > 0) for (const n of HOUR_SIZES) hours.push(await compressedHour(n));
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: Math.round(totalmem() / 1024 ** 3), node: process.version };

console.log('');
console.log(
  `fleet: the exporter process started as \`node ${[...nodeFlags(), 'dist/src/main.js'].join(' ')}\`, scraped over HTTP (gzip), ${SIZES.map((n) => `${scrapesAt(n)} scrapes at ${n}`).join(', ')} per column`,
);
console.log('devices  settings            series  start ms  p50 ms  p99 ms  4×p50  4×p99  4×/1×  body kB  gzip kB  RSS MB  heap MB  poll ms');
const widths = [7, 19, 7, 9, 7, 7, 6, 6, 6, 8, 8, 7, 8, 8];
for (const [settings, list] of [
  ['default', rows],
  ['RAW_METRICS=false', rowsRawOff],
] as const) {
  for (const r of list) {
    if (!('series' in r)) {
      console.log(`${String(r.devices).padStart(7)} ${settings.padStart(19)}  not measured: ${r.note}`);
      continue;
    }
    const poll = 'poll_processing_ms' in r ? r.poll_processing_ms : undefined;
    console.log(
      columns(
        [
          r.devices,
          settings,
          r.series,
          r.startup_ms,
          r.scrape_p50_ms,
          r.scrape_p99_ms,
          r.scrape_4_p50_ms,
          r.scrape_4_p99_ms,
          r.ratio_4_vs_1,
          r.body_kb,
          r.body_gzip_kb,
          r.rss_mb,
          r.heap_mb,
          poll,
        ],
        widths,
      ) + ('note' in r && r.note ? `  (${r.note})` : ''),
    );
  }
}

console.log('');
console.log(
  'side by side, same run: each process scraped alike (paced, then rounds of four), RSS after; each with the Node options the exporter runs with at that size (it may pick its own)',
);
console.log('devices  process                                series  p50 ms  p99 ms  RSS MB  Node options');
const sideRow = (
  devices: number | string,
  what: string,
  series: number | undefined,
  p50: number | undefined,
  p99: number | undefined,
  rss: number | undefined,
  nodeOptions: string,
) => console.log(`${columns([devices], [7])}  ${what.padEnd(37)} ${columns([series, p50, p99, rss], [7, 7, 7, 7])}  ${nodeOptions}`);
for (const stage of floorFigures.stages) sideRow('—', `floor stage: ${stage.stage}`, undefined, undefined, undefined, stage.rss_mb, floorFigures.node_options);
for (let i = 0; i < rows.length; i++) {
  const r = rows[i]!;
  const off = rowsRawOff[i]!;
  sideRow(
    r.devices,
    'straightforward path (own process)',
    r.straightforward_series,
    r.straightforward_p50_ms,
    r.straightforward_p99_ms,
    r.straightforward_rss_mb,
    r.straightforward_node_options,
  );
  if ('series' in r) sideRow(r.devices, 'ecoflow-exporter, default', r.series, r.scrape_p50_ms, r.scrape_p99_ms, r.rss_mb, r.node_options);
  else sideRow(r.devices, `ecoflow-exporter, default: ${r.note}`, undefined, undefined, undefined, undefined, '');
  if ('series' in off)
    sideRow(off.devices, 'ecoflow-exporter, RAW_METRICS=false', off.series, off.scrape_p50_ms, off.scrape_p99_ms, off.rss_mb, off.node_options);
  else sideRow(off.devices, 'ecoflow-exporter, RAW_METRICS=false', undefined, undefined, undefined, undefined, `not measured: ${off.note}`);
}

if (hours.length > 0) {
  console.log('');
  console.log(`compressed hour: 1 h of the default intervals in ${HOUR_S} s, a tenth of the devices replaced and a tenth with a key swapped every 5 min`);
  console.log('devices  churn rounds  RSS warm MB  RSS after MB  heap warm MB  heap after MB  renewals  API calls per device');
  for (const h of hours) {
    console.log(
      columns(
        [h.devices, h.churn_rounds, h.rss_warm_mb, h.rss_after_hour_mb, h.heap_warm_mb, h.heap_after_hour_mb, h.renewals, h.api_calls_per_device_hour],
        [7, 13, 12, 13, 13, 14, 9, 21],
      ),
    );
  }
}
console.log('');
console.log(`one device side by side (Python exporter: ${side.python})`);
console.log('exporter                start ms  p50 ms  p99 ms  scrapes in 30 s by 4  RSS after MB');
for (const r of side.results) {
  console.log(
    `${r.exporter.padEnd(22)} ${columns([r.startup_ms, r.scrape_p50_ms, r.scrape_p99_ms, r.scrapes_in_30s_by_4, r.rss_after_mb], [9, 7, 7, 21, 13])}`,
  );
}
if (hostile.length > 0) {
  const h0 = hostile[0]!;
  console.log('');
  console.log(
    `hostile payload: 5 devices, then ${HOSTILE_KEYS.toLocaleString('en-US')} flat numeric keys on one (its quota/all answer ${h0.payload_mb} MB; ${h0.max_response_bytes ? `ECOFLOW_MAX_RESPONSE_BYTES=${h0.max_response_bytes} given` : 'within the default ECOFLOW_MAX_RESPONSE_BYTES'}); 20 paced scrapes before each reading`,
  );
  console.log('run         started with             ran with                 RSS before  RSS after  ratio  heap before  heap after  series dropped');
  for (const h of hostile) {
    console.log(
      `${h.run.padEnd(11)} ${h.started_with.padEnd(24)} ${(h.node_options ?? '—').padEnd(24)} ${columns([h.rss_before_mb, h.rss_after_mb, h.ratio, h.heap_before_mb, h.heap_after_mb, h.series_dropped], [10, 10, 6, 12, 11, 15])}${h.note ? `  (${h.note})` : ''}`,
    );
  }
}

const measured = { floor: floorFigures, rows, rows_raw_metrics_off: rowsRawOff, one_device: side, hostile };
const targets = judgeTargets(measured);
console.log('');
console.log(
  `issue 21 targets, judged on this run (${machine.cores} × ${machine.cpu}, Node ${machine.node}; the bench took ${Math.round((performance.now() - benchStarted) / 60_000)} min):`,
);
for (const line of targetLines(targets)) console.log(line);

const file = resolve(RESULTS, RESULTS_FILE);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify(
    {
      version: VERSION,
      date: new Date().toISOString(),
      machine,
      node_flags: [...nodeFlags(), ...(process.env.EXPORTER_NODE_OPTIONS ? [`NODE_OPTIONS=${process.env.EXPORTER_NODE_OPTIONS}`] : [])].join(' '),
      ...measured,
      compressed_hour: hours,
      targets,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten: ${file}`);
process.exit(0);
