/**
 * Every device's energy counters, kept current from the snapshot: each change is read once,
 * when it happens (never at collection time), by the way the device's family table chose
 * (energy-plan.ts). What the instruments read, and what the state file keeps. Knows nothing
 * of OpenTelemetry, HTTP or files.
 */
import type { CircuitBucketsRow, DailyCounterRow, DeviceFamily } from '../devices/device-family.js';
import { matchFamily } from '../devices/detect-family.js';
import { samplesByTarget, targetsFedBy } from '../devices/unify.js';
import type { CircuitSource, EnergyMetricId, Port } from '../metrics/catalog.js';
import type { DeviceIdentity, DeviceRecord, QuotaEntry, QuotaSnapshot, SnapshotChange } from '../snapshot/quota-snapshot.js';
import { readQuota, readRawQuota } from '../snapshot/quota-value.js';
import { holds } from '../snapshot/quota-path.js';
import { isFresh, StalenessRule } from '../snapshot/staleness.js';
import { DailyCounter, type DailyState } from './daily-counter.js';
import { energyKey, energyPlan, energyRowInputs, type EnergyPlan, type PlannedCounter } from './energy-plan.js';
import { LifetimeCounter, readLifetime } from './lifetime-counter.js';
import { PowerIntegrator, type HeldPower, type IntegratedState } from './power-integrator.js';

export type EnergyRejection = 'jump' | 'implausible_power' | 'older_day';

/** What the ledger reports (the self-metrics), and what it tells the log once per counter. */
export interface EnergyReporter {
  recordEnergyRejected(device: DeviceIdentity, reason: EnergyRejection): void;
}

/** One counter as the instruments read it. */
export interface EnergyReading {
  metric: EnergyMetricId;
  port?: Port;
  circuit?: string;
  source?: CircuitSource;
  joules: number;
  /** Epoch ms the counting started. */
  since: number;
}

/** What the state file keeps of one device: the counters the exporter adds up itself. */
export interface DeviceEnergyState {
  integrated: Record<string, IntegratedState>;
  daily: Record<string, DailyState>;
  /** Epoch ms the device was last on the device list: a device gone for longer than the retention is let go. */
  seenAt?: number;
}

export interface EnergyLedgerOptions {
  snapshot: QuotaSnapshot;
  families: readonly DeviceFamily[];
  /** The gauges' rule: a power that is not exported is not integrated. */
  staleness?: StalenessRule;
  reporter?: EnergyReporter;
  /** Told once per device, counter and reason. */
  onRejected?: (event: { sn: string; counter: string; reason: EnergyRejection; detail: string }) => void;
  /** How long the counters of a device that left the list are kept (in memory and the state file). */
  retainRemovedMs?: number;
}

const DAY_MS = 86_400_000;

/** One counter of a device: what it is (labels), and the accumulator behind it. */
interface Tracked {
  /** Handed to the instruments; joules and since refreshed on each read. */
  reading: EnergyReading;
  lifetime?: LifetimeCounter;
  daily?: DailyCounter;
  integrator?: PowerIntegrator;
}

interface DeviceEnergy {
  productName: string;
  family?: DeviceFamily;
  /** By key: energyKey(target), or circuitKey(source, n). */
  counters: Map<string, Tracked>;
  /** From the state file, until the device's family is known. */
  restored?: DeviceEnergyState;
  /**
   * Lifetime counters the device's first full read had no keys for: integrated instead, for as
   * long as the process runs (undefined: no full read yet).
   */
  lacking?: Set<string>;
  /** Told already: `${counter} ${reason}`. */
  told: Set<string>;
}

