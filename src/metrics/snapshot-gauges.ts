import type { Attributes, BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { DeviceRecord, QuotaSnapshot, SnapshotChange } from '../snapshot/quota-snapshot.js';
import { isFresh, StalenessRule } from '../snapshot/staleness.js';
import { ShownSeries, type RenewAfter } from '../otel/renewal-policy.js';
import { deviceLabels } from './device-labels.js';
import type { GaugeRegistry, Series, SeriesProducer } from './series-producer.js';

export interface SnapshotGaugesOptions {
  meter: Meter;
  gauges: GaugeRegistry;
  snapshot: QuotaSnapshot;
  /** Each turns a changed device record into series; their order is the order of the output. */
  producers: readonly SeriesProducer[];
  /** Which series are too old to export. Default: none. */
  staleness?: StalenessRule;
  reporter?: GaugesReporter;
  /** Series were derived or went away: `renewalDue` may have turned true. */
  onRetired?: () => void;
  /** The renewal policy's threshold (renewal-policy.ts). Default: as many as are live, at least 1,000. */
  renewAfter?: RenewAfter;
}

/** What the snapshot's gauges report (the self-metrics). */
export interface GaugesReporter {
  /** After each collection: how many series computed from quota values it reported. */
  recordCollected(quotaSeries: number): void;
}

interface DeviceSeries {
  revision: number;
  /** One per producer, in the producers' order. */
  outputs: ReusingGroups[];
  /** How many series the outputs hold. */
  count: number;
}

/**
 * Observable gauges over the snapshot: what each device contributes is computed by the
 * producers when its record changes (for a partial update, only what the written keys feed),
 * and one batch callback, which only reads memory, observes the ready-made series at
 * collection time. Stale values are left out, never frozen.
 */
export class SnapshotGauges {
  readonly #o: SnapshotGaugesOptions;
  readonly #devices = new Map<string, DeviceSeries>();
  readonly #staleness: StalenessRule;
  #registered: Observable[] = [];
  #unsubscribe: (() => void) | undefined;
  #live = 0;
  /** Every (gauge, labels) derived since start: the SDK remembers each one it was shown. */
  readonly #shown: ShownSeries;

  constructor(options: SnapshotGaugesOptions) {
    this.#o = options;
    this.#staleness = options.staleness ?? new StalenessRule();
    this.#shown = new ShownSeries(options.renewAfter);
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#o.snapshot.subscribe((change) => this.#onChange(change));
    for (const device of this.#o.snapshot.devices()) this.#rebuild(device);
    this.#register();
  }

  /** Series the devices hold now (stale ones included). */
  get live(): number {
    return this.#live;
  }

  /**
   * Series derived since start that are gone now (devices that left, went offline or were
   * renamed, keys that went away): about as many attribute sets as the SDK remembers and
   * nobody reports any more.
   */
  get retired(): number {
    return this.#shown.gone(this.#live);
  }

  /** Enough series went away for building the instruments again on a fresh SDK side to pay. */
  get renewalDue(): boolean {
    return this.#shown.renewalDue(this.#live);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#o.meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = [];
  }

  readonly #observe: BatchObservableCallback = (result) => {
    const now = Date.now();
    let quotaSeries = 0;
    for (const device of this.#o.snapshot.devices()) {
      const cached = this.#devices.get(device.sn);
      if (!cached) continue;
      const window = this.#staleness.window(device, now);
      for (const groups of cached.outputs) {
        for (const series of groups.values()) {
          for (const s of series) {
            if (!isFresh(s.updatedAt, s.rest, window)) continue;
            result.observe(s.gauge, s.value, s.attributes);
            if (s.updatedAt !== Infinity) quotaSeries++;
          }
        }
      }
    }
    this.#o.reporter?.recordCollected(quotaSeries);
  };

  #onChange(change: SnapshotChange): void {
    if (change.kind === 'device-removed') {
      const gone = this.#devices.get(change.sn);
      this.#devices.delete(change.sn);
      for (const producer of this.#o.producers) producer.forget?.(change.sn);
      if (gone) this.#live -= gone.count;
      this.#o.onRetired?.();
      return;
    }
    const device = this.#o.snapshot.get(change.sn);
    if (!device) return;
    if (change.kind !== 'quotas-changed' || !change.keys || !this.#update(device, change.keys)) this.#rebuild(device);
    if (this.#o.gauges.takeGrown()) this.#register();
  }

  /** Only what `keys` feed, when the cached series are exactly one revision behind. */
  #update(device: DeviceRecord, keys: ReadonlySet<string>): boolean {
    const cached = this.#devices.get(device.sn);
    if (!cached || cached.revision !== device.revision - 1) return false;
    const labels = deviceLabels(device);
    const producers = this.#o.producers;
    for (let i = 0; i < producers.length; i++) if (!producers[i]!.update(device, labels, keys, cached.outputs[i]!)) return false;
    cached.revision = device.revision;
    this.#settle(cached, cached.count);
    return true;
  }

  #rebuild(device: DeviceRecord): void {
    const previous = this.#devices.get(device.sn);
    if (previous && previous.revision === device.revision) return;
    const labels = deviceLabels(device);
    const outputs = this.#o.producers.map((producer, i) => {
      const groups = new ReusingGroups(previous?.outputs[i]);
      producer.produce(device, labels, groups);
      groups.derived();
      return groups;
    });
    const cached = { revision: device.revision, outputs, count: 0 };
    this.#devices.set(device.sn, cached);
    this.#settle(cached, previous?.count ?? 0);
  }

  /** Counts a device's series after they were derived (they were `before` many) and notes the new ones. */
  #settle(cached: DeviceSeries, before: number): void {
    let count = 0;
    for (const groups of cached.outputs) {
      for (const series of groups.values()) {
        count += series.length;
        for (const s of series) this.#shown.note(s.gauge, s.attributes);
      }
    }
    cached.count = count;
    this.#live += count - before;
    this.#o.onRetired?.();
  }

  #register(): void {
    if (!this.#unsubscribe) return;
    this.#o.gauges.takeGrown();
    if (this.#registered.length > 0) this.#o.meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = this.#o.gauges.all();
    this.#o.meter.addBatchObservableCallback(this.#observe, this.#registered);
  }
}

