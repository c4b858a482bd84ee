/**
 * Soak: the exporter process against the simulator with rotating faults and device churn,
 * scraped all the time, pushing OTLP to a collector that is down. Samples the exporter's own memory, event-loop lag and series count
 * from /metrics, so what is measured is the exporter alone, not the simulator beside it.
 * Used by `npm run soak` (long, prints a report) and by a CI-sized test (about a minute).
 */
import { CloudSimulator, type Fault } from '../../src/simulator/cloud-simulator.js';
import { demoFleet, payload, type SimulatedDevice } from '../../src/simulator/fleet.js';
import glacier from '../../src/simulator/payloads/glacier.json' with { type: 'json' };
import wave2 from '../../src/simulator/payloads/wave2.json' with { type: 'json' };
import deltapro from '../../src/simulator/payloads/deltapro.json' with { type: 'json' };
import { TEST_KEYS, TEST_KEY_ENV, closedPort } from '../helpers/simulated-fleet.js';
import { spawnExporter } from '../helpers/exporter-process.js';

export interface SoakOptions {
  durationMs: number;
  sampleEveryMs: number;
  log?: (line: string) => void;
}

export interface SoakSample {
  atS: number;
  rssMb: number;
  heapMb: number;
  lagMaxMs: number;
  series: number;
  phase: string;
}

export interface SoakReport {
  samples: SoakSample[];
  /** Heap in use read from every scrape (five a second): its lows follow the live data. */
  heapMb: Array<{ atS: number; mb: number }>;
  scrapes: number;
  badScrapes: string[];
  baselineSeries: number;
  finalSeries: number;
  exitCode: number | string;
}

const PHASES: Array<{ name: string; faults?: Fault[]; churn?: boolean }> = [
  { name: 'quiet' },
  { name: 'bad answers', faults: [{ kind: 'html' }, { kind: 'status', status: 502 }, { kind: 'malformed' }, { kind: 'wrong-shape' }] },
  { name: 'device churn', churn: true },
  { name: 'network', faults: [{ kind: 'reset' }, { kind: 'delay', ms: 800 }, { kind: 'slow-body', ms: 800 }] },
  {
    name: 'rate limited',
    faults: [
      { kind: 'status', status: 429 },
      { kind: 'api-error', code: '1001', message: 'Server is too busy' },
    ],
  },
  { name: 'churn and faults', churn: true, faults: [{ kind: 'html' }, { kind: 'reset' }] },
];

/** The phases' names, in their order. */
export const SOAK_PHASES: readonly string[] = PHASES.map((p) => p.name);

const CHURN_POOL: SimulatedDevice[] = [
  { sn: 'CHURN00000000001', deviceName: 'Glacier', productName: 'Glacier', online: true, quotas: payload(glacier) },
  { sn: 'CHURN00000000002', deviceName: 'Wave 2', productName: 'WAVE 2', online: true, quotas: payload(wave2) },
  { sn: 'CHURN00000000003', deviceName: 'DELTA Pro', productName: 'DELTA Pro', online: true, quotas: payload(deltapro) },
];

const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^\n]*\})? (-?[0-9.]+(e[+-]?\d+)?|[+-]Inf|NaN)$/;

