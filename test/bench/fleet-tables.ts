/**
 * The README's size tables, made from test/bench/results/fleet.json (written by the fleet
 * bench): the figures per fleet size, the compressed hour, and each target of the size issue
 * with its verdict. `npm run update-readme` writes them; the README test compares.
 */
import { readFileSync } from 'node:fs';

interface Row {
  devices: number;
  series: number;
  startup_ms: number;
  scrape_p50_ms: number;
  scrape_p99_ms: number;
  scrape_4_p50_ms: number;
  scrape_4_p99_ms: number;
  straightforward_p50_ms: number;
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

export interface FleetResults {
  date: string;
  machine: { cpu: string; cores: number; memory_gb: number; node: string };
  node_flags: string;
  one_device: { results: OneDevice[]; python: string };
  rows: Row[];
  compressed_hour: Hour[];
}

const RESULTS = new URL('../../../test/bench/results/fleet.json', import.meta.url);

export function fleetResults(): FleetResults {
  return JSON.parse(readFileSync(RESULTS, 'utf8')) as FleetResults;
}

const n = (x: number) => x.toLocaleString('en-US');
const size = (kb: number) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} kB`);

export function fleetTable(r: FleetResults = fleetResults()): string {
  const lines = [
    `On ${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node}, exporter flags \`${r.node_flags || 'none'}\`, one run (${r.date.slice(0, 10)}):`,
    '',
    '| devices | series | first complete output | `/metrics` p50 / p99 | 4 scrapers p50 / p99 | straightforward p50 | ratio | body / gzip | RSS / heap | poll processing |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${row.devices} | ${n(row.series)} | ${(row.startup_ms / 1000).toFixed(2)} s | ${row.scrape_p50_ms} / ${row.scrape_p99_ms} ms | ${row.scrape_4_p50_ms} / ${row.scrape_4_p99_ms} ms | ${row.straightforward_p50_ms} ms | ${row.ratio_p50} | ${size(row.body_kb)} / ${size(row.body_gzip_kb)} | ${Math.round(row.rss_mb)} / ${Math.round(row.heap_mb)} MB | ${row.poll_processing_ms} ms |`,
    );
  }
  if (r.compressed_hour.length > 0) {
    lines.push(
      '',
      `A compressed hour: the default intervals (polls every 10 s, device list every 30 s) run ${3600 / r.compressed_hour[0]!.hour_s} times faster, scraped every second; every 5 compressed minutes a tenth of the devices is replaced by new ones and another tenth loses a key and gains a new one:`,
      '',
      '| devices | churn rounds | RSS warm → after | heap warm → after | renewals of the instruments | API calls per device |',
      '|---:|---:|---:|---:|---:|---:|',
    );
    for (const h of r.compressed_hour) {
      lines.push(`| ${h.devices} | ${h.churn_rounds} | ${Math.round(h.rss_warm_mb)} → ${Math.round(h.rss_after_hour_mb)} MB | ${Math.round(h.heap_warm_mb)} → ${Math.round(h.heap_after_hour_mb)} MB | ${h.renewals} | ${h.api_calls_per_device_hour} |`);
    }
  }
  const [ours, python] = [r.one_device.results.find((x) => x.exporter === 'ecoflow-exporter'), r.one_device.results.find((x) => x.exporter !== 'ecoflow-exporter')];
  if (ours) {
    lines.push('', `One device, side by side with the Python \`ecoflow_prometheus.py\` in the same run (${python ? 'it ran' : r.one_device.python}):`, '');
    lines.push('| exporter | first complete output | `/metrics` p50 / p99 | answers to 4 scrapers in 30 s | RSS after them |', '|---|---:|---:|---:|---:|');
    for (const x of [ours, python]) {
      if (x) lines.push(`| \`${x.exporter}\` | ${x.startup_ms} ms | ${x.scrape_p50_ms} / ${x.scrape_p99_ms} ms | ${n(x.scrapes_in_30s_by_4)} | ${Math.round(x.rss_after_mb)} MB |`);
    }
  }
  return lines.join('\n');
}

