/**
 * One device's energy counters: the family's plan applied to each write of its quotas. Device
 * counters follow the device's own (device-counter.ts), daily counters add up what the device
 * adds (daily-counter.ts), the rest integrate power (power-integrator.ts). Knows nothing of
 * OpenTelemetry, the snapshot's subscribers or files.
 */
import type { CircuitBucketsRow, DailyCounterRow, DeviceFamily } from '../devices/device-family.js';
import { samplesByTarget, targetsFedBy } from '../devices/unify.js';
import type { CircuitSource, EnergyMetricId, Port } from '../catalog/catalog.js';
import type { DeviceRecord } from '../snapshot/quota-snapshot.js';
import { isFresh, type StalenessRule } from '../snapshot/staleness.js';
import { type CounterId, decodeCounterKey, encodeCounterKey } from './counter-key.js';
import { DailyCounter, type DailyState } from './daily-counter.js';
import { DeviceCounter, type DeviceCounterState, type DeviceCounterVerdict } from './device-counter.js';
import { energyPlan, type EnergyPlan, type PlannedCounter } from './energy-plan.js';
import { PowerIntegrator, type HeldPower, type IntegratedState } from './power-integrator.js';
import { bucketValues, dailyValue, dayOf, powerPart, readLifetime, wrote } from './quota-readings.js';

export type EnergyRejection = 'jump' | 'decrease' | 'implausible_power' | 'older_day';

/** What a device counter did that a user should hear of: it moved onto a new level of the device's. */
export type EnergyRebaseline = 'reset' | 'rebaselined' | 'recovered';

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

/** What the state file keeps of one device, by counter key (counter-key.ts). */
export interface DeviceEnergyState {
  integrated: Record<string, IntegratedState>;
  daily: Record<string, DailyState>;
  /** Device counters: ours, the device's trusted reading, the start time (none in version-1 files). */
  device?: Record<string, DeviceCounterState>;
  /** Epoch ms the device was last on the device list: a device gone for longer than the retention is let go. */
  seenAt?: number;
}

/** What the device's counters tell their ledger: rejections (counted, said once) and level changes. */
export interface DeviceEnergyEvents {
  rejected(counter: string, reason: EnergyRejection, detail: string): void;
  moved(counter: string, how: EnergyRebaseline, detail: string): void;
  /** A counter that had nothing to export has something now. */
  started(): void;
}

/** One counter: what it is (labels) and the accumulator(s) behind it. */
interface Tracked {
  /** Handed to the instruments; joules and since refreshed on each read. */
  reading: EnergyReading;
  device?: DeviceCounter;
  daily?: DailyCounter;
  integrator?: PowerIntegrator;
  /** As last written to the state file: what is exported when counters are published on write. */
  written?: { joules: number; since: number };
}

export class DeviceEnergy {
  readonly #counters = new Map<string, Tracked>();
  #family: DeviceFamily | undefined;
  /** From the state file, until the device's family is known. */
  #restored: DeviceEnergyState | undefined;
  /** Device counters the last full read had no reading of (keys absent, 0 or not available): integrated meanwhile. */
  #lacking: ReadonlySet<string> = new Set();

  constructor(restored?: DeviceEnergyState) {
    this.#restored = restored;
  }

