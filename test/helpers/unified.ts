/**
 * For the tests of the device families: captured payloads as snapshot quotas, which family a
 * device is read with, and what its table makes of the quotas, in shapes easy to compare.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceFamily } from '../../src/devices/device-family.js';
import { matchFamily } from '../../src/devices/detect-family.js';
import { samplesByTarget, type UnifiedSample } from '../../src/devices/unify.js';
import { UNIFIED_METRICS } from '../../src/catalog/catalog.js';
import type { QuotaEntry } from '../../src/snapshot/quota-snapshot.js';
import { payload } from '../../src/simulator/fleet.js';

/** A captured payload of `src/simulator/payloads/<name>.json` as snapshot quotas, all written at `at`. */
export function payloadQuotas(name: string, at = 0): Map<string, QuotaEntry> {
  const raw = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../src/simulator/payloads/${name}.json`, import.meta.url)), 'utf8'));
  return quotaMap(payload(raw), at);
}

export function quotaMap(quotas: Record<string, unknown>, at = 0): Map<string, QuotaEntry> {
  return new Map(Object.entries(quotas).map(([key, value]) => [key, { value, updatedAt: at }]));
}

/** The family a device's quotas are read with (matchFamily's), whatever it matched by. */
export function detectFamily(
  device: { sn: string; productName: string },
  quotas: ReadonlyMap<string, QuotaEntry>,
  families: readonly DeviceFamily[],
): DeviceFamily | undefined {
  return matchFamily(device, quotas, families)?.family;
}

/** Every sample a family's table makes of some quotas (samplesByTarget's, in the order of each target's first row). */
export function unifiedSamples(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>): UnifiedSample[] {
  return [...samplesByTarget(family, quotas).values()];
}

/**
 * What a family's table makes of some quotas, as `{ "battery_soc_ratio": 0.46,
 * "port_output_power_watts{usb}": 12, … }`: easy to compare with hand-computed values.
 */
export function unifiedValues(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of unifiedSamples(family, quotas)) {
    const name = UNIFIED_METRICS[s.metric].name;
    const label = s.port ?? s.phase;
    out[label === undefined ? name : `${name}{${label}}`] = s.value;
  }
  return out;
}