/** Each target of the size issue, the figure of this run, and whether it is met. */
export function sizeVerdicts(r: FleetResults = fleetResults()): string {
  const ours = r.one_device.results.find((x) => x.exporter === 'ecoflow-exporter');
  const python = r.one_device.results.find((x) => x.exporter !== 'ecoflow-exporter');
  const fleet = r.rows.find((row) => row.devices === 100);
  const hour = r.compressed_hour.find((h) => h.devices === 100) ?? r.compressed_hour.at(-1);
  const verdict = (figure: number | undefined, limit: number | undefined, unit: string, digits = 0): string => {
    if (figure === undefined || limit === undefined) return 'not measured in this run';
    if (figure <= limit) return 'met';
    const over = figure - limit;
    return `missed by ${over.toFixed(digits)}${unit ? ` ${unit}` : ''} (+${Math.round((over / limit) * 100)}%)`;
  };
  const rows: Array<[string, string, string]> = [
    ['1 device: RSS ≤ 60 MB after 30 s of 4 concurrent scrapers', ours ? `${ours.rss_after_mb} MB${python ? ` (Python: ${python.rss_after_mb} MB)` : ''}` : '–', verdict(ours?.rss_after_mb, 60, 'MB')],
    ['1 device: `/metrics` p99 no worse than the Python exporter\'s', ours ? `${ours.scrape_p99_ms} ms${python ? ` against ${python.scrape_p99_ms} ms` : ''}` : '–', verdict(ours?.scrape_p99_ms, python?.scrape_p99_ms, 'ms', 1)],
    ['1 device: first complete `/metrics` within 1.5 s of start', ours ? `${(ours.startup_ms / 1000).toFixed(2)} s` : '–', verdict(ours?.startup_ms, 1500, 'ms')],
    ['100 devices: `/metrics` p50 ≤ 0.7 × the straightforward path', fleet ? `${fleet.ratio_p50} × (${fleet.scrape_p50_ms} against ${fleet.straightforward_p50_ms} ms)` : '–', verdict(fleet?.ratio_p50, 0.7, '', 2)],
    ['100 devices: `/metrics` p99 ≤ 200 ms', fleet ? `${fleet.scrape_p99_ms} ms` : '–', verdict(fleet?.scrape_p99_ms, 200, 'ms')],
    ['100 devices: 4 concurrent scrapers p50 ≤ 1.5 × one scraper\'s', fleet ? `${fleet.ratio_4_vs_1} ×` : '–', verdict(fleet?.ratio_4_vs_1, 1.5, '', 2)],
    ['100 devices: gzip served when asked', fleet ? `${size(fleet.body_kb)} → ${size(fleet.body_gzip_kb)}` : '–', fleet ? (fleet.body_gzip_kb < fleet.body_kb ? 'met' : 'missed') : 'not measured in this run'],
    ['100 devices: RSS ≤ 150 MB', fleet ? `${fleet.rss_mb} MB` : '–', verdict(fleet?.rss_mb, 150, 'MB')],
    ['Poll processing ≤ 1 ms per device payload on average', r.rows.length > 0 ? `${Math.max(...r.rows.map((row) => row.poll_processing_ms))} ms (the slowest fleet size)` : '–', verdict(r.rows.length > 0 ? Math.max(...r.rows.map((row) => row.poll_processing_ms)) : undefined, 1, 'ms', 2)],
    [
      'Memory flat over an hour with churn (RSS after ≤ RSS warm + 10 %)',
      hour ? `${hour.devices} devices: ${hour.rss_warm_mb} → ${hour.rss_after_hour_mb} MB, ${hour.renewals} renewal${hour.renewals === 1 ? '' : 's'}` : '–',
      verdict(hour?.rss_after_hour_mb, hour ? hour.rss_warm_mb * 1.1 : undefined, 'MB'),
    ],
  ];
  return ['| target | this run | verdict |', '|---|---|---|', ...rows.map(([target, figure, v]) => `| ${target} | ${figure} | ${v} |`)].join('\n');
}
