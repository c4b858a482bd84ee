import type { Attributes, Meter, MetricOptions, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord } from '../snapshot/quota-snapshot.js';
import { MetricSelection, type MetricKind } from '../catalog/metric-selection.js';

/** One value ready for collection. */
export interface Series {
  gauge: ObservableGauge;
  value: number;
  attributes: Attributes;
  /** Epoch ms its source keys were written; older than the stale limit → not exported. Infinity: never stale. */
  updatedAt: number;
  /**
   * Its oldest source key came from a REST read. While the MQTT stream shows the device alive
   * (it sends only what changes), such a value holds until the next reconciliation is overdue.
   * Always set: a property added later to some series only would give a fleet's tens of
   * thousands of them a second shape and a property store each.
   */
  rest: boolean;
}

/** What one producer derived from one device, in groups it can replace one at a time. */
export type SeriesGroups = Map<string, Series[]>;

/**
 * Turns a device's snapshot record into series when the record changes (never at collection
 * time). Producers are listed once (create-snapshot-gauges.ts): device state, raw quotas, unified.
 */
export interface SeriesProducer {
  /** Derives everything the device contributes, from scratch, into the empty `out`. */
  produce(device: DeviceRecord, labels: Attributes, out: SeriesGroups): void;
  /**
   * A partial update wrote `keys`: re-derives only what they feed, in `out` (what produce()
   * made). False: it cannot tell what changed; the device is derived again from scratch.
   */
  update(device: DeviceRecord, labels: Attributes, keys: ReadonlySet<string>, out: SeriesGroups): boolean;
  /** The device left the snapshot: drop what is kept for it. */
  forget?(sn: string): void;
}

/** Left-out names remembered: more than every name of a large mixed fleet, few enough to stay small when a device sends junk. */
const REFUSED_NAMES_KEPT = 10_000;

/**
 * Observable gauges by name, shared by the producers. The SDK binds a batch callback to a
 * fixed list of instruments, so whoever observes them re-binds when `grown` says so.
 *
 * The user's metric selection is applied here, before a series exists: a producer that gets
 * no gauge for a name makes no series of it. Filtering later, with an SDK View's drop
 * aggregation, would still derive, hold and observe every series, and the SDK would still
 * hash each one's attributes at every collection before dropping it (CONTRIBUTING.md,
 * "Measured comparisons", has the figures).
 */
export class GaugeRegistry {
  readonly #meter: Meter;
  readonly #selection: MetricSelection;
  readonly #gauges = new Map<string, ObservableGauge>();
  /** Names the selection left out, so that no pattern is matched again for them at each poll; bounded, as names come from devices. */
  readonly #refused = new Set<string>();
  #grown = false;

  constructor(meter: Meter, selection = MetricSelection.everything) {
    this.#meter = meter;
    this.#selection = selection;
  }

  /** A device metric's gauge, or undefined when the selection leaves the name out. */
  selected(name: string, options: MetricOptions, kind: MetricKind): ObservableGauge | undefined {
    // A gauge made is one selected: no pattern is matched again at each poll.
    return this.#gauges.get(name) ?? (this.selects(name, kind) ? this.gauge(name, options) : undefined);
  }

  /** Whether `name` would get a gauge, without making one. */
  selects(name: string, kind: MetricKind): boolean {
    if (this.#gauges.has(name)) return true;
    if (this.#refused.has(name)) return false;
    if (this.#selection.selects(name, kind)) return true;
    if (this.#refused.size < REFUSED_NAMES_KEPT) this.#refused.add(name);
    return false;
  }

  /** A gauge the selection has no say over: device state and the exporter's own. */
  gauge(name: string, options: MetricOptions): ObservableGauge {
    let gauge = this.#gauges.get(name);
    if (!gauge) {
      gauge = this.#meter.createObservableGauge(name, options);
      this.#gauges.set(name, gauge);
      this.#grown = true;
    }
    return gauge;
  }

  /** True once after gauges were added. */
  takeGrown(): boolean {
    const grown = this.#grown;
    this.#grown = false;
    return grown;
  }

  all(): ObservableGauge[] {
    return [...this.#gauges.values()];
  }
}
