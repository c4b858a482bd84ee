import type { Attributes, Meter, MetricOptions, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord } from '../snapshot/quota-snapshot.js';

/** One value ready for collection. */
export interface Series {
  gauge: ObservableGauge;
  value: number;
  attributes: Attributes;
  /** Epoch ms its source keys were written; older than the stale limit → not exported. Infinity: never stale. */
  updatedAt: number;
}

/**
 * Turns a device's snapshot record into series when the record changes (never at collection
 * time). Producers are listed once in the composition root: raw quotas, unified metrics,
 * device state.
 */
export interface SeriesProducer {
  produce(device: DeviceRecord, labels: Attributes, out: Series[]): void;
  /** The device left the snapshot: drop what is kept for it. */
  forget?(sn: string): void;
}

/**
 * Observable gauges by name, shared by the producers. The SDK binds a batch callback to a
 * fixed list of instruments, so whoever observes them re-binds when `grown` says so.
 */
export class GaugeRegistry {
  readonly #meter: Meter;
  readonly #gauges = new Map<string, ObservableGauge>();
  #grown = false;

  constructor(meter: Meter) {
    this.#meter = meter;
  }

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
