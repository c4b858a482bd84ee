import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord } from '../../snapshot/quota-snapshot.js';
import { flattenQuota, type QuotaSample } from '../quota-series.js';
import { METRICS, ownMetricName, quotaMetricName } from '../metric-names.js';
import type { GaugeRegistry, Series, SeriesProducer } from '../series.js';

export interface RawQuotaSeriesOptions {
  gauges: GaugeRegistry;
  prefix: string;
  /** Series of one device beyond this are left out and counted. Default 5000. */
  maxSeriesPerDevice?: number;
  /** Name fragments taken by other producers: a raw key that would produce one gets `_value`. */
  reservedNames?: ReadonlySet<string>;
  /** Told when a device's payload first goes over the cap (and again if the overflow changes). */
  onSeriesCapped?: (sn: string, dropped: number) => void;
}

/**
 * Every numeric quota value as `<prefix>_<key in snake_case>`, named as the Python exporter
 * named them, in the device's raw units; one gauge per name, created when the name first
 * appears. Also `<prefix>_exporter_series_dropped` for devices over the cap.
 */
export class RawQuotaSeries implements SeriesProducer {
  readonly #o: RawQuotaSeriesOptions;
  readonly #maxSeries: number;
  readonly #dropped: ObservableGauge;
  readonly #lastDropped = new Map<string, number>();
  readonly #samples: QuotaSample[] = [];

  constructor(options: RawQuotaSeriesOptions) {
    this.#o = options;
    this.#maxSeries = options.maxSeriesPerDevice ?? 5000;
    this.#dropped = options.gauges.gauge(ownMetricName(options.prefix, METRICS.seriesDropped), { description: METRICS.seriesDropped.help });
  }

  produce(device: DeviceRecord, labels: Attributes, out: Series[]): void {
    const samples = this.#samples;
    let kept = 0;
    let dropped = 0;
    for (const [key, entry] of device.quotas) {
      samples.length = 0;
      for (const sample of flattenQuota(key, entry.value, samples)) {
        if (kept >= this.#maxSeries) {
          dropped++;
          continue;
        }
        const name = quotaMetricName(this.#o.prefix, sample.name, this.#o.reservedNames);
        // The value's own path, not its top-level key: a model that nests `v1p0: {bmsModel}` and
        // one that sends `v1p0.bmsModel` flat make the same gauge, whichever is read first.
        const gauge = this.#o.gauges.gauge(name, {
          description: `EcoFlow quota "${clip(sample.path)}" in the device's raw unit, as of the last successful poll.`,
        });
        out.push({ gauge, value: sample.value, attributes: withIndexes(labels, sample.indexes), updatedAt: entry.updatedAt });
        kept++;
      }
    }
    if (dropped > 0) {
      out.push({ gauge: this.#dropped, value: dropped, attributes: labels, updatedAt: Infinity });
      if (dropped !== this.#lastDropped.get(device.sn)) this.#o.onSeriesCapped?.(device.sn, dropped);
    }
    this.#lastDropped.set(device.sn, dropped);
  }

  forget(sn: string): void {
    this.#lastDropped.delete(sn);
  }
}

/** Keys can be any length; a help text need not be. */
function clip(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 199)}…`;
}

function withIndexes(labels: Attributes, indexes: readonly string[]): Attributes {
  if (indexes.length === 0) return labels;
  const attributes: Attributes = { ...labels };
  indexes.forEach((index, depth) => (attributes[`index_${depth}`] = index));
  return attributes;
}
