/**
 * What we know of one product family, as data: how to recognise it, how its raw quota keys
 * become unified metrics, and why every other key of its payloads is left raw. One file per
 * family in this folder, listed in families.ts; sources cited by tags from sources.ts.
 */
import type { SourceTag } from './sources.js';
import type { CircuitSource, EnergyMetricId, Phase, Port, UnifiedMetricId } from '../catalog/catalog.js';

export interface DeviceFamily {
  /** The `family` label of `<prefix>_device_info`. */
  id: string;
  /** Models covered, for docs/devices.md. */
  title: string;
  /** `productName` of the device list, matched whole and case-insensitively. */
  productNames: readonly RegExp[];
  /** First characters of the serial number. */
  snPrefixes: readonly string[];
  /** Where the product names and serial prefixes come from, when not from the sources of the rows. */
  identityTags?: readonly SourceTag[];
  /**
   * Keys that, all present, identify the family when neither the name nor the serial number
   * does (a device list without productName, an unknown prefix).
   */
  shapeKeys: readonly string[];
  /** Keys that must be absent for the shape to match: another family's own keys. */
  shapeAbsent?: readonly string[];
  /**
   * Values that must be present and in range for the shape to match, where two families share
   * key names (RIVER 2 vs DELTA 2: the same pack voltage key in V or in mV).
   */
  shapeRanges?: readonly ShapeRange[];
  /**
   * How the device shapes its open-API MQTT quota messages: `type_code`
   * `{"typeCode":"pdStatus","params":{…}}` (DELTA 2 / RIVER 2 generation), `cmd`
   * `{"cmdFunc":20,"cmdId":1,"param":{…}}` (PowerStream, Smart Plug), `params` an
   * `{"id","version","timestamp","params":{"pd.soc":…}}` envelope, `flat` the keys as they are
   * (STREAM and newer). Absent: not known to publish on the stream.
   */
  streamShape?: StreamShape;
  /**
   * Every value arrives over the MQTT stream: REST quota/all answers success with no `data`
   * (the Smart Meter). Such a model is never read over REST, and without the stream it has no
   * values (one log line says so).
   */
  streamOnly?: true;
  /** Where the main firmware version is; `u32` is EcoFlow's four bytes, major first. */
  firmware?: { key: string; encoding: 'u32' | 'string' };
  rows: readonly MappingRow[];
  /** Keys looked at and deliberately left out, one entry per exact key, each with its reason. */
  unmapped: readonly UnmappedKey[];
  /**
   * Keys exported raw only, by rule: groups (settings, identifiers, per-cell arrays, …) too
   * large to list one by one in `unmapped`. Every key of our payloads is a row's input, an
   * unmapped key or under one of these rules (a test checks it).
   */
  rawOnly: readonly RawOnlyRule[];
  /**
   * How the energy counters are made. Rows name the device's own counters (lifetime or daily);
   * every energy metric whose power metric a row above maps, and no energy row covers, is
   * integrated from that power (src/energy/energy-plan.ts).
   */
  energy: FamilyEnergy;
}

export interface FamilyEnergy {
  /**
   * The most power the device moves, every port together, in W, from its specification, with
   * room for surges: a power reading above twice this is not integrated. Counters read from
   * keys have a rating of their own (EnergyRowBase.rating).
   */
  ratedPowerW: number;
  /** Where the rating comes from. */
  ratedPowerEvidence: string;
  /** No public source confirms the figure (an estimate or an assumption): the docs' table says so. */
  ratedPowerUnverified?: true;
  rows: readonly EnergyRow[];
}

/** One energy metric (and port) a family counts from keys, not by integrating power. */
export type EnergyRow = LifetimeCounterRow | DailyCounterRow | CircuitBucketsRow;

interface EnergyRowBase {
  metric: EnergyMetricId;
  /** Required on per-port metrics, forbidden elsewhere. */
  port?: Port;
  /** Multiplies the raw value into joules: 3600 for Wh. */
  scale: number;
  /**
   * The most power this counter counts, in W (a STREAM battery's charge rate, not the house
   * connection the family's grid counters need): growth faster than twice this is misread.
   */
  rating: EnergyRating;
  tags: readonly SourceTag[];
  /** What the sources say of the keys' meaning, unit and scope, and what our payloads show. */
  evidence: string;
}

/**
 * The device's lifetime counter: the values of `keys` added up (a device total from its port
 * counters). 0 and 4294967295 are "not filled", not readings.
 */
