/**
 * Every device's energy counters, kept current from the snapshot: each change is read once,
 * when it happens (never at collection time), by the device's family plan (device-energy.ts).
 * The ledger follows the device list: it dispatches writes, keeps the counters of a device that
 * left for a while, and hands the state file what to keep and the instruments what to read.
 * Knows nothing of OpenTelemetry, HTTP or files.
 */
import type { DeviceModels } from '../devices/device-models.js';
import type { DeviceIdentity, DeviceRecord, QuotaSnapshot, SnapshotChange } from '../snapshot/quota-snapshot.js';
import { StalenessRule } from '../snapshot/staleness.js';
import {
  DeviceEnergy,
  type DeviceEnergyEvents,
  type DeviceEnergyState,
  type EnergyReading,
  type EnergyRebaseline,
  type EnergyRejection,
} from './device-energy.js';

export type { DeviceEnergyState, EnergyReading, EnergyRebaseline, EnergyRejection } from './device-energy.js';

/** What the ledger reports (the self-metrics). */
export interface EnergyReporter {
  recordEnergyRejected(device: DeviceIdentity, reason: EnergyRejection): void;
}

export interface EnergyLedgerOptions {
  snapshot: QuotaSnapshot;
  /** Each device's family: the record the unified metrics read too. */
  models: DeviceModels;
  /** The gauges' rule: a power that is not exported is not integrated. */
  staleness?: StalenessRule;
  reporter?: EnergyReporter;
  /** Told once per device, counter and reason. */
  onRejected?: (event: { sn: string; counter: string; reason: EnergyRejection; detail: string }) => void;
  /** Told each time a device counter moves onto a new level of the device's (a reset, a recovery). */
  onMoved?: (event: { sn: string; counter: string; how: EnergyRebaseline; detail: string }) => void;
  /** A counter has something to export for the first time (a state file may want to write it soon). */
  onStarted?: () => void;
  /**
   * True with a state file: the instruments read the counters as last written, so that no crash
   * between two writes can make an exported counter go back (it loses, at most, what flowed
   * since the last write). False: as they stand.
   */
  publishWritten?: boolean;
  /** How long the counters of a device that left the list are kept (in memory and the state file). */
  retainRemovedMs?: number;
  /** The clock for events without a time of their own (a device leaving the list). */
  now?: () => number;
}

const DAY_MS = 86_400_000;

interface Listed {
  energy: DeviceEnergy;
  /** What its counters tell, made once per device. */
  events: DeviceEnergyEvents;
}

