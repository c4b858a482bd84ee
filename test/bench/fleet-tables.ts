/**
 * The size tables of docs/performance.md, made from test/bench/results/fleet.json (written by
 * the fleet bench): the figures per fleet size, the compressed hour, and one device beside the
 * Python exporter. `npm run update-docs` writes them; test/unit/docs.test.ts compares.
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
      lines.push(
        `| ${h.devices} | ${h.churn_rounds} | ${Math.round(h.rss_warm_mb)} → ${Math.round(h.rss_after_hour_mb)} MB | ${Math.round(h.heap_warm_mb)} → ${Math.round(h.heap_after_hour_mb)} MB | ${h.renewals} | ${h.api_calls_per_device_hour} |`,
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
