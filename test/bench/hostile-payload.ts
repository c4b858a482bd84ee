/**
 * Hostile input (`npm run bench`, issue 21): the exporter process with five devices of the bench
 * fleet, scraped until it settles; then one device's payload grows by BENCH_HOSTILE_KEYS
 * (200 000) flat numeric keys (`bulk.k<i>`), set in one go; once the exporter has read it
 * (that device polled twice since, and `<prefix>_exporter_series_dropped` showing for it), the
 * same scrapes again. RSS and V8 heap before and after, and their ratio. Run with
 * the Node options `npm start` gives and with none (`node dist/src/main.js`).
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/ecoflow/ecoflow-client.js';
import { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { spawnExporter } from '../helpers/exporter-process.js';
import { valueWith } from '../helpers/running-exporter.js';
import { closedPort, TEST_KEYS } from '../helpers/simulated-fleet.js';
import { fleetOf } from './bench-fleet.js';
import { describeNodeOptions, exporterEnv, nodeOptionsOf, rssMb } from './bench-process.js';
import { get, median, NotServing, sleep, untilServing } from './scrape-load.js';

export const HOSTILE_KEYS = Number(process.env.BENCH_HOSTILE_KEYS ?? 200_000);
const DEVICES = 5;
/** Scrapes before each reading, paced as Prometheus would be (each one collects). */
const SCRAPES = 20;
const PACE_MS = 200;
/** How long the exporter may take to read the payload (two polls at the default 10 s, and its processing). */
const READ_DEADLINE_MS = 120_000;

export interface HostileFigures {
  /** The Node options it was started with. */
  started_with: string;
  /** The Node options it ran with (it may pick its own, node-options.ts). */
  node_options?: string;
  keys: number;
  /** The grown device's quota/all answer. */
  payload_mb: number;
  /** ECOFLOW_MAX_RESPONSE_BYTES given to the exporter when the default would refuse the payload. */
  max_response_bytes?: number;
  rss_before_mb: number;
  heap_before_mb: number;
  rss_after_mb?: number;
  heap_after_mb?: number;
  /** RSS after ÷ before. */
  ratio?: number;
  series_dropped?: number;
  /** What kept a figure from being measured. */
  note?: string;
}

/** The hostile-payload figures with the exporter run with `flags` (its Node options; [] for none). */
export async function hostilePayload(flags: readonly string[]): Promise<HostileFigures> {
  const fleet = fleetOf(DEVICES);
  const target = fleet[0]!;
  const bulk: Record<string, number> = {};
  for (let i = 0; i < HOSTILE_KEYS; i++) bulk[`bulk.k${i}`] = i;
  const grown = { ...target, quotas: { ...target.quotas, ...bulk } };
  // The simulator's answer is this plus a trace id: within a hundred bytes.
  const payloadBytes = Buffer.byteLength(JSON.stringify({ code: '0', message: 'Success', data: grown.quotas, eagleEyeTraceId: '0'.repeat(32), tid: '' }));
  const maxResponseBytes = payloadBytes > DEFAULT_MAX_RESPONSE_BYTES * 0.9 ? 2 * payloadBytes : undefined;

  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  const api = await simulator.start(0, '127.0.0.1');
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}/metrics`;
  // As users start it: none of the settings the bench may be trying (EXPORTER_NODE_OPTIONS, …).
  const env = { ...exporterEnv(api, port, {}), ...(maxResponseBytes && { ECOFLOW_MAX_RESPONSE_BYTES: String(maxResponseBytes) }) };
  const exporter = spawnExporter([], env, flags);
  const figures: HostileFigures = {
    started_with: flags.join(' ') || 'none',
    keys: HOSTILE_KEYS,
    payload_mb: Number((payloadBytes / 1024 / 1024).toFixed(2)),
    ...(maxResponseBytes && { max_response_bytes: maxResponseBytes }),
    rss_before_mb: 0,
    heap_before_mb: 0,
  };
  // RSS: the median of readings after each scrape of the second half (one reading alone moves by
  // tens of MB with where the garbage collector happens to be).
  const reading = async () => {
    const rss: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      await sleep(PACE_MS);
      await get(url, true);
      if (i >= SCRAPES / 2) rss.push(rssMb(exporter.child.pid!));
    }
    const text = (await get(url)).text;
    return { rss: round1(median(rss)), heap: round1((valueWith(text, 'ecoflow_exporter_heap_used_bytes') ?? 0) / 1024 / 1024) };
  };
  try {
    await untilServing(url, (text) => (text.match(/^ecoflow_last_update_timestamp_seconds\{/gm)?.length ?? 0) === DEVICES, {
      exited: exporter.exited,
      startedAt: performance.now(),
      deadlineMs: 60_000,
      what: 'the exporter',
      output: exporter.output,
    });
    const before = await reading();
    figures.node_options = describeNodeOptions(nodeOptionsOf(exporter.child.pid!));
    figures.rss_before_mb = before.rss;
    figures.heap_before_mb = before.heap;

    const polled = simulator.quotaRequests.get(target.sn) ?? 0;
    // One replacement, not 200 000 setQuota calls: the device answers all of it from its next poll on.
    simulator.addDevice(grown);
    const started = performance.now();
    // Read: polled twice since (the second request comes after the first answer was taken in), and
    // the device's dropped series showing; a third poll without them is read all the same, and said.
    for (;;) {
      const dropped = valueWith((await get(url)).text, 'ecoflow_exporter_series_dropped', { device: target.sn });
      const polls = (simulator.quotaRequests.get(target.sn) ?? 0) - polled;
      if (polls >= 2 && dropped !== undefined) {
        figures.series_dropped = dropped;
        break;
      }
      if (polls >= 3) {
        figures.note = `no ecoflow_exporter_series_dropped for ${target.sn} after ${polls} polls of the grown payload`;
        break;
      }
      if (exporter.child.exitCode !== null || exporter.child.signalCode !== null)
        throw new NotServing(`the exporter exited (${exporter.child.exitCode ?? exporter.child.signalCode}) after the payload grew`);
      if (performance.now() - started > READ_DEADLINE_MS) {
        figures.note = `the grown device was polled ${polls} times in ${READ_DEADLINE_MS / 1000} s`;
        break;
      }
      await sleep(500);
    }
    const after = await reading();
    figures.rss_after_mb = after.rss;
    figures.heap_after_mb = after.heap;
    figures.ratio = Number((after.rss / before.rss).toFixed(2));
  } catch (err) {
    if (!(err instanceof NotServing)) throw err;
    figures.note = err.message;
  } finally {
    exporter.child.kill('SIGKILL');
    await exporter.exited;
    await simulator.stop();
  }
  return figures;
}

const round1 = (x: number) => Number(x.toFixed(1));
