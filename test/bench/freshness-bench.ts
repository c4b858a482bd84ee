/**
 * Freshness (`npm run bench`): how long a device's new value takes to reach the series a scrape
 * reads, over the open-API MQTT stream versus REST polling at the default interval, with 100
 * devices each publishing once a second; and REST calls per device per hour in each mode.
 * Real sockets throughout: the simulator's HTTP API, an MQTT broker (the embedded demo broker,
 * so the bench needs nothing installed) and the exporter in-process. Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { startDemoBroker } from '../../src/simulator/demo-broker.js';
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { StreamPublisher } from '../../src/simulator/stream-publisher.js';
import { typeCodeOfPrefix } from '../../src/devices/stream-type-codes.js';
import type { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { flattenQuota } from '../../src/telemetry/quota-series.js';
import { quotaMetricName } from '../../src/telemetry/metric-names.js';
import { UNIFIED_NAMES } from '../../src/telemetry/producers/unified-series.js';
import { sampleValue, startExporter } from '../helpers/running-exporter.js';
import { stillDemoFleet, TEST_KEYS } from '../helpers/simulated-fleet.js';

const DEVICES = Number(process.env.BENCH_STREAM_DEVICES ?? 100);
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 8);
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 55);
/** API-call counts run at this fraction of real time (intervals and window scaled alike). */
const TIME_SCALE = 30;
const COUNT_SECONDS = Number(process.env.BENCH_COUNT_SECONDS ?? 20);

const ACCOUNT = 'open-bench0000000001';
const PASSWORD = 'bench-broker-password';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 100 devices cycling through the demo models that publish, each with a key its messages can carry. */
function benchFleet(): Array<SimulatedDevice & { marker: string }> {
  const models = stillDemoFleet().filter((d) => d.online && !d.restricted && d.stream);
  return Array.from({ length: DEVICES }, (_, i) => {
    const model = models[i % models.length]!;
    const marker = Object.entries(model.quotas).find(([key, value]) => typeof value === 'number' && expressible(model.stream!, key))![0];
    return { ...structuredClone(model), sn: `${model.sn.slice(0, 6)}BENCH${String(i).padStart(5, '0')}`, deviceName: `${model.deviceName} ${i}`, marker };
  });
}

function expressible(shape: NonNullable<SimulatedDevice['stream']>, key: string): boolean {
  if (shape === 'type_code') return key.includes('.') && typeCodeOfPrefix(key.slice(0, key.indexOf('.'))) !== undefined;
  if (shape === 'cmd') return /^\d+_\d+\./.test(key);
  return !['id', 'version', 'timestamp'].includes(key);
}

async function world(env: NodeJS.ProcessEnv) {
  const fleet = benchFleet();
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  await simulator.start(0, '127.0.0.1');
  const broker = await startDemoBroker({ username: ACCOUNT, password: PASSWORD });
  simulator.setCertification({ url: broker.host, port: broker.port, protocol: 'mqtt', certificateAccount: ACCOUNT, certificatePassword: PASSWORD });
  const publisher = new StreamPublisher({ simulator, brokerUrl: `mqtt://${broker.host}:${broker.port}`, username: ACCOUNT, password: PASSWORD, account: ACCOUNT, periodMs: 3_600_000 });
  await publisher.start();
  const exporter = await startExporter(simulator, { DEVICE_LIST_INTERVAL: '30', ...env });
  const snapshot = exporter.app.snapshot!;
  return {
    fleet,
    simulator,
    publisher,
    exporter,
    snapshot,
    async stop() {
      await exporter.stop();
      await publisher.stop();
      await broker.stop();
      await simulator.stop();
    },
  };
}

/** Resolves when every device has been read once (REST fills the snapshot at start). */
async function filled(snapshot: QuotaSnapshot): Promise<void> {
  while ([...snapshot.devices()].some((d) => d.quotas.size === 0)) await sleep(100);
}

/** Times from `change` (by sn and value) to the snapshot holding it, which is when a scrape shows it. */
function watch(snapshot: QuotaSnapshot, fleet: Array<{ sn: string; marker: string }>) {
  const markers = new Map(fleet.map((d) => [d.sn, d.marker]));
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  // Subscribed after the exporter's instruments: when this runs, the series are re-derived.
  snapshot.subscribe((change) => {
    if (change.kind !== 'quotas-changed') return;
    const value = snapshot.get(change.sn)?.quotas.get(markers.get(change.sn)!)?.value;
    const key = `${change.sn}\0${String(value)}`;
    const sent = pending.get(key);
    if (sent === undefined) return;
    pending.delete(key);
    latencies.push(performance.now() - sent);
  });
  return { expect: (sn: string, value: number) => pending.set(`${sn}\0${value}`, performance.now()), latencies, pending };
}

