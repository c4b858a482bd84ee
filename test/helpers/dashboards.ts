import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Grafana dashboards compose provisions, by file name. */
export const DASHBOARDS = ['ecoflow-overview.json', 'ecoflow-energy.json', 'ecoflow-raw.json', 'ecoflow-exporter.json'] as const;

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  /** Panel time overrides: `now/d` (today so far), with timeShift `1d/d` (yesterday). */
  timeFrom?: string;
  timeShift?: string;
  /** Minimum step of the panel's range queries. */
  interval?: string;
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: unknown[] }; custom?: Record<string, unknown> } };
  targets?: Array<{ refId: string; expr?: string; instant?: boolean; interval?: string; datasource?: { type: string; uid: string } }>;
  /** Only rows: their panels when collapsed. */
  panels?: Panel[];
}

/**
 * A dashboard's JSON: `file` is an absolute path, a path from the repository root
 * (`grafana/dashboards/ecoflow-raw.json`) or a bare file name in grafana/dashboards/.
 */
export function readDashboard(file: string): { templating: { list: Array<Record<string, unknown>> }; panels: Panel[] } & Record<string, unknown> {
  const path = isAbsolute(file) ? file : fileURLToPath(new URL(`../../../${file.includes('/') ? file : `grafana/dashboards/${file}`}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every panel but rows, including those inside collapsed rows. */
export function dashboardPanels(file: string): Panel[] {
  const flatten = (panels: Panel[]): Panel[] => panels.flatMap((p) => (p.type === 'row' ? flatten(p.panels ?? []) : [p]));
  return flatten(readDashboard(file).panels);
}

/**
 * Every PromQL expression of a dashboard with the title of its panel, exactly as written: the
 * variables ($device, $metric, $__rate_interval) are left for the caller to fill.
 */
export function dashboardQueries(file: string): Array<{ panel: string; expr: string }> {
  return dashboardPanels(file).flatMap((p) => (p.targets ?? []).filter((t) => t.expr !== undefined).map((t) => ({ panel: p.title, expr: t.expr! })));
}
