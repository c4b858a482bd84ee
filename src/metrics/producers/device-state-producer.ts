import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import type { DeviceRecord } from '../../snapshot/quota-snapshot.js';
import { METRICS, ownMetricName } from '../../catalog/catalog.js';
import type { GaugeRegistry, Series, SeriesGroups, SeriesProducer } from '../series-producer.js';

/** This producer's one group. */
const STATE = 'state';

/** `<prefix>_online` and `<prefix>_last_update_timestamp_seconds`: for every listed device, never stale. */
export class DeviceStateProducer implements SeriesProducer {
  readonly #online: ObservableGauge;
  readonly #lastUpdate: ObservableGauge;

  constructor(gauges: GaugeRegistry, prefix: string) {
    this.#online = gauges.gauge(ownMetricName(prefix, METRICS.online), { description: METRICS.online.help });
    this.#lastUpdate = gauges.gauge(ownMetricName(prefix, METRICS.lastUpdate), { description: METRICS.lastUpdate.help });
  }

  produce(device: DeviceRecord, labels: Attributes, out: SeriesGroups): void {
    const series: Series[] = [{ gauge: this.#online, value: device.online ? 1 : 0, attributes: labels, updatedAt: Infinity, rest: false }];
    // Kept for an offline device: when its data was last fresh. Not for one the key may no
    // longer read (1006): its data will not come back, and "stale" alerts would never end.
    if (device.quotasUpdatedAt !== undefined && device.state !== 'restricted') {
      series.push({ gauge: this.#lastUpdate, value: device.quotasUpdatedAt / 1000, attributes: labels, updatedAt: Infinity, rest: false });
    }
    out.set(STATE, series);
  }

  update(device: DeviceRecord, labels: Attributes, _keys: ReadonlySet<string>, out: SeriesGroups): boolean {
    this.produce(device, labels, out);
    return true;
  }
}