export class EnergyLedger {
  readonly #o: EnergyLedgerOptions;
  readonly #staleness: StalenessRule;
  readonly #devices = new Map<string, DeviceEnergy>();
  /** Devices that left the list, kept for a while in case they come back. */
  readonly #removed = new Map<string, { energy: DeviceEnergy; at: number }>();
  /** Read from the state file, for devices not listed yet. */
  readonly #restored = new Map<string, DeviceEnergyState>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: EnergyLedgerOptions) {
    this.#o = options;
    this.#staleness = options.staleness ?? new StalenessRule();
  }

  /** Counters from the state file; call before start(). */
  restore(devices: Readonly<Record<string, DeviceEnergyState>>, now = Date.now()): void {
    for (const [sn, state] of Object.entries(devices)) this.#restored.set(sn, { ...state, seenAt: state.seenAt ?? now });
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#o.snapshot.subscribe((change) => this.#onChange(change));
    for (const device of this.#o.snapshot.devices()) {
      this.#entry(device);
      if (device.state === 'online' && device.quotas.size > 0) this.#read(device);
    }
  }

  /**
   * Stops following the snapshot. The power held since each device's last update counts up to
   * `now` (by the same rule as between updates), so a shutdown loses no interval.
   */
  stop(now = Date.now()): void {
    if (!this.#unsubscribe) return;
    this.#unsubscribe();
    this.#unsubscribe = undefined;
    for (const [sn, energy] of this.#devices) {
      const device = this.#o.snapshot.get(sn);
      if (device?.state === 'online') this.#advance(device, energy, now);
      stopIntegrating(energy);
    }
  }

  /** The counters of a listed device as they stand: also while it is offline or stale. */
  *readings(sn: string): Iterable<EnergyReading> {
    const energy = this.#devices.get(sn);
    if (!energy) return;
    for (const t of energy.counters.values()) if (refresh(t)) yield t.reading;
    if (energy.restored) yield* restoredReadings(energy.restored);
  }

  /** What the state file keeps: the integrated and daily counters of listed and recently removed devices. */
  state(now: number): Record<string, DeviceEnergyState> {
    this.#prune(now);
    const out: Record<string, DeviceEnergyState> = Object.fromEntries(this.#restored);
    const add = (sn: string, energy: DeviceEnergy, seenAt: number) => {
      const state: DeviceEnergyState = energy.restored
        ? { integrated: { ...energy.restored.integrated }, daily: { ...energy.restored.daily } }
        : { integrated: {}, daily: {} };
      for (const [key, t] of energy.counters) {
        if (t.integrator?.state) state.integrated[key] = { ...t.integrator.state };
        const daily = t.daily?.state;
        if (daily) state.daily[key] = { ...daily, baseline: [...daily.baseline] };
      }
      if (Object.keys(state.integrated).length + Object.keys(state.daily).length > 0) out[sn] = { ...state, seenAt };
    };
    for (const [sn, removed] of this.#removed) add(sn, removed.energy, removed.at);
    for (const [sn, energy] of this.#devices) add(sn, energy, now);
    return out;
  }

  /** Lets go of devices off the list for longer than the retention. */
  #prune(now: number): void {
    const retain = this.#o.retainRemovedMs ?? 7 * DAY_MS;
    for (const [sn, removed] of this.#removed) if (now - removed.at > retain) this.#removed.delete(sn);
    for (const [sn, state] of this.#restored) if (now - (state.seenAt ?? now) > retain) this.#restored.delete(sn);
  }

  #onChange(change: SnapshotChange): void {
    if (change.kind === 'device-removed') {
      const energy = this.#devices.get(change.sn);
      this.#devices.delete(change.sn);
      const now = Date.now();
      if (energy) {
        stopIntegrating(energy);
        this.#removed.set(change.sn, { energy, at: now });
      }
      this.#prune(now);
      return;
    }
    const device = this.#o.snapshot.get(change.sn);
    if (!device) return;
    const energy = this.#entry(device);
    // Nothing is integrated across an outage: the next update starts a new interval.
    if (device.state !== 'online') stopIntegrating(energy);
    else if (change.kind === 'quotas-changed') this.#read(device, change.keys);
  }

  #entry(device: DeviceRecord): DeviceEnergy {
    let energy = this.#devices.get(device.sn);
    if (energy) return energy;
    energy = this.#removed.get(device.sn)?.energy;
    this.#removed.delete(device.sn);
    if (!energy) {
      energy = { productName: device.productName, counters: new Map(), told: new Set() };
      const restored = this.#restored.get(device.sn);
      this.#restored.delete(device.sn);
      if (restored) energy.restored = restored;
    }
    this.#devices.set(device.sn, energy);
    return energy;
  }

  /**
   * The family, once known (a renamed product is looked at again). When it becomes known, the
   * counters the state file kept for its plan are taken up; the others are let go.
   */
  #family(device: DeviceRecord, energy: DeviceEnergy): DeviceFamily | undefined {
    if (energy.family && energy.productName === device.productName) return energy.family;
    const family = matchFamily(device, device.quotas, this.#o.families)?.family;
    energy.productName = device.productName;
    if (family === energy.family) return family;
    energy.family = family;
    energy.counters.clear();
    energy.lacking = undefined;
    if (family) {
      const plan = energyPlan(family);
      const restored = energy.restored;
      energy.restored = undefined;
      if (restored) this.#takeUp(energy, plan, restored);
    }
    return family;
  }

  #takeUp(energy: DeviceEnergy, plan: EnergyPlan, restored: DeviceEnergyState): void {
    for (const planned of plan.counters) {
      const key = energyKey(planned);
      // A lifetime counter's fallback may have been integrating before the restart.
      if ((planned.how === 'integrated' || (planned.how === 'lifetime' && planned.fallback)) && restored.integrated[key]) {
        energy.counters.set(key, { reading: reading(target(planned)), integrator: new PowerIntegrator(plan.ratedPowerW, restored.integrated[key]) });
      } else if (planned.how === 'daily' && restored.daily[key]) {
        energy.counters.set(key, { reading: reading(target(planned)), daily: new DailyCounter(plan.ratedPowerW, planned.row.scale, restored.daily[key]) });
      }
    }
    for (const row of plan.circuits) {
      for (let n = 1; n <= row.circuits; n++) {
        const key = circuitKey(row.source, n);
        const state = restored.daily[key];
        if (state) energy.counters.set(key, { reading: reading(circuitTarget(row, n)), daily: new DailyCounter(plan.ratedPowerW, row.scale, state) });
      }
    }
  }

  #read(device: DeviceRecord, keys?: ReadonlySet<string>): void {
    const energy = this.#entry(device);
    const family = this.#family(device, energy);
    if (!family) return;
    const plan = energyPlan(family);
    const at = device.quotasUpdatedAt ?? Date.now();

    // The power held until now counts up to now (if it was still the device's), then the new one holds.
    this.#advance(device, energy, at);
    const fed = keys && targetsFedBy(family, keys);
    const samples = samplesByTarget(family, device.quotas, fed ?? plan.powerTargets);

    if (!keys && !energy.lacking) energy.lacking = lackingCounters(plan, device.quotas);
    for (const planned of plan.counters) {
      const key = energyKey(planned);
      const integration = planned.how === 'integrated' ? planned : planned.how === 'lifetime' && energy.lacking?.has(key) ? planned.fallback : undefined;
      if (integration) {
        if (fed && !fed.has(integration.power.target)) continue;
        const sample = samples.get(integration.power.target);
        const watts = sample && part(sample.value, integration.part);
        let t = energy.counters.get(key);
        if (!t?.integrator) {
          if (watts === undefined) continue;
          t = { reading: reading(target(planned)), integrator: new PowerIntegrator(plan.ratedPowerW) };
          energy.counters.set(key, t);
        }
        const held = watts === undefined ? undefined : { watts, updatedAt: sample!.updatedAt, ...(sample!.rest && { rest: true as const }) };
        if (t.integrator!.hold(held, at) === 'implausible') this.#reject(device, energy, key, 'implausible_power', `${watts} W, rated ${plan.ratedPowerW} W`);
      } else if (planned.how === 'lifetime') {
        if (keys && !written(keys, planned.row.keys)) continue;
        const value = readLifetime(planned.row, device.quotas);
        if (!value) continue;
        let t = energy.counters.get(key);
        // The device's own counter replaces what the state file integrated before: it is the better source.
        if (!t?.lifetime) {
          t = { reading: reading(target(planned)), lifetime: new LifetimeCounter(plan.ratedPowerW) };
          energy.counters.set(key, t);
        }
        const before = t.lifetime!.joules;
        if (t.lifetime!.offer(value.joules, value.at) === 'jump') this.#reject(device, energy, key, 'jump', `${value.joules} J after ${before} J`);
      } else if (planned.how === 'daily') {
        if (keys && !written(keys, energyRowInputs(planned.row))) continue;
        this.#daily(device, energy, key, target(planned), planned.row, plan.ratedPowerW, at);
      }
    }
    for (const row of plan.circuits) {
      if (keys && !written(keys, energyRowInputs(row))) continue;
      for (let n = 1; n <= row.circuits; n++) this.#daily(device, energy, circuitKey(row.source, n), circuitTarget(row, n), row, plan.ratedPowerW, at, n - 1);
    }
  }

  /** Every integrated counter of the device up to `at`: its held power counts while it was fresh and the device not silent too long. */
  #advance(device: DeviceRecord, energy: DeviceEnergy, at: number): void {
    const window = this.#staleness.window(device, at);
    const staleAfterMs = this.#staleness.staleAfterMs;
    const counts = (held: HeldPower, seconds: number) => seconds * 1000 <= staleAfterMs && isFresh(held.updatedAt, held.rest, window);
    for (const t of energy.counters.values()) t.integrator?.advance(at, counts);
  }

  /** A daily counter, or the hourly buckets of circuit `bucket` (0-based). */
  #daily(
    device: DeviceRecord,
    energy: DeviceEnergy,
    key: string,
    what: CounterLabels,
    row: DailyCounterRow | CircuitBucketsRow,
    maxWatts: number,
    at: number,
    bucket = 0,
  ): void {
    const day = dayOf(row.day, device.quotas);
    const values = row.kind === 'daily' ? dailyValues(row.keys, device.quotas) : bucketValues(row.key, bucket, device.quotas);
    if (day === undefined || values === undefined) return;
    let t = energy.counters.get(key);
    if (!t) {
      t = { reading: reading(what), daily: new DailyCounter(maxWatts, row.scale) };
      energy.counters.set(key, t);
    }
    const daily = t.daily!;
    const before = daily.state;
    const verdict = daily.offer(values, day, at);
    if (verdict === 'jump') this.#reject(device, energy, key, 'jump', `day ${day}: ${values.join(' + ')} after ${before?.baseline.join(' + ')}`);
    else if (verdict === 'older-day') this.#reject(device, energy, key, 'older_day', `day ${day} after ${before?.day}`);
  }

  #reject(device: DeviceRecord, energy: DeviceEnergy, counter: string, reason: EnergyRejection, detail: string): void {
    this.#o.reporter?.recordEnergyRejected(device, reason);
    const told = `${counter} ${reason}`;
    if (energy.told.has(told)) return;
    energy.told.add(told);
    this.#o.onRejected?.({ sn: device.sn, counter, reason, detail });
  }
}

