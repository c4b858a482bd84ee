import type { QuotaEntry } from '../snapshot/quota-snapshot.js';
import { readQuota } from '../snapshot/quota-value.js';
import type { DeviceFamily } from './device-family.js';

export interface FamilyMatch {
  family: DeviceFamily;
  /** By name is certain; the others are a good guess for a model no table lists by name. */
  by: 'product name' | 'serial number' | 'keys';
}

/**
 * Which table a device's quotas are read with: by the device list's `productName`, else by
 * the serial-number prefix, else by the shape of its keys. Undefined when nothing matches.
 */
export function matchFamily(device: { sn: string; productName: string }, quotas: ReadonlyMap<string, QuotaEntry>, families: readonly DeviceFamily[]): FamilyMatch | undefined {
  const name = device.productName.trim();
  const byName = name === '' ? undefined : families.find((f) => f.productNames.some((re) => re.test(name)));
  if (byName) return { family: byName, by: 'product name' };
  const sn = device.sn.toUpperCase();
  const bySn = families.find((f) => f.snPrefixes.some((prefix) => sn.startsWith(prefix)));
  if (bySn) return { family: bySn, by: 'serial number' };
  if (quotas.size === 0) return undefined;
  const byKeys = families.find((f) => hasShape(f, quotas));
  return byKeys && { family: byKeys, by: 'keys' };
}

/** A model whose values all come over the stream (DeviceFamily.streamOnly), known before any value: by name or serial number. */
export function isStreamOnlyModel(device: { sn: string; productName: string }, families: readonly DeviceFamily[]): boolean {
  return matchFamily(device, new Map(), families)?.family.streamOnly === true;
}

/** All shape keys present, the absent ones absent, the ranged values present and in range. */
function hasShape(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>): boolean {
  const read = (key: string) => readQuota(quotas, key)?.value;
  if (family.shapeKeys.length === 0 || !family.shapeKeys.every((k) => read(k) !== undefined)) return false;
  if (family.shapeAbsent?.some((k) => read(k) !== undefined)) return false;
  return (family.shapeRanges ?? []).every((r) => {
    const value = read(r.key);
    return value !== undefined && (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max);
  });
}

/** EcoFlow packs versions into one integer, a byte each: 16908607 = 0x0102013F → 1.2.1.63. */
export function firmwareOf(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>): string | undefined {
  if (!family.firmware) return undefined;
  const raw = quotas.get(family.firmware.key)?.value;
  if (family.firmware.encoding === 'string') return typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 64) : undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw <= 0 || raw > 0xffffffff) return undefined;
  return [raw >>> 24, (raw >>> 16) & 0xff, (raw >>> 8) & 0xff, raw & 0xff].join('.');
}
