import { METRICS, type Label } from '../../../src/catalog/catalog.js';

/** The table of the exporter's own metrics in docs/metrics.md, made from the list the code uses. */
export function metricsTable(prefix = 'ecoflow'): string {
  const rows = ['| metric | type | labels | meaning |', '|---|---|---|---|'];
  for (const metric of Object.values(METRICS)) {
    const name = `${prefix}_${metric.name}${metric.type === 'counter' ? '_total' : ''}`;
    rows.push(`| \`${name}\` | ${metric.type} | ${metric.labels.map(labelText).join(', ') || '—'} | ${metric.help} |`);
  }
  return rows.join('\n');
}

/** `state (off, on)` for a label with a fixed set of values. */
export function labelText(label: Label): string {
  return typeof label === 'string' ? label : `${label.name} (${label.values.join(', ')})`;
}