type CounterLabels = Omit<EnergyReading, 'joules' | 'since'>;

function reading(what: CounterLabels): EnergyReading {
  return { ...what, joules: 0, since: 0 };
}

/** Brings the reading up to its accumulator; false while it has counted nothing. */
function refresh(t: Tracked): boolean {
  const state = t.integrator?.state ?? t.daily?.state;
  if (state) {
    t.reading.joules = state.joules;
    t.reading.since = state.since;
    return true;
  }
  const joules = t.lifetime?.joules;
  if (joules === undefined) return false;
  t.reading.joules = joules;
  t.reading.since = t.lifetime!.since;
  return true;
}

function stopIntegrating(energy: DeviceEnergy): void {
  for (const t of energy.counters.values()) t.integrator?.stop();
}

function circuitTarget(row: CircuitBucketsRow, n: number): CounterLabels {
  return { metric: 'circuitEnergy', circuit: String(n), source: row.source };
}

function target(planned: PlannedCounter): CounterLabels {
  return planned.port === undefined ? { metric: planned.metric } : { metric: planned.metric, port: planned.port };
}

/** Lifetime counters with a fallback whose keys the full read `quotas` lacks altogether (0 is a value: it is there). */
function lackingCounters(plan: EnergyPlan, quotas: ReadonlyMap<string, QuotaEntry>): Set<string> {
  const lacking = new Set<string>();
  for (const planned of plan.counters) {
    if (planned.how === 'lifetime' && planned.fallback && planned.row.keys.some((k) => readQuota(quotas, k) === undefined)) lacking.add(energyKey(planned));
  }
  return lacking;
}

