/**
 * Fleet-scale figures (`npm run bench`): 120 devices cycling through the ten real payloads,
 * rendered to Prometheus text the way a scrape does. Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { createSnapshotGauges } from '../../src/metrics/create-snapshot-gauges.js';
import { PrometheusReader } from '../../src/export/prometheus-reader.js';
import { payload } from '../../src/simulator/fleet.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 120);
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 30);

const dir = fileURLToPath(new URL('../../../src/simulator/payloads/', import.meta.url));
const payloads = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ model: f.replace('.json', ''), quotas: payload(JSON.parse(readFileSync(dir + f, 'utf8'))) }));

const snapshot = new QuotaSnapshot();
const reader = new PrometheusReader({ cardinalityLimit: 100_000 });
const provider = new MeterProvider({ readers: [reader] });
const UNIFIED = process.env.BENCH_UNIFIED !== '0';
let quotaSeries = 0;
const instruments = createSnapshotGauges({
  meter: provider.getMeter('bench'),
  snapshot,
  prefix: 'ecoflow',
  unified: UNIFIED,
  reporter: { recordCollected: (n) => (quotaSeries = n) },
});
instruments.start();

const heapBefore = process.memoryUsage().heapUsed;
const devices = Array.from({ length: DEVICES }, (_, i) => ({
  sn: `BENCH${String(i).padStart(11, '0')}`,
  name: `Device ${i}`,
  productName: payloads[i % payloads.length]!.model,
  online: true,
}));
snapshot.setDevices(devices);
let t0 = performance.now();
devices.forEach((d, i) => snapshot.replaceQuotas(d.sn, payloads[i % payloads.length]!.quotas, Date.now()));
const loadMs = performance.now() - t0;

// One device's poll result: what every COLLECTING_INTERVAL costs per device.
t0 = performance.now();
for (let i = 0; i < 200; i++) snapshot.replaceQuotas(devices[0]!.sn, payloads[0]!.quotas, Date.now());
const updateMs = (performance.now() - t0) / 200;

const times: number[] = [];
let bytes = 0;
let lines = 0;
for (let i = 0; i < SCRAPES; i++) {
  t0 = performance.now();
  const text = await reader.render();
  times.push(performance.now() - t0);
  bytes = Buffer.byteLength(text);
  lines = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
}
times.sort((a, b) => a - b);
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

const fmt = (n: number) => n.toFixed(1);
console.log(`devices                 ${DEVICES} (unified metrics ${UNIFIED ? 'on' : 'off: BENCH_UNIFIED=0'})`);
console.log(`series per scrape       ${lines} (instruments report ${quotaSeries} series from quota values)`);
console.log(`exposition size         ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
console.log(`first load of all       ${fmt(loadMs)} ms`);
console.log(`one device update       ${fmt(updateMs)} ms`);
console.log(
  `scrape render           median ${fmt(times[Math.floor(times.length / 2)]!)} ms, p95 ${fmt(times[Math.floor(times.length * 0.95)]!)} ms, min ${fmt(times[0]!)} ms (${SCRAPES} scrapes)`,
);
console.log(`heap growth             ${fmt((heapAfter - heapBefore) / 1024 / 1024)} MiB`);
console.log(`rss                     ${fmt(process.memoryUsage().rss / 1024 / 1024)} MiB`);
await provider.shutdown();
