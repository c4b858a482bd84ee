/**
 * The targets of issue 21, judged on the figures of one fleet-bench run: each target names the
 * figure it reads and the limit it is held to, both taken from the same run (the floor, the
 * straightforward path and the Python exporter are measured beside the exporter). A figure the
 * run did not measure, or measured with a note against it (an exporter that ignored its
 * setting), leaves its target unjudged, with the reason.
 */
import type { HostileFigures } from './hostile-payload.js';

/** What the targets read from a run. */
export interface TargetInputs {
  floor?: { rss_mb: number };
  rows: ReadonlyArray<{ devices: number; rss_mb?: number; scrape_p50_ms?: number; straightforward_rss_mb?: number; note?: string }>;
  rows_raw_metrics_off: ReadonlyArray<{ devices: number; rss_mb?: number; scrape_p50_ms?: number; note?: string }>;
  one_device: { results: ReadonlyArray<{ exporter: string; scrape_p99_ms: number }>; python: string };
  hostile: ReadonlyArray<HostileFigures & { run: string }>;
}

export interface TargetVerdict {
  target: string;
  figure?: number;
  limit?: number;
  unit: string;
  /** How the limit is made. */
  against: string;
  met?: boolean;
  /** Why it was not judged. */
  note?: string;
}

interface Target {
  target: string;
  unit: string;
  against: string;
  /** The figure and the limit, or why there are none. */
  read(r: TargetInputs): { figure: number; limit: number; note?: string } | string;
}

const row = (rows: TargetInputs['rows'], devices: number) => rows.find((x) => x.devices === devices);
const missing = (what: string, note?: string) => `${what} not measured${note ? `: ${note}` : ' (not in BENCH_SIZES)'}`;

function hostileTarget(run: string, target: string): Target {
  return {
    target,
    unit: 'MB',
    against: '1.25 × RSS before',
    read: (r) => {
      const h = r.hostile.find((x) => x.run === run);
      if (!h) return 'hostile payload not measured (BENCH_HOSTILE=0)';
      if (h.rss_after_mb === undefined) return `not measured: ${h.note ?? 'no reading after'}`;
      return { figure: h.rss_after_mb, limit: 1.25 * h.rss_before_mb, ...(h.note && { note: h.note }) };
    },
  };
}

export const TARGETS: readonly Target[] = [
  {
    target: '1 device, npm start: RSS',
    unit: 'MB',
    against: 'floor + 15 MB',
    read: (r) => {
      const one = row(r.rows, 1);
      if (!r.floor) return 'floor not measured';
      if (one?.rss_mb === undefined || one.note) return missing('1 device', one?.note);
      return { figure: one.rss_mb, limit: r.floor.rss_mb + 15 };
    },
  },
  {
    target: '1 device: /metrics p99',
    unit: 'ms',
    against: "1.5 × the Python exporter's p99",
    read: (r) => {
      const ours = r.one_device.results.find((x) => x.exporter === 'ecoflow-exporter');
      const python = r.one_device.results.find((x) => x.exporter !== 'ecoflow-exporter');
      if (!ours) return 'one-device comparison not run (BENCH_SIDE=0)';
      if (!python) return `Python exporter not run: ${r.one_device.python}`;
      return { figure: ours.scrape_p99_ms, limit: 1.5 * python.scrape_p99_ms };
    },
  },
  {
    target: '100 devices, default: RSS',
    unit: 'MB',
    against: "the straightforward path's RSS",
    read: (r) => {
      const hundred = row(r.rows, 100);
      if (hundred?.rss_mb === undefined || hundred.straightforward_rss_mb === undefined || hundred.note) return missing('100 devices', hundred?.note);
      return { figure: hundred.rss_mb, limit: hundred.straightforward_rss_mb };
    },
  },
  {
    target: '100 devices, RAW_METRICS=false: RSS',
    unit: 'MB',
    against: '150 MB',
    read: (r) => {
      const hundred = row(r.rows_raw_metrics_off, 100);
      if (hundred?.rss_mb === undefined || hundred.note) return missing('100 devices with RAW_METRICS=false', hundred?.note);
      return { figure: hundred.rss_mb, limit: 150 };
    },
  },
  {
    target: '100 devices, RAW_METRICS=false: /metrics p50',
    unit: 'ms',
    against: '30 ms',
    read: (r) => {
      const hundred = row(r.rows_raw_metrics_off, 100);
      if (hundred?.scrape_p50_ms === undefined || hundred.note) return missing('100 devices with RAW_METRICS=false', hundred?.note);
      return { figure: hundred.scrape_p50_ms, limit: 30 };
    },
  },
  hostileTarget('npm start', 'hostile payload, npm start: RSS after'),
  hostileTarget('plain node', 'hostile payload, plain node: RSS after'),
];

export function judgeTargets(r: TargetInputs): TargetVerdict[] {
  return TARGETS.map((t) => {
    const read = t.read(r);
    const base = { target: t.target, unit: t.unit, against: t.against };
    if (typeof read === 'string') return { ...base, note: read };
    return { ...base, figure: read.figure, limit: Number(read.limit.toFixed(1)), met: read.figure <= read.limit, ...(read.note && { note: read.note }) };
  });
}

/** The summary block: one line per target. */
export function targetLines(verdicts: readonly TargetVerdict[]): string[] {
  const width = Math.max(...verdicts.map((v) => v.target.length));
  const lines = [`${'target'.padEnd(width)}  ${'figure'.padStart(10)}  ${'limit'.padStart(10)}  verdict  limit made of`];
  for (const v of verdicts) {
    const figure = v.figure === undefined ? '—' : `${v.figure} ${v.unit}`;
    const limit = v.limit === undefined ? '—' : `${v.limit} ${v.unit}`;
    const verdict = v.met === undefined ? 'unjudged' : v.met ? 'met' : 'MISSED';
    lines.push(`${v.target.padEnd(width)}  ${figure.padStart(10)}  ${limit.padStart(10)}  ${verdict.padEnd(8)} ${v.against}${v.note ? ` (${v.note})` : ''}`);
  }
  return lines;
}
