/** The table of docs/energy.md: how each family makes each energy counter, from its plan. */
import { FAMILIES } from '../../../src/devices/families.js';
import type { DeviceFamily } from '../../../src/devices/device-family.js';
import { energyPlan, type PlannedCounter } from '../../../src/energy/energy-plan.js';
import { ENERGY_METRICS, type EnergyMetricId } from '../../../src/catalog/catalog.js';

const keys = (list: readonly string[]) => list.map((k) => `\`${k}\``).join(' + ');

/** How one counter is made: the device's own counter and its keys, a daily counter, or integrated. */
function how(counter: PlannedCounter): string {
  if (counter.how === 'lifetime') return `device counter ${keys(counter.row.keys)}${counter.fallback ? ' (else integrated)' : ''}`;
  if (counter.how === 'daily') return `daily counter ${keys(counter.row.keys)}`;
  return 'integrated';
}

/**
 * One cell: `—` when the family has no such counter; on per-port metrics the ports that are
 * made the same way, then how (`` `ac`, `car`: integrated; `solar`: device counter `…` ``).
 */
export function energyCell(family: DeviceFamily, metric: EnergyMetricId): string {
  const plan = energyPlan(family);
  if (metric === 'circuitEnergy') {
    return plan.circuits.map((c) => `daily counter \`${c.key}\` (${c.source}, ${c.circuits} circuits)`).join('; ') || '—';
  }
  const counters = plan.counters.filter((c) => c.metric === metric);
  if (counters.length === 0) return '—';
  if (!('perPort' in ENERGY_METRICS[metric])) return counters.map(how).join('; ');
  const byHow = new Map<string, string[]>();
  for (const c of counters) byHow.set(how(c), [...(byHow.get(how(c)) ?? []), `\`${c.port}\``]);
  return [...byHow].map(([text, ports]) => `${ports.join(', ')}: ${text}`).join('; ');
}

/** Families (rows) × energy metrics (columns, named without `ecoflow_` and `_joules_total`). */
export function energyTable(): string {
  const ids = Object.keys(ENERGY_METRICS) as EnergyMetricId[];
  const short = (id: EnergyMetricId) => ENERGY_METRICS[id].name.replace(/_joules_total$/, '');
  const rows = [`| family | rated power | ${ids.map(short).join(' | ')} |`, `|---|---|${ids.map(() => '---').join('|')}|`];
  for (const family of FAMILIES) {
    const rating = `${family.energy.ratedPowerW} W${family.energy.ratedPowerUnverified ? ' (**unverified**)' : ''}`;
    rows.push(`| \`${family.id}\` | ${rating} | ${ids.map((id) => energyCell(family, id)).join(' | ')} |`);
  }
  return rows.join('\n');
}

/**
 * The rating of every counter a family reads from keys: the most power it counts, where the
 * figure comes from, and whether a public source confirms it.
 */
export function energyRatingsTable(): string {
  const rows = ['| family | counter | keys | rated power | source |', '|---|---|---|---|---|'];
  for (const family of FAMILIES) {
    for (const row of family.energy.rows) {
      const counter = `${ENERGY_METRICS[row.metric].name.replace(/_joules_total$/, '')}${row.kind === 'circuit-buckets' ? ` (${row.source}, per circuit)` : row.port ? `{${row.port}}` : ''}`;
      const inputs = row.kind === 'circuit-buckets' ? `\`${row.key}\`` : keys(row.keys);
      const verified = row.rating.unverified ? '**unverified**: ' : '';
      rows.push(`| \`${family.id}\` | ${counter} | ${inputs} | ${row.rating.watts} W | ${verified}${row.rating.evidence.replaceAll('|', '\\|')} |`);
    }
  }
  return rows.join('\n');
}