/** The state file's key of a circuit's counter. */
export function circuitKey(source: CircuitSource, circuit: number): string {
  return `circuitEnergy/${source}/${circuit}`;
}

function* restoredReadings(state: DeviceEnergyState): Iterable<EnergyReading> {
  for (const [key, s] of Object.entries(state.integrated)) {
    const t = parseKey(key);
    if (t) yield { ...t, joules: s.joules, since: s.since };
  }
  for (const [key, s] of Object.entries(state.daily)) {
    const t = parseKey(key);
    if (t) yield { ...t, joules: s.joules, since: s.since };
  }
}

/** `metric`, `metric/port` or `circuitEnergy/source/n` back into labels. */
function parseKey(key: string): CounterLabels | undefined {
  const [metric, a, b] = key.split('/');
  if (metric === 'circuitEnergy') return a === 'grid' || a === 'battery' ? { metric, source: a, circuit: b ?? '' } : undefined;
  return a === undefined ? { metric: metric as EnergyMetricId } : { metric: metric as EnergyMetricId, port: a as Port };
}

/** The sign of a power a counter counts: magnitudes only; a negative magnitude is not a reading. */
function part(watts: number, which: 'all' | 'positive' | 'negative'): number | undefined {
  if (which === 'positive') return Math.max(0, watts);
  if (which === 'negative') return Math.max(0, -watts);
  return watts >= 0 ? watts : undefined;
}

