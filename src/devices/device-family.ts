import type { Port, UnifiedMetricId } from './unified-metrics.js';

/**
 * What we know of one product family, as data: how to recognise it and how its raw quota keys
 * become unified metrics. One file per family in this folder, listed in families.ts.
 */
export interface DeviceFamily {
  /** The `family` label of `<prefix>_device_info`. */
  id: string;
  /** Models covered, for the README. */
  title: string;
  /** `productName` of the device list, matched whole and case-insensitively. */
  productNames: readonly RegExp[];
  /** First characters of the serial number. */
  snPrefixes: readonly string[];
  /**
   * Keys that, all present, identify the family when neither the name nor the serial number
   * does (a device list without productName, an unknown prefix).
   */
  shapeKeys: readonly string[];
  /** A further check on the values, where two families share key names (RIVER 2 vs DELTA 2). */
  shapeTest?: (read: (key: string) => number | undefined) => boolean;
  /** Where the main firmware version is; `u32` is EcoFlow's four bytes, major first. */
  firmware?: { key: string; encoding: 'u32' | 'string' };
  rows: readonly MappingRow[];
  /** Keys looked at and deliberately left out: the README's coverage matrix lists them. */
  unmapped: readonly UnmappedKey[];
}

export interface MappingRow {
  metric: UnifiedMetricId;
  /** Required on per-port metrics, forbidden elsewhere. */
  port?: Port;
  /** The raw key (a path: `a.b[0].c` reaches into nested values); a list: the first present. */
  key: string | readonly string[];
  /** The value is `key` × `times` (pack power from voltage and current); both must be present. */
  times?: string;
  /** The value is `key` − `minus` (charge power minus discharge power); both must be present. */
  minus?: string;
  /** Multiplies the raw value (or product) into the base unit. */
  scale: number;
  /** -1 where the model counts the other way round (PowerStream: battery + = discharging). */
  sign?: 1 | -1;
  /** Magnitude only: for ports whose direction the metric name already says. */
  abs?: true;
  /** Raw values outside this range are sentinels or nonsense: no series. */
  valid?: { min?: number; max?: number };
  /** The row applies only while another key's raw value is in this range (a battery is connected). */
  when?: { key: string; min?: number; max?: number };
  /** The public source of the key's meaning and unit (tags as in shared/ecoflow-units.md). */
  source: string;
}

export interface UnmappedKey {
  key: string;
  reason: string;
}

/**
 * Remaining-time keys: minutes, with sentinels 5939, 5999 and 143999 for "not charging" /
 * "not discharging". tolwi's integration drops values below 0 and above 5000; so do we, and 0
 * ("no estimate") too.
 */
export const REMAINING_MINUTES = { min: 1, max: 5000 } as const;

/** SoH 0 appears next to healthy packs in real dumps (RIVER 2 Max, DELTA Pro): not a reading. */
export const HEALTH_PERCENT = { min: 1, max: 100 } as const;

/** An AC side that is off reads 0 Hz: that is not a frequency, so no series. */
export const AC_FREQUENCY = { min: 1 } as const;

/** SoC outside 0–100 % is not a reading. */
export const CHARGE_PERCENT = { min: 0, max: 100 } as const;
