/**
 * The fleet bench's tables, made from test/bench/results/*.json (written by the fleet bench):
 * for docs/performance.md the figures per fleet size, the compressed hour and one device beside
 * the Python exporter; for CONTRIBUTING.md the figures behind them (our output against the
 * straightforward path, the work per poll, the instruments' renewals) and the comparisons of
 * runs. `npm run update-docs` writes them; test/artifacts/docs.test.ts compares.
 */
import { readFileSync } from 'node:fs';
import { FLOOR_STAGE_TITLES, type FloorStage } from './floor-stages.js';

interface Row {
  /** The Node options the exporter ran with (runs since issue 21). */
  node_options?: string;
  devices: number;
  series: number;
  startup_ms: number;
  scrape_p50_ms: number;
  scrape_p99_ms: number;
  scrape_4_p50_ms: number;
  scrape_4_p99_ms: number;
  /** The straightforward path: in the bench process without HTTP up to 2026-12-06, a process of its own scraped over HTTP since. */
  straightforward_p50_ms: number;
  /** Its RSS, with the exporter's Node options (runs since issue 21). */
  straightforward_rss_mb?: number;
  straightforward_p99_ms?: number;
  ratio_p50: number;
  ratio_4_vs_1: number;
  body_kb: number;
  body_gzip_kb: number;
  rss_mb: number;
  heap_mb: number;
  poll_processing_ms: number;
}

interface Hour {
  devices: number;
  hour_s: number;
  churn_rounds: number;
  rss_warm_mb: number;
  heap_warm_mb: number;
  rss_after_hour_mb: number;
  heap_after_hour_mb: number;
  renewals: number;
  api_calls_per_device_hour: number;
}

interface OneDevice {
  exporter: string;
  startup_ms: number;
  scrape_p50_ms: number;
  scrape_p99_ms: number;
  scrapes_in_30s_by_4: number;
  rss_after_mb: number;
}

/**
 * A run's file. Runs since issue 21 also hold `floor`, `rows_raw_metrics_off`, `hostile` and
 * `targets`, and their rows the straightforward path's p99, RSS and series (fleet-bench.ts
 * writes them; no table reads them yet).
 */
export interface FleetResults {
  date: string;
  machine: { cpu: string; cores: number; memory_gb: number; node: string };
  node_flags: string;
  one_device: { results: OneDevice[]; python: string };
  rows: Row[];
  compressed_hour: Hour[];
  floor?: { rss_mb: number; node_options: string; stages?: Array<{ stage: FloorStage; rss_mb: number }> };
  rows_raw_metrics_off?: Row[];
  hostile?: Array<{
    run: string;
    keys: number;
    payload_mb: number;
    rss_before_mb: number;
    rss_after_mb: number;
    ratio: number;
    series_dropped: number;
    node_options: string;
  }>;
  targets?: Array<{ target: string; unit: string; against: string; figure: number; limit: number; met: boolean | null }>;
}

const RESULTS = new URL('../../../test/bench/results/', import.meta.url);

/**
 * The fleet bench's results: `fleet.json` is the latest run with the Node options of `npm
 * start` (docs/performance.md shows it); the comparisons are of one sitting each and read their
 * own copies: `fleet-node24-sdk3.json` (the run of fleet.json on 2026-12-06, Node.js 24 with
 * OpenTelemetry JS 3.x), `fleet-node20-sdk2.json` the same bench at the last commit on Node.js 20
 * with 2.x, `fleet-no-flags.json` Node.js 24 without Node options, `fleet-semi-space-only.json`
 * Node.js 26 with the small young generation alone (no capped heap growth).
 */
export function fleetResults(file = 'fleet.json'): FleetResults {
  return JSON.parse(readFileSync(new URL(file, RESULTS), 'utf8')) as FleetResults;
}

/** The run of 2026-12-06 the comparisons were made around; fleet.json moves on with each bench run. */
const SITTING = 'fleet-node24-sdk3.json';

const HOUR_MS = 3_600_000;