/** A write of `keys` wrote one of `paths` (the key itself or a value nesting it). */
function written(keys: ReadonlySet<string>, paths: readonly string[]): boolean {
  for (const key of keys) for (const path of paths) if (holds(key, path)) return true;
  return false;
}

/** The device's day from its date keys (`2025-12-6`, or year, month and day), if all are there. */
function dayOf(keys: readonly string[], quotas: ReadonlyMap<string, QuotaEntry>): string | undefined {
  const parts: string[] = [];
  for (const key of keys) {
    const value = readRawQuota(quotas, key);
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    parts.push(String(value).trim());
  }
  return parts.join('-');
}

function dailyValues(keys: readonly string[], quotas: ReadonlyMap<string, QuotaEntry>): number[] | undefined {
  let sum = 0;
  for (const key of keys) {
    const reading = readQuota(quotas, key);
    if (reading === undefined) return undefined;
    sum += reading.value;
  }
  return [sum];
}

/** The circuit's 24 hourly values: an array of numbers, else nothing. */
function bucketValues(key: string, circuit: number, quotas: ReadonlyMap<string, QuotaEntry>): number[] | undefined {
  const rows = readRawQuota(quotas, key);
  if (!Array.isArray(rows)) return undefined;
  const row: unknown = rows[circuit];
  if (!Array.isArray(row) || row.length === 0 || row.length > 24) return undefined;
  return row.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
}
