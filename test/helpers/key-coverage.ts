/**
 * Whether a family's table accounts for a raw key: a row or an energy row reads it, it is listed as unmapped
 * with a reason, or a raw-only rule covers it. Keys are the paths readQuota reads (`a.b`,
 * `a[0].c`), so one nested quota value is as many keys as it has leaves.
 */
import { appendSegment, holds, visitLeaves, type LeafWalk } from '../../src/snapshot/quota-path.js';
import type { DeviceFamily, EnergyRow, MappingRow } from '../../src/devices/device-family.js';
import { energyRowInputs, rowInputs } from '../../src/devices/family-keys.js';

export type KeyAccount =
  | { by: 'row'; row: MappingRow }
  | { by: 'energy'; row: EnergyRow }
  | { by: 'unmapped'; reason: string }
  | { by: 'raw-only'; reason: string };

const LEAF_PATHS: LeafWalk<string, Set<string>> = { step: appendSegment, leaf: (_, path, __, out) => void out.add(path) };

/** Every leaf path of a quota/all payload; an empty array or object is a leaf of its own. */
export function leafPaths(quotas: Readonly<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(quotas)) visitLeaves(value, key, LEAF_PATHS, out);
  return [...out];
}

export function accountFor(family: DeviceFamily, path: string): KeyAccount | undefined {
  const row = family.rows.find((r) => rowInputs(r).some((k) => holds(k, path)));
  if (row) return { by: 'row', row };
  const energy = family.energy.rows.find((r) => energyRowInputs(r).some((k) => holds(k, path)));
  if (energy) return { by: 'energy', row: energy };
  if (family.firmware && holds(family.firmware.key, path)) return { by: 'raw-only', reason: 'the firmware label of device_info' };
  const unmapped = family.unmapped.find((u) => holds(u.key, path));
  if (unmapped) return { by: 'unmapped', reason: unmapped.reason };
  const rule = family.rawOnly.find((r) => r.keys?.some((k) => holds(k, path)) || r.prefixes?.some((p) => path.startsWith(p)));
  return rule && { by: 'raw-only', reason: rule.reason };
}

/** The keys of `quotas` the family's table says nothing about. */
export function unaccountedKeys(family: DeviceFamily, quotas: Readonly<Record<string, unknown>>): string[] {
  return leafPaths(quotas).filter((path) => accountFor(family, path) === undefined);
}