function metricOf(key: string): string {
  return quotaMetricName('ecoflow', flattenQuota(key, 1)[0]!.name, UNIFIED_NAMES);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function streamFreshness() {
  const w = await world({ ECOFLOW_MQTT: 'on', COLLECTING_INTERVAL: '10', RECONCILE_INTERVAL: '300' });
  await filled(w.snapshot);
  const watcher = watch(w.snapshot, w.fleet);
  let value = 100_000;
  let checked = 0;
  let seenOnMetrics = 0;
  const until = performance.now() + STREAM_SECONDS * 1000;
  // Each device once a second, spread evenly: one publish every 1000/DEVICES ms.
  for (let i = 0; performance.now() < until; i++) {
    const d = w.fleet[i % w.fleet.length]!;
    value++;
    watcher.expect(d.sn, value);
    w.publisher.publishQuotas(d.sn, { [d.marker]: value }).catch(() => undefined);
    if (i % 100 === 99) {
      // Now and then a real scrape, to see that a value that arrived is on /metrics.
      const v = value;
      setTimeout(async () => {
        checked++;
        if (sampleValue(await w.exporter.scrape(), metricOf(d.marker), d.sn) === v) seenOnMetrics++;
      }, 100);
    }
    await sleep(1000 / DEVICES);
  }
  await sleep(1000);
  const sorted = [...watcher.latencies].sort((a, b) => a - b);
  await w.stop();
  return { sorted, lost: watcher.pending.size, checked, seenOnMetrics };
}

async function restFreshness() {
  const w = await world({ ECOFLOW_MQTT: 'off', COLLECTING_INTERVAL: '10' });
  await filled(w.snapshot);
  const watcher = watch(w.snapshot, w.fleet);
  let value = 200_000;
  const until = performance.now() + REST_SECONDS * 1000;
  // Each device changes a value at a random moment, waits to see it, and goes again.
  await Promise.all(
    w.fleet.map(async (d) => {
      while (performance.now() < until) {
        // A random moment within the polling interval: changes do not wait for polls.
        await sleep(Math.random() * 10_000);
        const v = ++value;
        watcher.expect(d.sn, v);
        w.simulator.setQuota(d.sn, d.marker, v);
        while (watcher.pending.has(`${d.sn}\0${v}`) && performance.now() < until + 15_000) await sleep(20);
      }
    }),
  );
  const sorted = [...watcher.latencies].sort((a, b) => a - b);
  await w.stop();
  return { sorted };
}

/** REST quota calls per device per hour, at 1/TIME_SCALE of real time. */
async function callsPerHour(mqtt: 'on' | 'off') {
  const s = (seconds: number) => String(seconds / TIME_SCALE);
  const w = await world({ ECOFLOW_MQTT: mqtt, COLLECTING_INTERVAL: s(10), RECONCILE_INTERVAL: s(300), ECOFLOW_MQTT_SILENCE: s(60) });
  await filled(w.snapshot);
  let publishing = true;
  const chat = (async () => {
    while (publishing) {
      for (const d of w.fleet) w.publisher.publishQuotas(d.sn, { [d.marker]: Math.round(Math.random() * 1000) }).catch(() => undefined);
      await sleep(1000 / TIME_SCALE);
    }
  })();
  await sleep(1000);
  const before = w.simulator.requestCount('quota/all');
  await sleep(COUNT_SECONDS * 1000);
  const calls = w.simulator.requestCount('quota/all') - before;
  publishing = false;
  await chat;
  await w.stop();
  return (calls / DEVICES / (COUNT_SECONDS * TIME_SCALE)) * 3600;
}

const stream = await streamFreshness();
const rest = await restFreshness();
const onCalls = await callsPerHour('on');
const offCalls = await callsPerHour('off');
const ms = (n: number) => (n < 100 ? n.toFixed(1) : n.toFixed(0));
console.log('');
console.log(`freshness, ${DEVICES} devices (publish or change → value in the series a scrape reads)`);
console.log(`  MQTT stream (1 msg/s per device)   p50 ${ms(percentile(stream.sorted, 0.5))} ms, p99 ${ms(percentile(stream.sorted, 0.99))} ms, max ${ms(stream.sorted.at(-1)!)} ms over ${stream.sorted.length} updates (${stream.lost} not seen); ${stream.seenOnMetrics}/${stream.checked} spot checks on /metrics`);
console.log(`  REST, COLLECTING_INTERVAL 10 s     p50 ${ms(percentile(rest.sorted, 0.5))} ms, p99 ${ms(percentile(rest.sorted, 0.99))} ms over ${rest.sorted.length} updates`);
console.log(`REST quota calls per device per hour (measured at 1/${TIME_SCALE} time over ${COUNT_SECONDS} s)`);
console.log(`  MQTT stream healthy (RECONCILE_INTERVAL 300 s)   ${onCalls.toFixed(1)}`);
console.log(`  REST only (COLLECTING_INTERVAL 10 s)             ${offCalls.toFixed(1)}`);
process.exit(0);