export class EnergyLedger {
  readonly #o: EnergyLedgerOptions;
  readonly #staleness: StalenessRule;
  readonly #now: () => number;
  #publishWritten: boolean;
  readonly #devices = new Map<string, Listed>();
  /** Devices that left the list, kept for a while in case they come back. */
  readonly #removed = new Map<string, { listed: Listed; at: number }>();
  /** Read from the state file, for devices not listed yet. */
  readonly #restored = new Map<string, DeviceEnergyState>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: EnergyLedgerOptions) {
    this.#o = options;
    this.#staleness = options.staleness ?? new StalenessRule();
    this.#now = options.now ?? Date.now;
    this.#publishWritten = options.publishWritten ?? false;
  }

  /** From now on the instruments read the counters as last written (see EnergyLedgerOptions.publishWritten); before start(). */
  publishWhenWritten(): void {
    this.#publishWritten = true;
  }

  /** Counters from the state file; call before start(). */
  restore(devices: Readonly<Record<string, DeviceEnergyState>>, now = this.#now()): void {
    for (const [sn, state] of Object.entries(devices)) this.#restored.set(sn, { ...state, seenAt: state.seenAt ?? now });
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#o.snapshot.subscribe((change) => this.#onChange(change));
    for (const device of this.#o.snapshot.devices()) {
      this.#listed(device);
      if (device.state === 'online' && device.quotas.size > 0) this.#read(device);
    }
  }

  /**
   * Stops following the snapshot. The power held since each device's last update counts up to
   * `now` (by the same rule as between updates), so a shutdown loses no interval.
   */
  stop(now = this.#now()): void {
    if (!this.#unsubscribe) return;
    this.#unsubscribe();
    this.#unsubscribe = undefined;
    for (const [sn, { energy }] of this.#devices) {
      const device = this.#o.snapshot.get(sn);
      if (device?.state === 'online') energy.advance(device, now, this.#staleness);
      energy.stopIntegrating();
    }
  }

  /** The counters of a listed device, as published: also while it is offline or stale. */
  readings(sn: string): Iterable<EnergyReading> {
    return this.#devices.get(sn)?.energy.readings(this.#publishWritten) ?? [];
  }

  /**
   * What the state file keeps (listed devices and those removed within the retention), and the
   * call that marks it written once the write succeeded.
   */
  checkpoint(now: number): { devices: Record<string, DeviceEnergyState>; written: () => void } {
    this.#prune(now);
    const devices: Record<string, DeviceEnergyState> = Object.fromEntries(this.#restored);
    const marks: Array<() => void> = [];
    const add = (sn: string, energy: DeviceEnergy, seenAt: number) => {
      const point = energy.checkpoint();
      if (!point) return;
      devices[sn] = { ...point.state, seenAt };
      marks.push(point.written);
    };
    for (const [sn, removed] of this.#removed) add(sn, removed.listed.energy, removed.at);
    for (const [sn, { energy }] of this.#devices) add(sn, energy, now);
    return { devices, written: () => marks.forEach((mark) => mark()) };
  }

  /** Lets go of devices off the list for longer than the retention. */
  #prune(now: number): void {
    const retain = this.#o.retainRemovedMs ?? 7 * DAY_MS;
    for (const [sn, removed] of this.#removed) if (now - removed.at > retain) this.#removed.delete(sn);
    for (const [sn, state] of this.#restored) if (now - (state.seenAt ?? now) > retain) this.#restored.delete(sn);
  }

  #onChange(change: SnapshotChange): void {
    if (change.kind === 'device-removed') {
      const listed = this.#devices.get(change.sn);
      this.#devices.delete(change.sn);
      const now = this.#now();
      if (listed) {
        listed.energy.stopIntegrating();
        this.#removed.set(change.sn, { listed, at: now });
      }
      this.#prune(now);
      return;
    }
    const device = this.#o.snapshot.get(change.sn);
    if (!device) return;
    const { energy } = this.#listed(device);
    // Nothing is integrated across an outage: the next update starts a new interval.
    if (device.state !== 'online') energy.stopIntegrating();
    else if (change.kind === 'quotas-changed') this.#read(device, change.keys);
  }

  #listed(device: DeviceRecord): Listed {
    let listed = this.#devices.get(device.sn);
    if (listed) return listed;
    listed = this.#removed.get(device.sn)?.listed;
    this.#removed.delete(device.sn);
    if (!listed) {
      listed = { energy: new DeviceEnergy(this.#restored.get(device.sn)), events: this.#events(device.sn) };
      this.#restored.delete(device.sn);
    }
    this.#devices.set(device.sn, listed);
    return listed;
  }

  #read(device: DeviceRecord, keys?: ReadonlySet<string>): void {
    const listed = this.#listed(device);
    const family = this.#o.models.of(device).family;
    if (!family) return;
    listed.energy.apply(device, family, device.quotasUpdatedAt ?? this.#now(), this.#staleness, listed.events, keys);
  }

  #events(sn: string): DeviceEnergyEvents {
    /** Told already: `${counter} ${reason}`. */
    const told = new Set<string>();
    return {
      rejected: (counter, reason, detail) => {
        const device = this.#o.snapshot.get(sn);
        if (device) this.#o.reporter?.recordEnergyRejected(device, reason);
        if (told.has(`${counter} ${reason}`)) return;
        told.add(`${counter} ${reason}`);
        this.#o.onRejected?.({ sn, counter, reason, detail });
      },
      moved: (counter, how, detail) => this.#o.onMoved?.({ sn, counter, how, detail }),
      started: () => this.#o.onStarted?.(),
    };
  }
}