/** Runs compared in one table must come from one machine in one sitting, or the comparison says nothing. */
function sameSitting(runs: FleetResults[]): void {
  const [first] = runs;
  for (const r of runs) {
    if (r.machine.cpu !== first!.machine.cpu || r.machine.cores !== first!.machine.cores)
      throw new Error(`runs on different machines: ${r.machine.cpu} vs ${first!.machine.cpu}`);
    if (Math.abs(Date.parse(r.date) - Date.parse(first!.date)) > 3 * HOUR_MS) throw new Error(`runs more than 3 hours apart: ${r.date} vs ${first!.date}`);
  }
}

const mb = (x: number) => `${Math.round(x)} MB`;
const change = (before: number, after: number) => `${after >= before ? '+' : '−'}${Math.abs(Math.round(((after - before) / before) * 100))} %`;

/** A table under an introducing line: right-aligned columns, one row per entry of `rows`. */
function table(intro: string, columns: readonly string[], rows: readonly string[][]): string {
  return [intro, '', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---:').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** One figure of several runs in order, `separators` between them (`1 → 2 → 3 ms`); a run without it shows —. */
function figures(values: ReadonlyArray<number | undefined>, unit: string, separators: readonly string[], round = false): string {
  const shown = values.map((v) => (v === undefined ? '—' : `${round ? Math.round(v) : v}`));
  return `${shown.map((text, i) => (i === 0 ? text : `${separators[i - 1]}${text}`)).join('')} ${unit}`;
}

const sameSize = (runs: FleetResults, devices: number) => runs.rows.find((r) => r.devices === devices);

/**
 * Node.js 20 with OpenTelemetry JS 2.x against Node.js 24 with 3.x: the same bench, one sitting;
 * between them, where it was run, the old commit on Node.js 24 (what the runtime did alone).
 */
export function runtimeComparison(
  before: FleetResults = fleetResults('fleet-node20-sdk2.json'),
  after: FleetResults = fleetResults(SITTING),
  middle: FleetResults = fleetResults('fleet-node24-sdk2.json'),
): string {
  sameSitting([before, middle, after]);
  const rows: string[][] = [];
  for (const a of after.rows) {
    const b = sameSize(before, a.devices);
    if (!b) continue;
    const m = sameSize(middle, a.devices);
    const three = (f: (r: Row) => number, unit: string, round = false) => figures([f(b), m && f(m), f(a)], unit, [' → ', ' → '], round);
    rows.push([
      `${a.devices}`,
      `${three((r) => r.scrape_p50_ms, 'ms')} (${change(b.scrape_p50_ms, a.scrape_p50_ms)})`,
      three((r) => r.scrape_p99_ms, 'ms'),
      three((r) => r.straightforward_p50_ms, 'ms'),
      three((r) => r.rss_mb, 'MB', true),
      three((r) => r.poll_processing_ms, 'ms'),
    ]);
  }
  return table(
    `On ${after.machine.cores} × ${after.machine.cpu}, one sitting (${before.date.slice(0, 10)}, runs finished between ${before.date.slice(11, 16)} and ${middle.date.slice(11, 16)} UTC), all with the Node options \`${after.node_flags || 'none'}\`: Node ${before.machine.node} with OpenTelemetry JS 2.x → Node ${middle.machine.node} with 2.x (the last commit before the move; 1 and 100 devices) → Node ${after.machine.node} with 3.x (this version):`,
    ['devices', '`/metrics` p50', '`/metrics` p99', 'straightforward p50', 'RSS', 'poll processing'],
    rows,
  );
}

/** The current runtime with the Node options of `npm start` and without any: where they help, where they cost. */
export function nodeOptionsComparison(withFlags: FleetResults = fleetResults(SITTING), without: FleetResults = fleetResults('fleet-no-flags.json')): string {
  sameSitting([withFlags, without]);
  const rows: string[][] = [];
  for (const w of withFlags.rows) {
    const o = sameSize(without, w.devices);
    if (!o) continue;
    rows.push([
      `${w.devices}`,
      `${w.scrape_p50_ms} → ${o.scrape_p50_ms} ms`,
      `${w.scrape_p99_ms} → ${o.scrape_p99_ms} ms`,
      `${mb(w.rss_mb)} → ${mb(o.rss_mb)}`,
    ]);
  }
  return table(
    `Node ${withFlags.machine.node}, same sitting as above; with \`${withFlags.node_flags}\` against no options:`,
    ['devices', '`/metrics` p50 with → without', 'p99 with → without', 'RSS with → without'],
    rows,
  );
}

/**
 * The small fleet's capped heap growth (`--heap-growing-percent`, src/node-options.ts): the run of
 * docs/performance.md, where the exporter chose its own options, against a run right after with
 * the small young generation alone (`EXPORTER_NODE_FLAGS=--max-semi-space-size=2`), at the sizes
 * both measured. The straightforward path runs with the exporter's options in each, so its
 * figures show what the same option does to the same series without our layers.
 */
export function heapGrowthComparison(withIt: FleetResults = fleetResults(), without: FleetResults = fleetResults('fleet-semi-space-only.json')): string {
  sameSitting([withIt, without]);
  const rows: string[][] = [];
  for (const w of withIt.rows) {
    const o = sameSize(without, w.devices);
    if (!o) continue;
    const sf =
      w.straightforward_rss_mb !== undefined && o.straightforward_rss_mb !== undefined
        ? `${mb(w.straightforward_rss_mb)} → ${mb(o.straightforward_rss_mb)}`
        : '—';
    rows.push([
      `${w.devices}`,
      `${w.node_options ?? withIt.node_flags}`,
      `${w.scrape_p50_ms} → ${o.scrape_p50_ms} ms`,
      `${w.scrape_p99_ms} → ${o.scrape_p99_ms} ms`,
      `${mb(w.rss_mb)} → ${mb(o.rss_mb)}`,
      sf,
    ]);
  }
  return table(
    `Node ${withIt.machine.node}, on ${withIt.machine.cores} × ${withIt.machine.cpu}, ${withIt.date.slice(0, 16).replace('T', ' ')} and ${without.date.slice(11, 16)} UTC; the exporter's own options against \`${without.node_flags}\`:`,
    ['devices', 'own options', '`/metrics` p50 own → without growth cap', 'p99', 'RSS', 'straightforward path RSS'],
    rows,
  );
}

/**
 * What the energy counters cost: the code before them, run twice (the run of fleet.json earlier
 * that day, kept as fleet-node24-sdk3.json, and again just before), against the code with them,
 * run right after: the first two show the run-to-run spread the last is judged by.
 */
export function energyComparison(
  earlier: FleetResults = fleetResults(SITTING),
  before: FleetResults = fleetResults('fleet-before-energy.json'),
  after: FleetResults = fleetResults('fleet-energy.json'),
): string {
  sameSitting([earlier, before, after]);
  const time = (r: FleetResults) => r.date.slice(11, 16);
  const spread = [', ', ' → '];
  const rows: string[][] = [];
  for (const a of after.rows) {
    const e = sameSize(earlier, a.devices);
    const b = sameSize(before, a.devices);
    if (!e || !b) continue;
    const three = (f: (r: Row) => number, unit: string, round = false) => figures([f(e), f(b), f(a)], unit, spread, round);
    const hour = (r: FleetResults) => r.compressed_hour.find((h) => h.devices === a.devices)?.rss_after_hour_mb;
    const hours = [hour(earlier), hour(before), hour(after)];
    rows.push([
      `${a.devices}`,
      `${n(b.series)} → ${n(a.series)}`,
      three((r) => r.scrape_p50_ms, 'ms'),
      three((r) => r.scrape_p99_ms, 'ms'),
      three((r) => r.rss_mb, 'MB', true),
      three((r) => r.poll_processing_ms, 'ms'),
      hours.every((h) => h !== undefined) ? figures(hours, 'MB', spread, true) : '—',
    ]);
  }
  return table(
    `Node ${after.machine.node}, flags \`${after.node_flags || 'none'}\`, on ${after.machine.cores} × ${after.machine.cpu}: the code before the energy counters at ${time(earlier)} and at ${time(before)} UTC (the spread between two runs), then with them at ${time(after)} UTC (${after.date.slice(0, 10)}). Poll processing includes the energy ledger:`,
    ['devices', 'series', '`/metrics` p50', '`/metrics` p99', 'RSS', 'poll processing', 'RSS after the compressed hour'],
    rows,
  );
}

const n = (x: number) => x.toLocaleString('en-US');
/** The Node options the exporter ran with, by size: it sets its own (src/node-options.ts). */
function optionsOf(r: FleetResults): string {
  const bySize = r.rows.filter((row) => row.node_options !== undefined).map((row) => `\`${row.node_options}\` at ${row.devices}`);
  return bySize.length > 0 ? `the exporter's own Node options ${bySize.join(', ')} device(s)` : `exporter flags \`${r.node_flags || 'none'}\``;
}

/** The issue-21 targets judged on the run, and the hostile payload's figures: for contributors. */
export function benchTargets(r: FleetResults = fleetResults()): string {
  const lines = [
    `The run of docs/performance.md (${r.date.slice(0, 10)}, ${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node}); the floor is Node with the OpenTelemetry API and SDK loaded (${r.floor ? `${Math.round(r.floor.rss_mb)} MB with \`${r.floor.node_options}\`` : 'not measured'}):`,
    '',
    '| target | figure | limit | limit made of | verdict |',
    '|---|---:|---:|---|---|',
  ];
  for (const t of r.targets ?? [])
    lines.push(
      `| ${t.target} | ${t.figure} ${t.unit} | ${t.limit} ${t.unit} | ${t.against} | ${t.met === null ? 'not judged' : t.met ? 'met' : '**missed**'} |`,
    );
  lines.push(...oneDeviceProfile(r));
  const hostile = r.hostile?.[0];
  if (hostile)
    lines.push(
      '',
      `Hostile payload: ${n(hostile.keys)} keys (${hostile.payload_mb} MB) on one device of five, \`${hostile.node_options}\`: RSS ${Math.round(hostile.rss_before_mb)} → ${Math.round(hostile.rss_after_mb)} MB (× ${hostile.ratio}), ${n(hostile.series_dropped)} values counted as left out.`,
    );
  return lines.join('\n');
}