function metric(text: string, name: string, label = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${label ? `{${label}` : ' '}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: demoFleet() });
  await simulator.start(0, '127.0.0.1');
  const port = await closedPort();
  const child = spawnExporter([], {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_PORT: String(port),
    COLLECTING_INTERVAL: '0.5',
    DEVICE_LIST_INTERVAL: '1',
    DATA_STALE_AFTER: '5',
    ECOFLOW_REQUEST_TIMEOUT: '0.5',
    ECOFLOW_BACKOFF_BASE: '0.1',
    ECOFLOW_CIRCUIT_BREAKER_PAUSE: '1',
    LOG_LEVEL: 'warn',
    // A tight old space makes V8 collect often, so heap readings follow the live data; a leak
    // would end in an out-of-memory crash, which the scrapes would report.
    NODE_OPTIONS: '--max-old-space-size=96',
    // A collector that is never there: every push fails, all run long; memory must not notice.
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  const report: SoakReport = { samples: [], heapMb: [], scrapes: 0, badScrapes: [], baselineSeries: 0, finalSeries: 0, exitCode: -1 };
  const started = Date.now();
  let phase = PHASES[0]!;
  let stopped = false;

  const scrape = async (): Promise<string | undefined> => {
    report.scrapes++;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const bad = text.split('\n').find((l) => l !== '' && !l.startsWith('#') && !SAMPLE_LINE.test(l));
      if (bad !== undefined) throw new Error(`invalid line: ${bad.slice(0, 200)}`);
      report.heapMb.push({ atS: (Date.now() - started) / 1000, mb: metric(text, 'ecoflow_exporter_heap_used_bytes') / 2 ** 20 });
      return text;
    } catch (err) {
      report.badScrapes.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${String(err)}`);
      return undefined;
    }
  };
  const waitFor = async (check: () => Promise<boolean>, ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check().catch(() => false)) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  };
  const quietSeries = async () => {
    const text = await (await fetch(url)).text();
    return metric(text, 'ecoflow_exporter_series');
  };

  // Baseline: the demo fleet, all read, no faults.
  if (!(await waitFor(async () => (await quietSeries()) > 500, 20_000))) throw new Error(`exporter did not start:\n${child.output()}`);
  // The baseline once the count stands still: a device's last keys may come a poll later.
  let settled = await quietSeries();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = await quietSeries();
    if (now === settled) break;
    settled = now;
  }
  report.baselineSeries = settled;
  log(`baseline: ${report.baselineSeries} quota series`);

  const scraper = (async () => {
    while (!stopped) {
      await scrape();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  /** One sample of the exporter's health, labelled with the phase it was taken in (at that phase's end). */
  const sample = async (): Promise<void> => {
    const text = await scrape();
    if (!text) return;
    const taken: SoakSample = {
      atS: Math.round((Date.now() - started) / 1000),
      rssMb: metric(text, 'ecoflow_exporter_resident_memory_bytes') / 2 ** 20,
      heapMb: metric(text, 'ecoflow_exporter_heap_used_bytes') / 2 ** 20,
      lagMaxMs: metric(text, 'ecoflow_exporter_event_loop_lag_seconds') * 1000,
      series: metric(text, 'ecoflow_exporter_series'),
      phase: phase.name,
    };
    report.samples.push(taken);
    log(
      `${taken.atS}s ${taken.phase}: rss ${taken.rssMb.toFixed(1)} MB, heap ${taken.heapMb.toFixed(1)} MB, lag ${taken.lagMaxMs.toFixed(1)} ms, series ${taken.series}`,
    );
  };
  await sample();

  // Chaos: a new phase every few seconds; churn adds, removes and flips pool devices.
  const phaseMs = Math.max(2000, Math.min(15_000, options.durationMs / 12));
  const stride = sampleStride(options.sampleEveryMs, phaseMs, PHASES.length);
  let tick = 0;
  while (Date.now() - started < options.durationMs) {
    phase = PHASES[tick % PHASES.length]!;
    simulator.clearFaults();
    for (const fault of phase.faults ?? []) simulator.injectFault(tick % 2 ? 'quota/all' : 'device/list', fault, 3);
    if (phase.churn) {
      for (const [i, device] of CHURN_POOL.entries()) {
        const present = (() => {
          try {
            return Boolean(simulator.device(device.sn));
          } catch {
            return false;
          }
        })();
        if (!present && (tick + i) % 2 === 0) simulator.addDevice(device);
        else if (present && (tick + i) % 3 === 0) simulator.removeDevice(device.sn);
        else if (present) simulator.setOnline(device.sn, (tick + i) % 2 === 1);
      }
      simulator.setOnline('HW52ZDH4SF2E0002', tick % 4 !== 2);
    }
    simulator.setQuota('R331ZEB4ZEAL0528', 'pd.soc', 20 + (tick % 60));
    await new Promise((r) => setTimeout(r, phaseMs));
    if (tick % stride === 0) await sample();
    tick++;
  }

  // Back to the baseline fleet; the series count must come back to where it was.
  phase = { name: 'restored' };
  simulator.clearFaults();
  for (const device of CHURN_POOL) simulator.removeDevice(device.sn);
  simulator.setOnline('HW52ZDH4SF2E0002', true);
  simulator.setQuota('R331ZEB4ZEAL0528', 'pd.soc', 46);
  await waitFor(async () => (await quietSeries()) === report.baselineSeries, 20_000);
  await new Promise((r) => setTimeout(r, Math.min(options.sampleEveryMs * 2, 10_000)));
  report.finalSeries = await quietSeries();
  await sample();
  stopped = true;
  await scraper;
  child.child.kill('SIGTERM');
  report.exitCode = await child.exited;
  await simulator.stop();
  return report;
}

/** Markdown summary: the soak table of CONTRIBUTING.md ("Soak") is made with this. */
export function formatReport(report: SoakReport): string {
  const rows = report.samples.map((s) => `| ${s.atS} | ${s.phase} | ${s.rssMb.toFixed(1)} | ${s.heapMb.toFixed(1)} | ${s.lagMaxMs.toFixed(1)} | ${s.series} |`);
  return [
    '| t (s) | phase | RSS (MiB) | heap (MiB) | event-loop lag max (ms) | quota series |',
    '|---:|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `scrapes: ${report.scrapes}, failed or invalid: ${report.badScrapes.length}; quota series at baseline ${report.baselineSeries}, after restoring it ${report.finalSeries}; exit status ${report.exitCode}`,
  ].join('\n');
}

/**
 * Every how many phases a sample is taken: about every `sampleEveryMs`, but never a multiple of
 * the phase cycle's length, so the samples go round every phase instead of landing on the same
 * one each time (six 15 s phases and a 90 s interval would sample "quiet" only).
 */
export function sampleStride(sampleEveryMs: number, phaseMs: number, phases: number): number {
  let stride = Math.max(1, Math.round(sampleEveryMs / phaseMs));
  while (stride > 1 && gcd(stride, phases) !== 1) stride++;
  return stride;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
