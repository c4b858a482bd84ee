/**
 * The world outside the exporter for the freshness bench, in a worker thread of its own: the
 * simulated cloud (HTTP API and MQTT broker), the devices publishing, and a scraper. The
 * exporter's work (merging, rendering /metrics) then delays the exporter's handling of messages
 * as it would for real, and never the clock of whoever publishes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { startDemoBroker } from '../../src/simulator/demo-broker.js';
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { StreamPublisher } from '../../src/simulator/stream-publisher.js';
import { carries } from '../../src/stream/message-codec.js';
import { flattenQuota } from '../../src/metrics/raw-metric-names.js';
import { quotaMetricName } from '../../src/catalog/catalog.js';
import { UNIFIED_NAMES } from '../../src/metrics/producers/unified-producer.js';
import { sampleValue } from '../helpers/running-exporter.js';
import { stillDemoFleet, TEST_KEYS } from '../helpers/simulated-fleet.js';

export type BenchDevice = SimulatedDevice & { marker: string };

/** Requests from the bench's main thread; each answered with `{ id, result }`. */
export type WorldCommand =
  | { id: number; cmd: 'start' }
  | { id: number; cmd: 'publish'; seconds: number; scrapeUrl: string; scrapeEveryS: number }
  | { id: number; cmd: 'end-to-end'; tries: number; scrapeUrl: string }
  | { id: number; cmd: 'change-over-rest'; seconds: number; intervalS: number }
  | { id: number; cmd: 'chat'; seconds: number; periodMs: number }
  | { id: number; cmd: 'quota-requests' }
  | { id: number; cmd: 'stop' };

/** A value sent (published or set in the cloud) at wall-clock time `at` (ms, fractional). */
export interface Sent {
  sn: string;
  value: number;
  at: number;
}

const ACCOUNT = 'open-bench0000000001';
const PASSWORD = 'bench-broker-password';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

/** Devices cycling through the demo models that publish, each with a numeric key its messages can carry. */
export function benchFleet(devices: number): BenchDevice[] {
  const models = stillDemoFleet().filter((d) => d.online && !d.restricted && d.stream);
  return Array.from({ length: devices }, (_, i) => {
    const model = models[i % models.length]!;
    const marker = Object.entries(model.quotas).find(([key, value]) => typeof value === 'number' && carries(model.stream!, key))![0];
    return { ...structuredClone(model), sn: `${model.sn.slice(0, 6)}BENCH${String(i).padStart(5, '0')}`, deviceName: `${model.deviceName} ${i}`, marker };
  });
}

export function metricOf(key: string): string {
  return quotaMetricName('ecoflow', flattenQuota(key, 1)[0]!.name, UNIFIED_NAMES);
}

async function scrape(url: string): Promise<string> {
  return (await fetch(url)).text();
}

if (parentPort) {
  const port = parentPort;
  const fleet = benchFleet(workerData.devices as number);
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: fleet });
  let broker: Awaited<ReturnType<typeof startDemoBroker>> | undefined;
  let publisher: StreamPublisher | undefined;
  let value = 100_000;

  const handlers: { [K in WorldCommand['cmd']]: (c: Extract<WorldCommand, { cmd: K }>) => Promise<unknown> } = {
    async start() {
      const url = await simulator.start(0, '127.0.0.1');
      broker = await startDemoBroker({ username: ACCOUNT, password: PASSWORD });
      simulator.setCertification({ url: broker.host, port: broker.port, protocol: 'mqtt', certificateAccount: ACCOUNT, certificatePassword: PASSWORD });
      publisher = new StreamPublisher({
        simulator,
        brokerUrl: `mqtt://${broker.host}:${broker.port}`,
        username: ACCOUNT,
        password: PASSWORD,
        account: ACCOUNT,
        periodMs: 3_600_000,
      });
      await publisher.start();
      return { url, fleet: fleet.map((d) => ({ sn: d.sn, marker: d.marker })) };
    },
    async publish({ seconds, scrapeUrl, scrapeEveryS }) {
      const sent: Sent[] = [];
      const until = performance.now() + seconds * 1000;
      const gapMs = 1000 / fleet.length;
      let next = performance.now();
      for (let i = 0; performance.now() < until; i++) {
        const d = fleet[i % fleet.length]!;
        const v = ++value;
        sent.push({ sn: d.sn, value: v, at: wallNow() });
        publisher!.publishQuotas(d.sn, { [d.marker]: v }).catch(() => undefined);
        if (i % (fleet.length * scrapeEveryS) === fleet.length) void scrape(scrapeUrl).catch(() => undefined);
        // Each device once a second, evenly spread, on a schedule that does not drift.
        next += gapMs;
        await sleep(Math.max(0, next - performance.now()));
      }
      return sent;
    },
    async 'end-to-end'({ tries, scrapeUrl }) {
      const times: number[] = [];
      for (let i = 0; i < tries; i++) {
        const d = fleet[(i * 7) % fleet.length]!;
        const v = ++value;
        const started = performance.now();
        await publisher!.publishQuotas(d.sn, { [d.marker]: v });
        while (sampleValue(await scrape(scrapeUrl), metricOf(d.marker), d.sn) !== v && performance.now() - started < 10_000);
        times.push(performance.now() - started);
        await sleep(300);
      }
      return times;
    },
    async 'change-over-rest'({ seconds, intervalS }) {
      const sent: Sent[] = [];
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        fleet.map(async (d) => {
          // A random moment within each polling interval: changes do not wait for polls.
          while (performance.now() < until) {
            await sleep(Math.random() * intervalS * 1000);
            const v = ++value;
            sent.push({ sn: d.sn, value: v, at: wallNow() });
            simulator.setQuota(d.sn, d.marker, v);
            await sleep(intervalS * 1000);
          }
        }),
      );
      return sent;
    },
    async chat({ seconds, periodMs }) {
      const until = performance.now() + seconds * 1000;
      while (performance.now() < until) {
        for (const d of fleet) publisher!.publishQuotas(d.sn, { [d.marker]: Math.round(Math.random() * 1000) }).catch(() => undefined);
        await sleep(periodMs);
      }
      return null;
    },
    async 'quota-requests'() {
      return simulator.requestCount('quota/all');
    },
    async stop() {
      await publisher?.stop();
      await broker?.stop();
      await simulator.stop();
      return null;
    },
  };

  port.on('message', (c: WorldCommand) => {
    void (handlers[c.cmd] as (c: WorldCommand) => Promise<unknown>)(c).then(
      (result) => port.postMessage({ id: c.id, result }),
      (err: unknown) => port.postMessage({ id: c.id, error: String(err) }),
    );
  });
}
