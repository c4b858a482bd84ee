/**
 * Which quota keys the family tables name: the ones the output reads (unified rows, energy
 * rows, recognition, firmware), and the ones they document as left raw. What the snapshot keeps
 * when a payload is larger than the output can use, and what a metric pattern can be checked
 * against, both come from here.
 */
import type { KeyPolicy } from '../snapshot/quota-snapshot.js';
import type { DeviceFamily, EnergyRow, MappingRow } from './device-family.js';

/** The paths a mapping row reads: its key (or keys), the factor, the subtrahend, the condition. */
export function rowInputs(row: MappingRow): string[] {
  const inputs = typeof row.key === 'string' ? [row.key] : [...row.key];
  for (const path of [row.times, row.minus, row.when?.key]) if (path !== undefined) inputs.push(path);
  return inputs;
}

/**
 * The keys an energy row turns into values: its counter keys and, for a daily or circuit row, the
 * day they belong to. A lifetime row's `pack` key only names the pack: it stays the family's to
 * account for (an identity key), and the energy plan adds it to the row's inputs.
 */
export function energyRowInputs(row: EnergyRow): string[] {
  if (row.kind === 'circuit-buckets') return [row.key, ...row.day];
  return row.kind === 'daily' ? [...row.keys, ...row.day] : [...row.keys];
}

/** Every path the exporter reads by name from a device of this family. */
export function familyReadPaths(family: DeviceFamily): string[] {
  const paths = [...family.shapeKeys, ...(family.shapeAbsent ?? []), ...(family.shapeRanges ?? []).map((r) => r.key)];
  if (family.firmware) paths.push(family.firmware.key);
  for (const row of family.rows) paths.push(...rowInputs(row));
  for (const row of family.energy.rows) {
    paths.push(...energyRowInputs(row));
    if (row.kind === 'lifetime' && row.pack) paths.push(row.pack);
  }
  return paths;
}

/** Every exact key the table names: what it reads and what it lists as left raw (prefix rules aside). */
export function documentedKeys(family: DeviceFamily): string[] {
  return [...familyReadPaths(family), ...family.unmapped.map((u) => u.key), ...family.rawOnly.flatMap((r) => r.keys ?? [])];
}

/**
 * Keys some family reads are always kept: the unified metrics, the energy counters and the
 * recognition of a model must not depend on where a key falls in a flood of others. The rest
 * are kept for the raw metrics while the device's budget lasts, or not at all without them.
 * Any family's keys count, not only the device's own: which family a device is may be decided
 * by these very keys.
 */
export function keyTreatment(families: readonly DeviceFamily[], rawMetrics: boolean): KeyPolicy {
  const read = new Set<string>();
  for (const family of families) for (const path of familyReadPaths(family)) for (const holder of holders(path)) read.add(holder);
  const other = rawMetrics ? 'cap' : 'drop';
  return (key) => (read.has(key) ? 'keep' : other);
}

/** Every key that could hold `path`: itself and each start of it that ends before a `.` or `[`. */
function holders(path: string): string[] {
  const out = [path];
  for (let cut = 1; cut < path.length; cut++) {
    const c = path[cut];
    if (c === '.' || c === '[') out.push(path.slice(0, cut));
  }
  return out;
}
