/**
 * Freshness (`npm run bench`): how long a device's new value takes to reach the series a scrape
 * reads, over the open-API MQTT stream versus REST polling at the default interval, with 100
 * devices each publishing once a second while a scraper scrapes; and REST calls per device per
 * hour in each mode. The exporter runs here; the cloud (HTTP API, MQTT broker, publishing
 * devices) and the scraper run in a worker thread (freshness-world.ts), over real sockets.
 * Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { startExporter, type RunningExporter } from '../helpers/running-exporter.js';
import type { Sent, WorldCommand } from './freshness-world.js';

const DEVICES = Number(process.env.BENCH_STREAM_DEVICES ?? 100);
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 30);
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 75);
/** API-call counts run at this fraction of real time (intervals and window scaled alike). */
const TIME_SCALE = 30;
const COUNT_SECONDS = Number(process.env.BENCH_COUNT_SECONDS ?? 20);
/** Scrapes while the stream is timed: Prometheus at a common 15 s, and a busy one at 2 s. */
const SCRAPE_EVERY_S = [15, 2];
const wallNow = () => performance.timeOrigin + performance.now();

type Command = WorldCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

/** The cloud in its worker, and the exporter here polling it. */
async function world(env: NodeJS.ProcessEnv) {
  const worker = new Worker(new URL('./freshness-world.js', import.meta.url), { workerData: { devices: DEVICES } });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id)!;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(m.error));
    else w.resolve(m.result);
  });
  const ask = <T>(c: Command): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...c, id });
    });
  const { url, fleet } = await ask<{ url: string; fleet: Array<{ sn: string; marker: string }> }>({ cmd: 'start' });
  const exporter: RunningExporter = await startExporter({ url }, { DEVICE_LIST_INTERVAL: '30', ...env });
  const snapshot = exporter.app.snapshot!;
  // REST fills the snapshot at start, spread over one collecting interval.
  while ([...snapshot.devices()].some((d) => d.quotas.size === 0)) await new Promise((r) => setTimeout(r, 100));
  return {
    fleet,
    exporter,
    snapshot,
    ask,
    scrapeUrl: `http://127.0.0.1:${exporter.config.exporter.port}/metrics`,
    async stop() {
      await exporter.stop();
      await ask({ cmd: 'stop' });
      await worker.terminate();
    },
  };
}

/** Arrival times (wall clock) of marker values in the snapshot, by `sn\0value`; taken after the series are re-derived. */
function arrivals(snapshot: QuotaSnapshot, fleet: Array<{ sn: string; marker: string }>): Map<string, number> {
  const markers = new Map(fleet.map((d) => [d.sn, d.marker]));
  const seen = new Map<string, number>();
  // Subscribed after the exporter's instruments: when this runs, the series are re-derived.
  snapshot.subscribe((change) => {
    if (change.kind !== 'quotas-changed') return;
    const value = snapshot.get(change.sn)?.quotas.get(markers.get(change.sn)!)?.value;
    const key = `${change.sn}\0${String(value)}`;
    if (!seen.has(key)) seen.set(key, wallNow());
  });
  return seen;
}