/**
 * The profile of the one-device targets from the same run: what each import adds to Node alone
 * (the floor's stages) up to the exporter after its scrapes, and the p99 beside the
 * straightforward path's (the SDK's own collection, same options) and the Python exporter's.
 */
function oneDeviceProfile(r: FleetResults): string[] {
  const one = r.rows.find((x) => x.devices === 1);
  const stages = r.floor?.stages;
  if (!one || !stages) return [];
  const lines = [
    '',
    `What the one device's RSS is made of, in this run: each stage a fresh process loading one thing more, with \`${r.floor!.node_options}\`, RSS once it settles; then the exporter after its scrapes, and the straightforward path beside it:`,
    '',
    '| loaded | RSS | added |',
    '|---|---:|---:|',
  ];
  let before: number | undefined;
  for (const s of stages) {
    lines.push(`| ${FLOOR_STAGE_TITLES[s.stage]} | ${s.rss_mb} MB | ${before === undefined ? '' : `+${(s.rss_mb - before).toFixed(1)} MB`} |`);
    before = s.rss_mb;
  }
  lines.push(
    `| the exporter at one device after its scrapes (V8 heap in use: ${one.heap_mb} MB) | ${one.rss_mb} MB | +${(one.rss_mb - before!).toFixed(1)} MB |`,
  );
  if (one.straightforward_rss_mb !== undefined)
    lines.push(
      `| beside it: the straightforward path (the SDK's own exporter, none of our modules) after the same scrapes | ${one.straightforward_rss_mb} MB | |`,
    );
  const ours = r.one_device.results.find((x) => x.exporter === 'ecoflow-exporter');
  const python = r.one_device.results.find((x) => x.exporter !== 'ecoflow-exporter');
  const p99 = [
    one.straightforward_p99_ms !== undefined &&
      `under the fleet bench's paced scrapes ours ${one.scrape_p99_ms} ms, the straightforward path's ${one.straightforward_p99_ms} ms (the SDK's own collection and serializer, same options)`,
    ours && python && `side by side with the Python exporter (the target's figures) ours ${ours.scrape_p99_ms} ms, its ${python.scrape_p99_ms} ms`,
  ].filter(Boolean);
  if (p99.length > 0) lines.push('', `One device's \`/metrics\` p99 in this run: ${p99.join('; ')}.`);
  return lines;
}

