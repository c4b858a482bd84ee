/** The docs' tables of the unified layer and the devices (docs/metrics.md, docs/devices.md), made from the lists the code uses. */
import { FAMILIES } from '../../../src/devices/families.js';
import type { DeviceFamily, RawOnlyRule, UnmappedKey } from '../../../src/devices/device-family.js';
import { SOURCES } from '../../../src/devices/sources.js';
import { energyPlan } from '../../../src/energy/energy-plan.js';
import {
  DEVICE_INFO,
  DEVICE_LABELS,
  ENERGY_METRICS,
  ENERGY_UNIT,
  metricLabels,
  PORTS,
  UNIFIED_METRICS,
  type EnergyMetric,
  type EnergyMetricId,
  type UnifiedMetric,
  type UnifiedMetricId,
} from '../../../src/catalog/catalog.js';

function provides(family: DeviceFamily, metric: UnifiedMetricId): boolean {
  return family.rows.some((r) => r.metric === metric);
}

/** `{port}` or `{circuit,source}`: the labels a metric carries beyond the device's. */
function ownLabels(metric: UnifiedMetric | EnergyMetric): string {
  const own = metricLabels(metric)
    .slice(DEVICE_LABELS.length)
    .map((l) => (typeof l === 'string' ? l : l.name));
  return own.length > 0 ? `{${own.join(',')}}` : '';
}

export function unifiedMetricsTable(prefix = 'ecoflow'): string {
  const rows = ['| metric | unit | meaning | families |', '|---|---|---|---|'];
  rows.push(`| \`${prefix}_${DEVICE_INFO.name}\` | — | ${DEVICE_INFO.help} | all |`);
  for (const [id, m] of Object.entries(UNIFIED_METRICS) as Array<[UnifiedMetricId, (typeof UNIFIED_METRICS)[UnifiedMetricId]]>) {
    const families = FAMILIES.filter((f) => provides(f, id)).map((f) => f.id);
    const name = `\`${prefix}_${m.name}${ownLabels(m)}\``;
    rows.push(`| ${name} | ${m.unit} | ${m.help} | ${families.join(', ') || '—'} |`);
  }
  for (const [id, m] of Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>) {
    const families = FAMILIES.filter((f) => countsEnergy(f, id)).map((f) => f.id);
    const name = `\`${prefix}_${m.name}${ownLabels(m)}\``;
    rows.push(`| ${name} | ${ENERGY_UNIT} | ${m.help} | ${families.join(', ') || '—'} |`);
  }
  return rows.join('\n');
}

/** Whether the family's energy plan makes the counter, by any of the three ways (docs/energy.md). */
function countsEnergy(family: DeviceFamily, metric: EnergyMetricId): boolean {
  const plan = energyPlan(family);
  return metric === 'circuitEnergy' ? plan.circuits.length > 0 : plan.counters.some((c) => c.metric === metric);
}

export function portsTable(): string {
  return ['| port | what |', '|---|---|', ...Object.entries(PORTS).map(([port, what]) => `| \`${port}\` | ${what} |`)].join('\n');
}

/** Which unified metric each family has (✓), and per-port metrics with their ports. */
export function coverageMatrix(): string {
  const header = `| metric | ${FAMILIES.map((f) => f.id).join(' | ')} |`;
  const rule = `|---|${FAMILIES.map(() => ':-:').join('|')}|`;
  const rows = (Object.keys(UNIFIED_METRICS) as UnifiedMetricId[]).map((id) => {
    const cells = FAMILIES.map((f) => {
      const ports = [...new Set(f.rows.filter((r) => r.metric === id && r.port).map((r) => r.port))];
      return ports.length > 0 ? ports.join(' ') : provides(f, id) ? '✓' : '';
    });
    return `| ${UNIFIED_METRICS[id].name} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** Per family: models, how it is recognised, and the keys left out on purpose. */
export function familyNotes(): string {
  return FAMILIES.map((f) => {
    const recognised = [
      f.productNames.length > 0 ? `product name ${f.productNames.map((r) => `\`${r.source.replace(/^\^|\$$/g, '')}\``).join(', ')}` : undefined,
      f.snPrefixes.length > 0 ? `serial ${f.snPrefixes.map((p) => `\`${p}…\``).join(', ')}` : undefined,
      `keys ${f.shapeKeys.map((k) => `\`${k}\``).join(' + ')}`,
    ].filter(Boolean);
    const unmapped = groupByReason(f.unmapped).map((g) => `  - ${g.keys.map((k) => `\`${k}\``).join(', ')}: ${g.reason}${cited(g.tags)}`);
    const rawOnly = f.rawOnly.map((r) => `  - raw only: ${ruleKeys(r)}: ${r.reason}${cited(r.tags)}`);
    return [`- **${f.id}** (${f.title}): recognised by ${recognised.join(', else ')}. Left unmapped:`, ...unmapped, ...rawOnly].join('\n');
  }).join('\n');
}

/** Each family lives in the file named after its id (`delta_pro_3` → `src/devices/delta-pro-3.ts`). */
export function familyFile(family: DeviceFamily): string {
  return `src/devices/${family.id.replaceAll('_', '-')}.ts`;
}

/**
 * Unmapped keys that share a reason (and its tags), as one entry: the tables list one key per
 * entry so that every key is written out, but a reader wants each reason once.
 */
function groupByReason(unmapped: readonly UnmappedKey[]): Array<{ keys: string[]; reason: string; tags?: readonly string[] }> {
  const groups = new Map<string, { keys: string[]; reason: string; tags?: readonly string[] }>();
  for (const u of unmapped) {
    const id = `${u.reason}\u0000${(u.tags ?? []).join(',')}`;
    const group = groups.get(id);
    if (group) group.keys.push(u.key);
    else groups.set(id, u.tags ? { keys: [u.key], reason: u.reason, tags: u.tags } : { keys: [u.key], reason: u.reason });
  }
  return [...groups.values()];
}

function cited(tags: readonly string[] | undefined): string {
  return tags && tags.length > 0 ? ` (${tags.join(', ')})` : '';
}

/** A rule's keys, briefly: a short rule whole, else its first few keys; every prefix. */
function ruleKeys(rule: RawOnlyRule): string {
  const keys = rule.keys ?? [];
  const shown = keys.slice(0, keys.length <= 8 ? 8 : 4).map((k) => `\`${k}\``);
  if (keys.length > shown.length) shown.push(`${keys.length - shown.length} more`);
  return [...shown, ...(rule.prefixes ?? []).map((p) => `\`${p}…\``)].join(', ');
}

/** The sources legend: what each tag the tables cite is, and where to read it. */
export function sourcesLegend(): string {
  const rows = SOURCES.map((s) => `| ${s.tag} | ${s.what} | \`${s.repo}\` | ${s.paths.map((p) => `\`${p}\``).join(', ')} |`);
  return ['| tag | what | repository | path |', '|---|---|---|---|', ...rows].join('\n');
}

/** Families that do not provide `metric`, by title: for the alert notes of docs/operations.md. */
export function familiesWithout(metric: UnifiedMetricId): string {
  return `${FAMILIES.filter((f) => !provides(f, metric))
    .map((f) => f.title)
    .join(', ')}.`;
}
