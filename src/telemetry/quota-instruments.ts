import type { Attributes, BatchObservableCallback, Meter, Observable, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord, QuotaSnapshot, SnapshotChange } from '../poller/quota-snapshot.js';
import { flattenQuota, type QuotaSample } from './quota-series.js';
import { METRICS, ownMetricName, quotaMetricName } from './metric-names.js';

interface Series {
  gauge: ObservableGauge;
  value: number;
  attributes: Attributes;
  /** Epoch ms the source key was written: per-key freshness, ready for partial pushes. */
  updatedAt: number;
}

interface DeviceSeries {
  revision: number;
  identity: Attributes;
  series: Series[];
  dropped: number;
}

export interface QuotaInstrumentsOptions {
  meter: Meter;
  snapshot: QuotaSnapshot;
  prefix: string;
  /** Values older than this are not exported. Default: never stale. */
  staleAfterMs?: number;
  /** Series of one device beyond this are left out and counted. Default 5000. */
  maxSeriesPerDevice?: number;
  /** Told when a device's payload first goes over the cap (and again if it changes). */
  onSeriesCapped?: (sn: string, dropped: number) => void;
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
  readonly #lastUpdate: ObservableGauge;
  readonly #dropped: ObservableGauge;
  readonly #staleAfterMs: number;
  readonly #maxSeries: number;
  readonly #onSeriesCapped?: (sn: string, dropped: number) => void;
  #registered: Observable[] = [];
  #unsubscribe: (() => void) | undefined;
  #lastCollected = 0;

  constructor(options: QuotaInstrumentsOptions) {
    this.#meter = options.meter;
    this.#snapshot = options.snapshot;
    this.#prefix = options.prefix;
    this.#staleAfterMs = options.staleAfterMs ?? Infinity;
    this.#maxSeries = options.maxSeriesPerDevice ?? 5000;
    this.#onSeriesCapped = options.onSeriesCapped;
    const own = (metric: { name: string; help: string }) =>
      this.#meter.createObservableGauge(ownMetricName(this.#prefix, metric), { description: metric.help });
    this.#online = own(METRICS.online);
    this.#lastUpdate = own(METRICS.lastUpdate);
    this.#dropped = own(METRICS.seriesDropped);
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

  /** Quota series reported by the last collection. */
  get seriesCount(): number {
    return this.#lastCollected;
  }

  /** True when an online device has no value fresher than the stale limit. */
  isStale(device: DeviceRecord, now = Date.now()): boolean {
    return device.state === 'online' && (device.quotasUpdatedAt === undefined || now - device.quotasUpdatedAt > this.#staleAfterMs);
  }

  readonly #observe: BatchObservableCallback = (result) => {
    const freshAfter = Date.now() - this.#staleAfterMs;
    let collected = 0;
    for (const device of this.#snapshot.devices()) {
      const cached = this.#devices.get(device.sn);
      if (!cached) continue;
      result.observe(this.#online, device.online ? 1 : 0, cached.identity);
      if (device.quotasUpdatedAt !== undefined) result.observe(this.#lastUpdate, device.quotasUpdatedAt / 1000, cached.identity);
      if (cached.dropped > 0) result.observe(this.#dropped, cached.dropped, cached.identity);
      // Stale values are dropped, not frozen: the last-update gauge says when they were fresh.
      for (const s of cached.series) {
        if (s.updatedAt < freshAfter) continue;
        result.observe(s.gauge, s.value, s.attributes);
        collected++;
      }
    }
    this.#lastCollected = collected;
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
    let dropped = 0;
    for (const [key, entry] of device.quotas) {
      samples.length = 0;
      for (const sample of flattenQuota(key, entry.value, samples)) {
        if (series.length >= this.#maxSeries) {
          dropped++;
          continue;
        }
        const name = quotaMetricName(this.#prefix, sample.name);
        let gauge = this.#gauges.get(name);
        if (!gauge) {
          gauge = this.#meter.createObservableGauge(name, {
            description: `EcoFlow quota "${key}" in the device's raw unit, as of the last successful poll.`,
          });
          this.#gauges.set(name, gauge);
          created = true;
        }
        series.push({ gauge, value: sample.value, attributes: withIndexes(identity, sample.indexes), updatedAt: entry.updatedAt });
      }
    }
    if (dropped > 0 && dropped !== previous?.dropped) this.#onSeriesCapped?.(device.sn, dropped);
    this.#devices.set(device.sn, { revision: device.revision, identity, series, dropped });
    return created;
  }

  /** The SDK binds a batch callback to a fixed instrument list: re-bind when the list grows. */
  #register(): void {
    if (!this.#unsubscribe) return;
    if (this.#registered.length > 0) this.#meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = [this.#online, this.#lastUpdate, this.#dropped, ...this.#gauges.values()];
    this.#meter.addBatchObservableCallback(this.#observe, this.#registered);
  }
}

function withIndexes(identity: Attributes, indexes: readonly string[]): Attributes {
  if (indexes.length === 0) return identity;
  const attributes: Attributes = { ...identity };
  indexes.forEach((index, depth) => (attributes[`index_${depth}`] = index));
  return attributes;
}