const size = (kb: number) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} kB`);

/** What a user plans with: speed, body size and memory per fleet size, and memory over a compressed hour of churn. */
export function fleetTable(r: FleetResults = fleetResults()): string {
  const lines = [
    `On ${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node}, ${optionsOf(r)}, one run (${r.date.slice(0, 10)}):`,
    '',
    '| devices | series | first complete output | `/metrics` p50 / p99 | 4 scrapers p50 / p99 | body / gzip | RSS / heap |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${row.devices} | ${n(row.series)} | ${(row.startup_ms / 1000).toFixed(2)} s | ${row.scrape_p50_ms} / ${row.scrape_p99_ms} ms | ${row.scrape_4_p50_ms} / ${row.scrape_4_p99_ms} ms | ${size(row.body_kb)} / ${size(row.body_gzip_kb)} | ${Math.round(row.rss_mb)} / ${Math.round(row.heap_mb)} MB |`,
    );
  }
  const rawOff = r.rows_raw_metrics_off ?? [];
  if (rawOff.length > 0) {
    lines.push(
      '',
      'The same sizes with `RAW_METRICS=false` (the unified metrics, the energy counters and the device state):',
      '',
      '| devices | series | `/metrics` p50 / p99 | body / gzip | RSS / heap |',
      '|---:|---:|---:|---:|---:|',
    );
    for (const row of rawOff) {
      lines.push(
        `| ${row.devices} | ${n(row.series)} | ${row.scrape_p50_ms} / ${row.scrape_p99_ms} ms | ${size(row.body_kb)} / ${size(row.body_gzip_kb)} | ${Math.round(row.rss_mb)} / ${Math.round(row.heap_mb)} MB |`,
      );
    }
  }
  if (r.compressed_hour.length > 0) {
    lines.push(
      '',
      `A compressed hour: the default intervals (polls every 10 s, device list every 30 s) run ${3600 / r.compressed_hour[0]!.hour_s} times faster, scraped every second; every 5 compressed minutes a tenth of the devices is replaced by new ones and another tenth loses a key and gains a new one:`,
      '',
      '| devices | RSS warm → after | heap warm → after | API calls per device in the hour |',
      '|---:|---:|---:|---:|',
    );
    for (const h of r.compressed_hour) {
      lines.push(
        `| ${h.devices} | ${Math.round(h.rss_warm_mb)} → ${Math.round(h.rss_after_hour_mb)} MB | ${Math.round(h.heap_warm_mb)} → ${Math.round(h.heap_after_hour_mb)} MB | ${h.api_calls_per_device_hour} |`,
      );
    }
  }
  const [ours, python] = [
    r.one_device.results.find((x) => x.exporter === 'ecoflow-exporter'),
    r.one_device.results.find((x) => x.exporter !== 'ecoflow-exporter'),
  ];
  if (ours) {
    lines.push('', `One device, side by side with the Python \`ecoflow_prometheus.py\` in the same run (${python ? 'it ran' : r.one_device.python}):`, '');
    lines.push('| exporter | first complete output | `/metrics` p50 / p99 | answers to 4 scrapers in 30 s | RSS after them |', '|---|---:|---:|---:|---:|');
    for (const x of [ours, python]) {
      if (x)
        lines.push(
          `| \`${x.exporter}\` | ${x.startup_ms} ms | ${x.scrape_p50_ms} / ${x.scrape_p99_ms} ms | ${n(x.scrapes_in_30s_by_4)} | ${Math.round(x.rss_after_mb)} MB |`,
        );
    }
  }
  return lines.join('\n');
}

/**
 * The same run, for contributors: our `/metrics` against the straightforward path (the
 * OpenTelemetry package's own exporter on the same series, in the bench process), the work per
 * poll, and how often the compressed hour renewed the instruments.
 */
export function fleetInternals(r: FleetResults = fleetResults()): string {
  const rows = r.rows.map((row) => {
    const hour = r.compressed_hour.find((h) => h.devices === row.devices);
    return [
      `${row.devices}`,
      n(row.series),
      `${row.scrape_p50_ms} ms`,
      `${row.straightforward_p50_ms} ms`,
      `${row.ratio_p50}`,
      `${row.poll_processing_ms} ms`,
      hour ? `${hour.renewals} in ${hour.churn_rounds} churn rounds` : '—',
    ];
  });
  return table(
    `The run of docs/performance.md (${r.date.slice(0, 10)}, ${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node}, exporter flags \`${r.node_flags || 'none'}\`):`,
    ['devices', 'series', '`/metrics` p50', 'straightforward p50', 'ratio', 'poll processing', 'renewals of the instruments'],
    rows,
  );
}
