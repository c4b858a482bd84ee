import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import type { DeviceModel, DeviceModels } from '../../devices/device-models.js';
import { samplesByTarget, targetsFedBy, type UnifiedSample } from '../../devices/unify.js';
import { DEVICE_INFO, ownMetricName, PHASE_LABEL, PORT_LABEL, UNIFIED_METRICS, type UnifiedMetricId } from '../../catalog/catalog.js';
import type { DeviceRecord } from '../../snapshot/quota-snapshot.js';
import type { GaugeRegistry, Series, SeriesGroups, SeriesProducer } from '../series-producer.js';

/** The group of device_info: no target (metric, or metric and port) is named so. */
const INFO = '\u0000info';

/** Name fragments of the unified layer: raw keys may not produce them. */
export const UNIFIED_NAMES: ReadonlySet<string> = new Set([DEVICE_INFO.name, ...Object.values(UNIFIED_METRICS).map((m) => m.name)]);

export interface UnifiedProducerOptions {
  gauges: GaugeRegistry;
  prefix: string;
  /** Each device's family and firmware: the same record the energy ledger reads. */
  models: DeviceModels;
}

/**
 * `<prefix>_device_info` for every listed device and the unified base-unit metrics, computed
 * from the device's family table. The family and firmware are remembered while the device is
 * offline or refused, when it has no quotas to look at.
 */
export class UnifiedProducer implements SeriesProducer {
  readonly #o: UnifiedProducerOptions;
  readonly #info: ObservableGauge;
  /** The selected metrics' gauges: a metric left out has none, and its samples make no series. */
  readonly #gauges: Partial<Record<UnifiedMetricId, ObservableGauge>> = {};

  constructor(options: UnifiedProducerOptions) {
    this.#o = options;
    const { gauges, prefix } = options;
    this.#info = gauges.gauge(ownMetricName(prefix, DEVICE_INFO), { description: DEVICE_INFO.help });
    for (const [id, m] of Object.entries(UNIFIED_METRICS) as Array<[UnifiedMetricId, (typeof UNIFIED_METRICS)[UnifiedMetricId]]>) {
      const gauge = gauges.selected(ownMetricName(prefix, m), { description: m.help, unit: m.unit }, 'unified');
      if (gauge) this.#gauges[id] = gauge;
    }
  }

  produce(device: DeviceRecord, labels: Attributes, out: SeriesGroups): void {
    const known = this.#o.models.of(device);
    out.set(INFO, [this.#infoOf(known, labels)]);
    if (!known.family) return;
    for (const [target, sample] of samplesByTarget(known.family, device.quotas)) {
      const series = this.#seriesOf(sample, labels);
      if (series) out.set(target, [series]);
    }
  }

  update(device: DeviceRecord, labels: Attributes, keys: ReadonlySet<string>, out: SeriesGroups): boolean {
    const before = this.#o.models.known(device.sn);
    // A device not yet recognised may be recognisable by the new keys: a full pass decides.
    if (!before?.family || before.productName !== device.productName) return false;
    const known = this.#o.models.of(device);
    if (!known.family) return false;
    // Against what device_info shows: another reader of the shared record (the energy ledger) may
    // have seen the new firmware first.
    if (out.get(INFO)?.[0]?.attributes.firmware !== known.firmware) out.set(INFO, [this.#infoOf(known, labels)]);
    const targets = targetsFedBy(known.family, keys);
    if (targets.size === 0) return true;
    const samples = samplesByTarget(known.family, device.quotas, targets);
    for (const target of targets) {
      const sample = samples.get(target);
      const series = sample && this.#seriesOf(sample, labels);
      if (series) out.set(target, [series]);
      else out.delete(target);
    }
    return true;
  }

  #infoOf(known: DeviceModel, labels: Attributes): Series {
    return {
      gauge: this.#info,
      value: 1,
      attributes: { ...labels, family: known.family?.id ?? 'unknown', ...(known.firmware !== undefined && { firmware: known.firmware }) },
      updatedAt: Infinity,
      rest: false,
    };
  }

  #seriesOf(sample: UnifiedSample, labels: Attributes): Series | undefined {
    const gauge = this.#gauges[sample.metric];
    if (!gauge) return undefined;
    const attributes =
      sample.port !== undefined
        ? { ...labels, [PORT_LABEL.name]: sample.port }
        : sample.phase !== undefined
          ? { ...labels, [PHASE_LABEL.name]: sample.phase }
          : labels;
    return { gauge, value: sample.value, attributes, updatedAt: sample.updatedAt, rest: sample.rest === true };
  }

  forget(sn: string): void {
    this.#o.models.forget(sn);
  }
}