export interface LifetimeCounterRow extends EnergyRowBase {
  kind: 'lifetime';
  keys: readonly string[];
  /**
   * A key the same message writes with the counter that names the battery pack (a pack serial):
   * readings are then counted per pack. Without it, two packs writing the same keys are held
   * apart by the counter's rules (src/energy/device-counter.ts).
   */
  pack?: string;
}

/** A counter's rated power and where the figure comes from. */
export interface EnergyRating {
  watts: number;
  /** The specification line it rests on, with its source; or why it is an estimate. */
  evidence: string;
  /** No public source confirms the figure: the docs' table says so. */
  unverified?: true;
}

/** A counter the device starts again each day: the exporter adds up what it grows by. */
export interface DailyCounterRow extends EnergyRowBase {
  kind: 'daily';
  /** Added up, like LifetimeCounterRow.keys. */
  keys: readonly string[];
  /** Keys whose values, joined with `-`, name the device's day (`2025-12-6`, or year, month, day). */
  day: readonly string[];
}

/**
 * Per-circuit buckets of today: `key` holds one array per circuit, each of 24 hourly values
 * (Smart Home Panel mainsLoadWatt.watth); circuit n is the n-th array, up to `circuits`.
 */
export interface CircuitBucketsRow extends EnergyRowBase {
  kind: 'circuit-buckets';
  metric: 'circuitEnergy';
  key: string;
  day: readonly string[];
  source: CircuitSource;
  circuits: number;
}

/** See DeviceFamily.streamShape. */
export type StreamShape = 'type_code' | 'cmd' | 'params' | 'flat';

export interface ShapeRange {
  key: string;
  min?: number;
  max?: number;
  /** Why the bounds are where they are. */
  why: string;
}

export interface MappingRow {
  metric: UnifiedMetricId;
  /** Required on per-port metrics, forbidden elsewhere. */
  port?: Port;
  /** Required on per-phase metrics, forbidden elsewhere. */
  phase?: Phase;
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
  valid?: ValueRange;
  /** The row applies only while another key's raw value is in this range (a battery is connected). */
  when?: { key: string } & ValueRange;
  /** The sources the key's meaning, unit and sign rest on. */
  tags: readonly SourceTag[];
  /** What those sources say, and the arithmetic that checked it where a real dump allowed. */
  evidence: string;
}

/** Bounds on a raw value; `notZero`: an exact 0 is "not known" (a unit that does not see the grid answers 0.0). */
export interface ValueRange {
  min?: number;
  max?: number;
  notZero?: true;
}

export interface UnmappedKey {
  /** One exact key (or path); a key holding an array or object covers what is inside it. */
  key: string;
  reason: string;
  /** The sources the reason cites, if any. */
  tags?: readonly SourceTag[];
}

/**
 * Keys exported raw only. `keys`: exact keys (each covering what nests inside it); `prefixes`:
 * every key that starts with one, for a group the prefix names whole (`bms_slave.`).
 */
export interface RawOnlyRule {
  keys?: readonly string[];
  prefixes?: readonly string[];
  reason: string;
  tags?: readonly SourceTag[];
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

/** Several keys left out for one reason: one entry each, so every key is written out in full. */
export function unmappedKeys(keys: readonly string[], reason: string, tags?: readonly SourceTag[]): UnmappedKey[] {
  return keys.map((key) => (tags ? { key, reason, tags } : { key, reason }));
}

/**
 * Reasons of the raw-only rules, one per kind of key, so that every family says the same thing
 * of the same kind; each reason holds for every key filed under it. Energy counters have a kind
 * of their own: lifetime energy metrics will be made from them, so they must be easy to find.
 */
export const RAW_ONLY_REASONS = {
  settings: 'settings and set-points (limits, targets, standby timers, modes, switches, location): configuration, not measurements',
  identity: 'identifiers, versions, model and type codes, protocol and clock fields: not measurements (device_info carries what the exporter knows of the model)',
  status: 'states, flags, error and warning codes and registers: enums or bit fields, not quantities; no unified metric',
  cells: "per-cell and in-pack sensor readings, cell extremes, balancing and the pack's sensor layout: the unified battery metrics describe the pack as a whole",
  reserved: 'reserved or undocumented values: no source gives them a meaning',
  energyCounters: 'energy counters (Wh, lifetime or per day) no energy row reads: not filled on this model, unverified, or a sum the port counters already give',
  counters: 'charge (mAh), usage and event counters and run timers: no unified metric yet',
  tasks: 'scheduled tasks (timers the app sets), every key under the prefix: configuration, not measurements',
  unmapped: 'not yet mapped: no unified metric for it',
} as const;