  /**
   * Reads a write of the device's quotas (`keys`: the keys a partial write wrote; absent: a full
   * read) with `family`'s plan. When the family becomes known, the counters the state file kept
   * for its plan are taken up; when it changes, the counters both plans have go on.
   */
  apply(device: DeviceRecord, family: DeviceFamily, at: number, staleness: StalenessRule, events: DeviceEnergyEvents, keys?: ReadonlySet<string>): void {
    // The power held until now counts up to now (if it was still the device's), then the new one
    // holds; on a family change, before its counters are carried over.
    this.advance(device, at, staleness);
    if (family !== this.#family) this.#use(family);
    const plan = energyPlan(family);
    const fed = keys && targetsFedBy(family, keys);
    const samples = samplesByTarget(family, device.quotas, fed ?? plan.powerTargets);
    if (!keys) this.#lacking = lackingCounters(plan, device);

    for (const planned of plan.counters) {
      const t = this.#counters.get(planned.key);
      // A device counter that has not started stands in for by its integral while the device has
      // no reading of it (and until it starts, if the integral already counts).
      const standIn = planned.how === 'lifetime' && !t?.device?.state && (this.#lacking.has(planned.key) || t?.integrator !== undefined);
      const integration = planned.how === 'integrated' ? planned : standIn && planned.how === 'lifetime' ? planned.fallback : undefined;
      if (integration) {
        if (fed && !fed.has(integration.power.target)) continue;
        const sample = samples.get(integration.power.target);
        const watts = sample && powerPart(sample.value, integration.part);
        const held = watts === undefined ? undefined : { watts, updatedAt: sample!.updatedAt, ...(sample!.rest && { rest: true as const }) };
        const tracked = t?.integrator ? t : held && this.#track(planned, { integrator: new PowerIntegrator(planned.ratedW) });
        if (!tracked) continue;
        const fresh = !tracked.integrator!.state;
        if (tracked.integrator!.hold(held, at) === 'implausible') events.rejected(planned.key, 'implausible_power', `${watts} W, rated ${planned.ratedW} W`);
        else if (fresh && tracked.integrator!.state) events.started();
      }
      if (planned.how === 'lifetime') {
        if (keys && !wrote(keys, planned.inputs)) continue;
        const value = readLifetime(planned.row, device.quotas);
        if (value) this.#offerDevice(planned, t, value, events);
      } else if (planned.how === 'daily') {
        if (keys && !wrote(keys, planned.inputs)) continue;
        this.#daily(device, planned.key, planned, planned.row, planned.ratedW, at, events);
      }
    }
    for (const row of plan.circuits) {
      if (keys && !wrote(keys, plan.circuitInputs.get(row)!)) continue;
      for (let n = 1; n <= row.circuits; n++) this.#daily(device, circuitKey(row, n), circuitId(row, n), row, row.rating.watts, at, events, n - 1);
    }
  }

  /** Every integrated counter up to `at`: its held power counts while it was fresh and the device not silent too long. */
  advance(device: DeviceRecord, at: number, staleness: StalenessRule): void {
    const window = staleness.window(device, at);
    const counts = (held: HeldPower, seconds: number) => seconds * 1000 <= staleness.staleAfterMs && isFresh(held.updatedAt, held.rest, window);
    for (const t of this.#counters.values()) t.integrator?.advance(at, counts);
  }

  /** Offline or gone: nothing is integrated across the outage; the next update starts a new interval. */
  stopIntegrating(): void {
    for (const t of this.#counters.values()) t.integrator?.stop();
  }

  /** The counters as they stand (`written`: as last written to the state file). */
  *readings(written: boolean): Iterable<EnergyReading> {
    for (const t of this.#counters.values()) {
      const value = written ? t.written : live(t);
      if (!value) continue;
      t.reading.joules = value.joules;
      t.reading.since = value.since;
      yield t.reading;
    }
    // Kept for a plan not known yet: exactly as written.
    if (this.#restored) yield* restoredReadings(this.#restored);
  }

  /**
   * What the state file keeps of the device now, and the call that marks it written (after the
   * write succeeded): from then on, what the instruments read when counters are published on write.
   */
  checkpoint(): { state: DeviceEnergyState; written: () => void } | undefined {
    const state: DeviceEnergyState = {
      integrated: { ...this.#restored?.integrated },
      daily: { ...this.#restored?.daily },
      device: { ...this.#restored?.device },
    };
    const marks: Array<[Tracked, { joules: number; since: number }]> = [];
    for (const [key, t] of this.#counters) {
      const value = live(t);
      if (!value) continue;
      marks.push([t, { joules: value.joules, since: value.since }]);
      if (t.device?.state) state.device![key] = structuredClone(t.device.state);
      else if (t.integrator?.state) state.integrated[key] = { ...t.integrator.state };
      else if (t.daily?.state) state.daily[key] = { ...t.daily.state, baseline: [...t.daily.state.baseline] };
    }
    if (Object.keys(state.device!).length === 0) delete state.device;
    if (marks.length === 0 && !this.#restored) return undefined;
    return {
      state,
      written: () => {
        for (const [t, value] of marks) t.written = value;
      },
    };
  }

  /**
   * The counters of a family's plan: from the state file when the family first becomes known;
   * when it changes (a renamed product), the counters both plans have go on, as written.
   */
  #use(family: DeviceFamily): void {
    const fromFile = this.#family === undefined;
    const carried = this.#restored ?? this.#now();
    const written = new Map([...this.#counters].flatMap(([key, t]) => (t.written ? [[key, t.written] as const] : [])));
    this.#family = family;
    this.#counters.clear();
    this.#lacking = new Set();
    this.#restored = undefined;
    const plan = energyPlan(family);
    // Restored from the file, what was written is what was exported; carried over, as last written.
    const take = (id: CounterId, key: string, accumulator: Omit<Tracked, 'reading'>, state: { joules: number; since: number }) => {
      const last = fromFile ? { joules: state.joules, since: state.since } : written.get(key);
      this.#counters.set(key, { reading: readingOf(id), ...accumulator, ...(last && { written: last }) });
    };
    for (const planned of plan.counters) {
      const integrated = carried.integrated[planned.key];
      const device = carried.device?.[planned.key];
      const daily = carried.daily[planned.key];
      if (device && planned.how === 'lifetime')
        take(planned, planned.key, { device: new DeviceCounter({ ratedWatts: planned.ratedW, stepJoules: stepOf(planned.row), restored: device }) }, device);
      // A device counter's fallback may have been integrating before the restart.
      else if (integrated && (planned.how === 'integrated' || (planned.how === 'lifetime' && planned.fallback)))
        take(planned, planned.key, { integrator: new PowerIntegrator(planned.ratedW, integrated) }, integrated);
      else if (daily && planned.how === 'daily') take(planned, planned.key, { daily: new DailyCounter(planned.ratedW, planned.row.scale, daily) }, daily);
    }
    for (const row of plan.circuits) {
      for (let n = 1; n <= row.circuits; n++) {
        const key = circuitKey(row, n);
        const state = carried.daily[key];
        if (state) take(circuitId(row, n), key, { daily: new DailyCounter(row.rating.watts, row.scale, state) }, state);
      }
    }
  }

  /** The counters as they stand, in the state file's shape. */
  #now(): DeviceEnergyState {
    return this.checkpoint()?.state ?? { integrated: {}, daily: {} };
  }

  #track(id: CounterId & { key?: string }, accumulator: Omit<Tracked, 'reading'>): Tracked {
    const key = id.key ?? encodeCounterKey(id);
    const t: Tracked = { ...this.#counters.get(key), reading: readingOf(id), ...accumulator };
    this.#counters.set(key, t);
    return t;
  }

  #offerDevice(
    planned: Extract<PlannedCounter, { how: 'lifetime' }>,
    t: Tracked | undefined,
    value: { joules: number; at: number; pack?: string },
    events: DeviceEnergyEvents,
  ): void {
    // The device's counter takes over from the integral that stood in for it, without a jump.
    const tracked = t?.device
      ? t
      : this.#track(planned, { device: new DeviceCounter({ ratedWatts: planned.ratedW, stepJoules: stepOf(planned.row), takeOver: t?.integrator?.state }) });
    const counter = tracked.device!;
    const trusted = counter.state?.anchors[value.pack ?? '']?.baseline;
    const verdict: DeviceCounterVerdict = counter.offer(value.joules, value.at, value.pack);
    // Most readings are accepted or unchanged: the words are made only for the few that are told.
    const detail = () => `${value.joules} J after ${trusted ?? 'the trusted reading'} J`;
    if (verdict === 'started') {
      delete tracked.integrator;
      events.started();
    } else if (verdict === 'held') events.rejected(planned.key, 'decrease', detail());
    else if (verdict === 'jump') events.rejected(planned.key, 'jump', detail());
    else if (verdict === 'reset' || verdict === 'rebaselined' || verdict === 'recovered') events.moved(planned.key, verdict, detail());
  }

  /** A daily counter, or the hourly buckets of circuit `bucket` (0-based). */
  #daily(
    device: DeviceRecord,
    key: string,
    id: CounterId,
    row: DailyCounterRow | CircuitBucketsRow,
    ratedW: number,
    at: number,
    events: DeviceEnergyEvents,
    bucket = 0,
  ): void {
    const day = dayOf(row.day, device.quotas);
    const values = row.kind === 'daily' ? dailyValue(row.keys, device.quotas) : bucketValues(row.key, bucket, device.quotas);
    if (day === undefined || values === undefined) return;
    const t = this.#counters.get(key)?.daily ? this.#counters.get(key)! : this.#track({ ...id, key }, { daily: new DailyCounter(ratedW, row.scale) });
    const daily = t.daily!;
    const before = daily.state;
    const verdict = daily.offer(values, day, at);
    if (verdict === 'baseline' && !before) events.started();
    if (verdict === 'jump') events.rejected(key, 'jump', `day ${day}: ${values.join(' + ')} after ${before?.baseline.join(' + ')}`);
    else if (verdict === 'older-day') events.rejected(key, 'older_day', `day ${day} after ${before?.day}`);
  }
}

/** A device counter's resolution: one unit of each key added up (whole Wh: 3600 J a key). */
function stepOf(row: { keys: readonly string[]; scale: number }): number {
  return row.keys.length * row.scale;
}

/** What a counter stands at now, or undefined while it has nothing to export. */
function live(t: Tracked): { joules: number; since: number } | undefined {
  return t.device?.state ?? t.integrator?.state ?? t.daily?.state;
}

function readingOf(id: CounterId): EnergyReading {
  return { ...id, joules: 0, since: 0 };
}

function circuitId(row: CircuitBucketsRow, n: number): CounterId {
  return { metric: 'circuitEnergy', circuit: String(n), source: row.source };
}

function circuitKey(row: CircuitBucketsRow, n: number): string {
  return encodeCounterKey(circuitId(row, n));
}

/** Device counters with a fallback that the full read has no reading of: keys absent, 0 or not available. */
function lackingCounters(plan: EnergyPlan, device: DeviceRecord): Set<string> {
  const lacking = new Set<string>();
  for (const planned of plan.counters)
    if (planned.how === 'lifetime' && planned.fallback && !readLifetime(planned.row, device.quotas)) lacking.add(planned.key);
  return lacking;
}

function* restoredReadings(state: DeviceEnergyState): Iterable<EnergyReading> {
  for (const kind of [state.integrated, state.daily, state.device ?? {}]) {
    for (const [key, s] of Object.entries(kind)) {
      const id = decodeCounterKey(key);
      if (id) yield { ...id, joules: s.joules, since: s.since };
    }
  }
}