function latencies(sent: Sent[], seen: Map<string, number>): { sorted: number[]; lost: number } {
  const sorted: number[] = [];
  let lost = 0;
  for (const s of sent) {
    const at = seen.get(`${s.sn}\0${s.value}`);
    if (at === undefined) lost++;
    else sorted.push(Math.max(0, at - s.at));
  }
  return { sorted: sorted.sort((a, b) => a - b), lost };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function streamFreshness(scrapeEveryS: number) {
  const w = await world({ ECOFLOW_MQTT: 'on', COLLECTING_INTERVAL: '10', RECONCILE_INTERVAL: '300' });
  const seen = arrivals(w.snapshot, w.fleet);
  const sent = await w.ask<Sent[]>({ cmd: 'publish', seconds: STREAM_SECONDS, scrapeUrl: w.scrapeUrl, scrapeEveryS });
  await new Promise((r) => setTimeout(r, 1000));
  const result = latencies(sent, seen);
  const endToEnd = (await w.ask<number[]>({ cmd: 'end-to-end', tries: 10, scrapeUrl: w.scrapeUrl })).sort((a, b) => a - b);
  const series = (await w.exporter.scrape()).split('\n').filter((l) => l && !l.startsWith('#')).length;
  await w.stop();
  return { ...result, endToEnd, series };
}

async function restFreshness() {
  const w = await world({ ECOFLOW_MQTT: 'off', COLLECTING_INTERVAL: '10' });
  const seen = arrivals(w.snapshot, w.fleet);
  const sent = await w.ask<Sent[]>({ cmd: 'change-over-rest', seconds: REST_SECONDS, intervalS: 10 });
  await new Promise((r) => setTimeout(r, 11_000));
  const result = latencies(sent, seen);
  await w.stop();
  return result;
}

/** REST quota calls per device per hour, at 1/TIME_SCALE of real time. */
async function callsPerHour(mqtt: 'on' | 'off') {
  const s = (seconds: number) => String(seconds / TIME_SCALE);
  const w = await world({ ECOFLOW_MQTT: mqtt, COLLECTING_INTERVAL: s(10), RECONCILE_INTERVAL: s(300), ECOFLOW_MQTT_SILENCE: s(60) });
  const chat = w.ask({ cmd: 'chat', seconds: COUNT_SECONDS + 2, periodMs: 1000 / TIME_SCALE });
  await new Promise((r) => setTimeout(r, 1000));
  const before = await w.ask<number>({ cmd: 'quota-requests' });
  await new Promise((r) => setTimeout(r, COUNT_SECONDS * 1000));
  const calls = (await w.ask<number>({ cmd: 'quota-requests' })) - before;
  await chat;
  await w.stop();
  return (calls / DEVICES / (COUNT_SECONDS * TIME_SCALE)) * 3600;
}

const streams = [];
for (const every of SCRAPE_EVERY_S) streams.push({ every, ...(await streamFreshness(every)) });
const rest = await restFreshness();
const onCalls = await callsPerHour('on');
const offCalls = await callsPerHour('off');
const ms = (n: number) => (n < 100 ? n.toFixed(1) : n.toFixed(0));
console.log('');
console.log(`freshness, ${DEVICES} devices, ${streams[0]!.series} series (a change at the device → its value in the series a scrape reads)`);
for (const stream of streams) {
  console.log(
    `  MQTT stream, 1 msg/s per device, a scrape every ${String(stream.every).padStart(2)} s  p50 ${ms(percentile(stream.sorted, 0.5))} ms, p99 ${ms(percentile(stream.sorted, 0.99))} ms, max ${ms(stream.sorted.at(-1)!)} ms over ${stream.sorted.length} updates (${stream.lost} lost)`,
  );
}
const endToEnd = streams.flatMap((s) => s.endToEnd).sort((a, b) => a - b);
console.log(
  `    publish → a /metrics body showing it (render included)   median ${ms(percentile(endToEnd, 0.5))} ms, max ${ms(endToEnd.at(-1)!)} ms over ${endToEnd.length} tries`,
);
console.log(
  `  REST, COLLECTING_INTERVAL 10 s                             p50 ${ms(percentile(rest.sorted, 0.5))} ms, p99 ${ms(percentile(rest.sorted, 0.99))} ms over ${rest.sorted.length} updates (${rest.lost} lost)`,
);
console.log(`REST quota calls per device per hour (measured at 1/${TIME_SCALE} time over ${COUNT_SECONDS} s)`);
console.log(`  MQTT stream healthy (RECONCILE_INTERVAL 300 s)   ${onCalls.toFixed(1)}`);
console.log(`  REST only (COLLECTING_INTERVAL 10 s)             ${offCalls.toFixed(1)}`);
process.exit(0);
