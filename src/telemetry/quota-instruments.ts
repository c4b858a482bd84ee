import type { Attributes, BatchObservableCallback, Meter, Observable, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord, QuotaSnapshot, SnapshotChange } from '../poller/quota-snapshot.js';
import { flattenQuota, type QuotaSample } from './quota-series.js';
import { METRICS, ownMetricName, quotaMetricName } from './metric-names.js';

interface Series {
  gauge: ObservableGauge;
  value: number;
  attributes: Attributes;
}

interface DeviceSeries {
  revision: number;
  identity: Attributes;
  series: Series[];
}

/**
 * Observable gauges over the quota snapshot: one gauge per metric name, created when the name
 * first appears, all observed by one batch callback that only reads memory. What a device's
 * quotas flatten to is computed when the snapshot changes, not at collection time, so a scrape
 * costs one pass over ready-made series.
 */
export class QuotaInstruments {
  readonly #meter: Meter;
  readonly #snapshot: QuotaSnapshot;
  readonly #prefix: string;
  readonly #gauges = new Map<string, ObservableGauge>();
  readonly #devices = new Map<string, DeviceSeries>();
  readonly #online: ObservableGauge;
  #registered: Observable[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(options: { meter: Meter; snapshot: QuotaSnapshot; prefix: string }) {
    this.#meter = options.meter;
    this.#snapshot = options.snapshot;
    this.#prefix = options.prefix;
    this.#online = this.#meter.createObservableGauge(ownMetricName(this.#prefix, METRICS.online), {
      description: METRICS.online.help,
    });
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#snapshot.subscribe((change) => this.#onChange(change));
    for (const device of this.#snapshot.devices()) this.#rebuild(device);
    this.#register();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = [];
  }

  /** Number of quota series the next collection will report (for self-metrics and the bench). */
  get seriesCount(): number {
    let n = 0;
    for (const d of this.#devices.values()) n += d.series.length;
    return n;
  }

  readonly #observe: BatchObservableCallback = (result) => {
    for (const device of this.#snapshot.devices()) {
      const cached = this.#devices.get(device.sn);
      if (!cached) continue;
      result.observe(this.#online, device.online ? 1 : 0, cached.identity);
      for (const s of cached.series) result.observe(s.gauge, s.value, s.attributes);
    }
  };

  #onChange(change: SnapshotChange): void {
    if (change.kind === 'device-removed') {
      this.#devices.delete(change.sn);
      return;
    }
    const device = this.#snapshot.get(change.sn);
    if (!device) return;
    if (this.#rebuild(device)) this.#register();
  }

  /** Returns true when a new gauge had to be created. */
  #rebuild(device: DeviceRecord): boolean {
    const previous = this.#devices.get(device.sn);
    if (previous && previous.revision === device.revision) return false;
    const identity: Attributes = {
      device: device.sn,
      device_name: device.name,
      product_name: device.productName,
    };
    let created = false;
    const series: Series[] = [];
    const samples: QuotaSample[] = [];
    for (const [key, entry] of device.quotas) {
      samples.length = 0;
      for (const sample of flattenQuota(key, entry.value, samples)) {
        const name = quotaMetricName(this.#prefix, sample.name);
        let gauge = this.#gauges.get(name);
        if (!gauge) {
          gauge = this.#meter.createObservableGauge(name, {
            description: `EcoFlow quota "${key}" in the device's raw unit, as of the last successful poll.`,
          });
          this.#gauges.set(name, gauge);
          created = true;
        }
        series.push({ gauge, value: sample.value, attributes: withIndexes(identity, sample.indexes) });
      }
    }
    this.#devices.set(device.sn, { revision: device.revision, identity, series });
    return created;
  }

  /** The SDK binds a batch callback to a fixed instrument list: re-bind when the list grows. */
  #register(): void {
    if (!this.#unsubscribe) return;
    if (this.#registered.length > 0) this.#meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = [this.#online, ...this.#gauges.values()];
    this.#meter.addBatchObservableCallback(this.#observe, this.#registered);
  }
}

function withIndexes(identity: Attributes, indexes: readonly string[]): Attributes {
  if (indexes.length === 0) return identity;
  const attributes: Attributes = { ...identity };
  indexes.forEach((index, depth) => (attributes[`index_${depth}`] = index));
  return attributes;
}
