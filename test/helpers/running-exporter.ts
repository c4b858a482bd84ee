import { App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { Logger } from '../../src/log/logger.js';
import type { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { TEST_KEY_ENV, closedPort, eventually, startSimulator, stillFleet } from './simulated-fleet.js';

export interface RunningExporter {
  app: App;
  config: Config;
  logs: string[];
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/** The exporter in-process against `simulator`, on a free loopback port, with fast polling. */
export async function startExporter(simulator: Pick<CloudSimulator, 'url'>, env: NodeJS.ProcessEnv = {}): Promise<RunningExporter> {
  const result = loadConfig({
    env: {
      ...TEST_KEY_ENV,
      ECOFLOW_API_HOST: simulator.url,
      EXPORTER_HOST: '127.0.0.1',
      EXPORTER_PORT: String(await closedPort()),
      COLLECTING_INTERVAL: '0.2',
      DEVICE_LIST_INTERVAL: '0.2',
      RETRY_TIMEOUT: '0.1',
      ESTABLISH_ATTEMPTS: '2',
      ECOFLOW_BACKOFF_BASE: '0.05',
      ECOFLOW_CIRCUIT_BREAKER_PAUSE: '0.5',
      LOG_LEVEL: 'debug',
      // REST-only unless a test brings a broker: their request counts are REST's alone.
      ECOFLOW_MQTT: 'off',
      ...env,
    },
    args: [],
  });
  if (result.kind !== 'config') throw new Error('expected a config');
  const config = result.config;
  const logs: string[] = [];
  // No repeat suppression: tests count what the exporter itself decides to log.
  const logger = new Logger({ level: 'debug', format: 'json', write: (line) => logs.push(line), repeatWindowMs: 0 });
  const app = new App({ config, logger });
  await app.start();
  return {
    app,
    config,
    logs,
    async scrape() {
      const res = await fetch(`http://127.0.0.1:${config.exporter.port}/metrics`);
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    stop: () => app.stop(),
  };
}

/** `name{labels} value` lines of one metric. */
export function samples(text: string, metric: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
}

export function sampleValue(text: string, metric: string, device: string): number | undefined {
  return valueWith(text, metric, { device });
}

/** Scrapes until `metric` has a sample for `device`; returns that exposition. */
export async function scrapeUntilPresent(exporter: RunningExporter, metric: string, device: string): Promise<string> {
  return eventually(async () => {
    const text = await exporter.scrape();
    return sampleValue(text, metric, device) !== undefined && text;
  }, `${metric} of ${device}`);
}

/** A simulator with `fleet` and the exporter polling it, both stopped when the test ends. */
export async function startPair(t: import('node:test').TestContext, env: NodeJS.ProcessEnv = {}, fleet: SimulatedDevice[] = stillFleet()) {
  const simulator = await startSimulator(fleet);
  const exporter = await startExporter(simulator, env);
  t.after(async () => {
    await exporter.stop();
    await simulator.stop();
  });
  return { simulator, exporter };
}

/** Value of the sample of `metric` whose labels include all of `labels`. */
export function valueWith(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = samples(text, metric).find((l) => wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Sum of the samples of `metric` whose labels include all of `labels`. */
export function sumWith(text: string, metric: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return samples(text, metric)
    .filter((l) => wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