/**
 * A device's series by group, as a producer derives them. A group derived again to the same
 * series (same gauge, same labels, in the same order) keeps the objects it had, with the new
 * values written in: each poll derives every value of a device again, mostly to the same series,
 * and new objects each time (with their labels' texts, made again for each new labels object)
 * would live until the next poll, long enough to be promoted, and leave the old generation
 * full of holes (CONTRIBUTING.md, "Where the memory of a fleet goes").
 */
export class ReusingGroups extends Map<string, Series[]> {
  /** What the device had before a derivation from scratch, until derived() is called. */
  #before: ReadonlyMap<string, Series[]> | undefined;

  constructor(before?: ReadonlyMap<string, Series[]>) {
    super();
    this.#before = before;
  }

  /** The derivation from scratch is over: later groups (partial updates) are matched against these. */
  derived(): void {
    this.#before = undefined;
  }

  override set(group: string, series: Series[]): this {
    const kept = (this.#before ?? this).get(group);
    return super.set(group, kept === undefined ? series : reused(kept, series));
  }
}

/** `fresh`, with each series that stands where one of `kept` stood for the same gauge and labels replaced by that one, its values written in. */
function reused(kept: Series[], fresh: Series[]): Series[] {
  if (kept === fresh) return fresh;
  let all = kept.length === fresh.length;
  for (let i = 0; i < fresh.length; i++) {
    const f = fresh[i]!;
    const k = kept[i];
    if (k === undefined || k.gauge !== f.gauge || !sameLabels(k.attributes, f.attributes)) {
      all = false;
      continue;
    }
    k.value = f.value;
    k.updatedAt = f.updatedAt;
    k.rest = f.rest;
    fresh[i] = k;
  }
  return all ? kept : fresh;
}

function sameLabels(a: Attributes, b: Attributes): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}
