import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceFamily } from '../../src/devices/device-family.js';
import { unifiedSamples } from '../../src/devices/unify.js';
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

/**
 * What a family's table makes of some quotas, as `{ "battery_soc_ratio": 0.46,
 * "port_output_power_watts{usb}": 12, … }`: easy to compare with hand-computed values.
 */
export function unifiedValues(family: DeviceFamily, quotas: ReadonlyMap<string, QuotaEntry>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of unifiedSamples(family, quotas)) {
    const name = UNIFIED_METRICS[s.metric].name;
    out[s.port === undefined ? name : `${name}{${s.port}}`] = s.value;
  }
  return out;
}
