/**
 * src/catalog/shipped-queries.ts: what each shipped alert rule, dashboard panel and dashboard
 * variable reads, for the running exporter, which has neither grafana/ nor prometheus/ at hand
 * when it warns that a metric selection drops something they read. `npm run update-docs` writes
 * it; test/artifacts/shipped-queries.test.ts compares it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { METRICS } from '../../../src/catalog/catalog.js';
import type { ShippedQuery } from '../../../src/catalog/shipped-queries.js';
import { DASHBOARDS, dashboardQueries, readDashboard } from '../../helpers/dashboards.js';
import { repoPath } from '../../helpers/doc-sections.js';

/** The generated module, from the repository root. */
export const SHIPPED_QUERIES_FILE = 'src/catalog/shipped-queries.ts';

/** The prefix the shipped files are written with; the entries leave it out. */
const PREFIX = 'ecoflow_';

/** The exporter's histograms: the shipped files read them by their `_bucket`, `_sum` and `_count` series. */
const HISTOGRAMS = new Set<string>(Object.values(METRICS).flatMap((m) => (m.type === 'histogram' ? [m.name] : [])));

/** A metric name as exported, without the prefix; a histogram's series by the histogram's name. */
function exportedName(series: string): string {
  const name = series.slice(PREFIX.length);
  const histogram = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
  return histogram !== undefined && HISTOGRAMS.has(histogram) ? histogram : name;
}

/**
 * What one PromQL expression (or Grafana variable query) reads: the metric names it writes out,
 * and whether it also reads metrics it does not name: a selector with no name
 * (`{device=~"$device"}`) or one whose `__name__` is a variable or a pattern
 * (`{__name__="$metric"}`), which reaches the raw metrics, whatever they are called.
 */
export function queryReads(expr: string): { metrics: string[]; anyRawMetric: boolean } {
  const metrics: string[] = [];
  let anyRawMetric = false;
  for (const [, op, value] of expr.matchAll(/\b__name__\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
    if (op !== '=' || value!.includes('$')) anyRawMetric = true;
    else if (value!.startsWith(PREFIX)) metrics.push(value!);
  }
  // Strings are label values (and Grafana variables), never metric names.
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  metrics.push(...(code.match(new RegExp(`\\b${PREFIX}\\w+`, 'g')) ?? []));
  // A selector with no metric name before its braces (`__name__` matchers counted above).
  for (const m of code.matchAll(/\{([^}]*)\}/g)) {
    const before = code.slice(0, m.index).trimEnd();
    if (!/[\w:]$/.test(before) && !/\b__name__\s*(?:=~|!~|!=|=)/.test(m[1]!)) anyRawMetric = true;
  }
  return { metrics: metrics.map(exportedName), anyRawMetric };
}

interface RuleFile {
  groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

/** Every alert rule's place and expression, in file order. */
function alertQueries(): Array<{ where: string; expr: string }> {
  const { groups } = parse(readFileSync(repoPath('prometheus/alerts.yml'), 'utf8')) as RuleFile;
  return groups.flatMap((g) => g.rules.map((r) => ({ where: r.alert !== undefined ? `alert rule ${r.alert}` : `recording rule ${r.record}`, expr: r.expr })));
}

/** Every dashboard's variable queries, then its panels' queries, in file order. */
function dashboardPlaces(file: string): Array<{ where: string; expr: string }> {
  const dashboard = readDashboard(file);
  const title = `dashboard "${String(dashboard.title)}"`;
  const variables = dashboard.templating.list.flatMap((v) => {
    if (v.type !== 'query') return [];
    const query = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    return query === undefined ? [] : [{ where: `${title}, variable ${String(v.name)}`, expr: query }];
  });
  return [...variables, ...dashboardQueries(file).map(({ panel, expr }) => ({ where: `${title}, panel "${panel}"`, expr }))];
}

/**
 * What the shipped rules and dashboards read: alert rules first, then the dashboards in
 * DASHBOARDS order; one entry per place (panels of one dashboard with one title merge), in the
 * order the places first appear; names sorted and unique.
 */
export function shippedQueries(): ShippedQuery[] {
  const places = new Map<string, { metrics: Set<string>; anyRawMetric: boolean }>();
  for (const { where, expr } of [...alertQueries(), ...DASHBOARDS.flatMap(dashboardPlaces)]) {
    const reads = queryReads(expr);
    const place = places.get(where) ?? places.set(where, { metrics: new Set(), anyRawMetric: false }).get(where)!;
    for (const name of reads.metrics) place.metrics.add(name);
    place.anyRawMetric ||= reads.anyRawMetric;
  }
  return [...places]
    .filter(([, p]) => p.metrics.size > 0 || p.anyRawMetric)
    .map(([where, p]) => ({ where, metrics: [...p.metrics].sort(), ...(p.anyRawMetric ? { anyRawMetric: true as const } : {}) }));
}

/** A string literal as Biome writes it: single quotes, unless double quotes need fewer escapes. */
function literal(text: string): string {
  const escaped = (quote: string) => `${quote}${text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`)}${quote}`;
  return text.split("'").length > text.split('"').length ? escaped('"') : escaped("'");
}

const LINE_WIDTH = 160;

/** One entry, on one line where it fits (as Biome formats it, so `npm run lint` leaves the file alone). */
function entry(query: ShippedQuery): string {
  const metrics = `[${query.metrics.map(literal).join(', ')}]`;
  const raw = query.anyRawMetric ? ', anyRawMetric: true' : '';
  const line = `  { where: ${literal(query.where)}, metrics: ${metrics}${raw} },`;
  if (line.length <= LINE_WIDTH) return line;
  const metricsLine = `    metrics: ${metrics},`;
  return [
    '  {',
    `    where: ${literal(query.where)},`,
    ...(metricsLine.length <= LINE_WIDTH ? [metricsLine] : ['    metrics: [', ...query.metrics.map((m) => `      ${literal(m)},`), '    ],']),
    ...(query.anyRawMetric ? ['    anyRawMetric: true,'] : []),
    '  },',
  ].join('\n');
}

/** The text of src/catalog/shipped-queries.ts. */
export function shippedQueriesModule(): string {
  return `/**
 * Generated by \`npm run update-docs\` from grafana/dashboards/*.json and prometheus/alerts.yml: do
 * not edit. What each shipped alert rule, dashboard panel and dashboard variable reads, so that a
 * metric selection that drops one of these metrics can say which rule or panel loses its data
 * (the running exporter has neither folder).
 */

/** One place in the shipped rules or dashboards, and the metrics it reads. */
export interface ShippedQuery {
  /** For the user: \`alert rule EcoflowDeviceOffline\`, \`dashboard "EcoFlow overview", panel "Battery cycles"\`, \`dashboard "…", variable device\`. */
  where: string;
  /** The names read, as exported but without the prefix (\`ecoflow_\` in the shipped files); a histogram by its own name, sorted. */
  metrics: readonly string[];
  /** Also reads whichever raw metric a variable picks (\`{__name__="$metric"}\`) or every metric of a device (\`{device=~"$device"}\`). */
  anyRawMetric?: true;
}

export const SHIPPED_QUERIES: readonly ShippedQuery[] = [
${shippedQueries().map(entry).join('\n')}
];
`;
}
