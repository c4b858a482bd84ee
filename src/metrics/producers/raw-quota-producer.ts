import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord, QuotaEntry } from '../../snapshot/quota-snapshot.js';
import { flattenQuota, type QuotaSample } from '../raw-metric-names.js';
import { METRICS, ownMetricName, quotaMetricName } from '../../catalog/catalog.js';
import type { GaugeRegistry, Series, SeriesGroups, SeriesProducer } from '../series-producer.js';

export interface RawQuotaProducerOptions {
  gauges: GaugeRegistry;
  prefix: string;
  /** Series of one device beyond this are left out and counted. Default: no cap (the config's MAX_SERIES_PER_DEVICE sets the exporter's). */
  maxSeriesPerDevice?: number;
  /** Name fragments taken by other producers: a raw key that would produce one gets `_value`. */
  reservedNames?: ReadonlySet<string>;
  /** Told when a device's payload first goes over the cap (and again if the overflow changes). */
  onSeriesCapped?: (sn: string, dropped: number) => void;
  /** How many series each capped device dropped when last told; pass one that outlives this producer to keep it. */
  lastDropped?: Map<string, number>;
}

/**
 * Every numeric quota value as `<prefix>_<key in snake_case>`, named as the Python exporter
 * named them, in the device's raw units; one gauge per name, created when the name first
 * appears. Also `<prefix>_exporter_series_dropped` for devices over the cap.
 */
export class RawQuotaProducer implements SeriesProducer {
  readonly #o: RawQuotaProducerOptions;
  readonly #maxSeries: number;
  readonly #dropped: ObservableGauge;
  readonly #lastDropped: Map<string, number>;
  /** Series each device has now, to keep the cap across partial updates. */
  readonly #kept = new Map<string, number>();
  readonly #samples: QuotaSample[] = [];

  constructor(options: RawQuotaProducerOptions) {
    this.#o = options;
    this.#maxSeries = options.maxSeriesPerDevice ?? Number.POSITIVE_INFINITY;
    this.#lastDropped = options.lastDropped ?? new Map();
    this.#dropped = options.gauges.gauge(ownMetricName(options.prefix, METRICS.seriesDropped), { description: METRICS.seriesDropped.help });
  }

  produce(device: DeviceRecord, labels: Attributes, out: SeriesGroups): void {
    let kept = 0;
    // Values the snapshot did not keep for want of room are left out as surely as those past the cap here.
    let dropped = device.droppedValues;
    for (const [key, entry] of device.quotas) {
      const { series, overflow } = this.#seriesOf(key, entry, labels, this.#maxSeries - kept);
      dropped += overflow;
      if (series.length > 0) out.set(key, series);
      kept += series.length;
    }
    if (dropped > 0) {
      out.set(DROPPED, [{ gauge: this.#dropped, value: dropped, attributes: labels, updatedAt: Infinity, rest: false }]);
      if (dropped !== this.#lastDropped.get(device.sn)) this.#o.onSeriesCapped?.(device.sn, dropped);
    }
    this.#lastDropped.set(device.sn, dropped);
    this.#kept.set(device.sn, kept);
  }

  update(device: DeviceRecord, labels: Attributes, keys: ReadonlySet<string>, out: SeriesGroups): boolean {
    // A capped device keeps the first series in key order: only a full pass can say which.
    if ((this.#lastDropped.get(device.sn) ?? 0) > 0 || device.droppedValues > 0) return false;
    let kept = this.#kept.get(device.sn);
    if (kept === undefined) return false;
    for (const key of keys) {
      const entry = device.quotas.get(key);
      const series = entry === undefined ? [] : this.#seriesOf(key, entry, labels).series;
      kept += series.length - (out.get(key)?.length ?? 0);
      if (kept > this.#maxSeries) return false;
      if (series.length > 0) out.set(key, series);
      else out.delete(key);
    }
    this.#kept.set(device.sn, kept);
    return true;
  }

  forget(sn: string): void {
    this.#lastDropped.delete(sn);
    this.#kept.delete(sn);
  }

  /**
   * At most `room` series of one key, and how many more it had. Past the cap, and for names the
   * selection leaves out, no gauge is made: one made for a series never exported would stay for good.
   */
  #seriesOf(key: string, entry: QuotaEntry, labels: Attributes, room = Infinity): { series: Series[]; overflow: number } {
    const { value, updatedAt } = entry;
    const samples = this.#samples;
    samples.length = 0;
    const series: Series[] = [];
    let overflow = 0;
    flattenQuota(key, value, samples);
    const gauges = this.#o.gauges;
    for (const sample of samples) {
      const name = quotaMetricName(this.#o.prefix, sample.name, this.#o.reservedNames);
      if (series.length >= room) {
        if (gauges.selects(name, 'raw')) overflow++;
        continue;
      }
      // One text for every raw gauge: several keys make the same name (`bms.maxCellTemp`,
      // `bmsMaxCellTemp`), and a text naming whichever came first would change with the order
      // devices answer in.
      const gauge = gauges.selected(name, RAW_OPTIONS, 'raw');
      if (!gauge) continue;
      series.push({ gauge, value: sample.value, attributes: withIndexes(labels, sample.indexes), updatedAt, rest: entry.inRest === true });
    }
    // Kept until the key changes, for each of a fleet's thousands of keys: without the spare room push left.
    return { series: series.length === 0 ? series : series.slice(), overflow };
  }
}

/** The group of the dropped-series count: no quota key can be named so. */
const DROPPED = '\u0000dropped';

const RAW_OPTIONS = {
  description: 'EcoFlow quota value as the device reports it (its raw unit), named after its key in snake_case; last reported by REST or the MQTT stream.',
};

function withIndexes(labels: Attributes, indexes: readonly string[]): Attributes {
  if (indexes.length === 0) return labels;
  const attributes: Attributes = { ...labels };
  indexes.forEach((index, depth) => (attributes[`index_${depth}`] = index));
  return attributes;
}
