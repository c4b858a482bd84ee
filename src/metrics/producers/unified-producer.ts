import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import type { DeviceFamily } from '../../devices/device-family.js';
import { firmwareOf, matchFamily } from '../../devices/detect-family.js';
import { samplesByTarget, targetsFedBy, type UnifiedSample } from '../../devices/unify.js';
import { DEVICE_INFO, ownMetricName, UNIFIED_METRICS, type UnifiedMetricId } from '../catalog.js';
import type { DeviceRecord } from '../../snapshot/quota-snapshot.js';
import type { GaugeRegistry, Series, SeriesGroups, SeriesProducer } from '../series-producer.js';

/** The group of device_info: no target (metric, or metric and port) is named so. */
const INFO = '\u0000info';

/** Name fragments of the unified layer: raw keys may not produce them. */
export const UNIFIED_NAMES: ReadonlySet<string> = new Set([DEVICE_INFO.name, ...Object.values(UNIFIED_METRICS).map((m) => m.name)]);

export interface UnifiedProducerOptions {
  gauges: GaugeRegistry;
  prefix: string;
  families: readonly DeviceFamily[];
  /**
   * Told once per model (by product name, else serial-number prefix) that no table covers, or
   * that was matched to a table by its serial number or keys rather than its name.
   */
  onModel?: (event: ModelEvent) => void;
  /** What is known of each device's model; pass one that outlives this producer to keep it. */
  memory?: ModelMemory;
}

export interface ModelEvent {
  sn: string;
  productName: string;
  /** Absent: no table fits. */
  family?: string;
  by?: 'serial number' | 'keys';
}

interface Known {
  productName: string;
  family?: DeviceFamily;
  firmware?: string;
}

/** Each device's family and firmware, and the models already told of (onModel). */
export class ModelMemory {
  readonly known = new Map<string, Known>();
  readonly told = new Set<string>();
}

/**
 * `<prefix>_device_info` for every listed device and the unified base-unit metrics, computed
 * from the device's family table. The family and firmware are remembered while the device is
 * offline or refused, when it has no quotas to look at.
 */
export class UnifiedProducer implements SeriesProducer {
  readonly #o: UnifiedProducerOptions;
  readonly #info: ObservableGauge;
  readonly #gauges: Record<UnifiedMetricId, ObservableGauge>;
  readonly #known: Map<string, Known>;
  readonly #told: Set<string>;

  constructor(options: UnifiedProducerOptions) {
    this.#o = options;
    const memory = options.memory ?? new ModelMemory();
    this.#known = memory.known;
    this.#told = memory.told;
    const { gauges, prefix } = options;
    this.#info = gauges.gauge(ownMetricName(prefix, DEVICE_INFO), { description: DEVICE_INFO.help });
    this.#gauges = Object.fromEntries(
      Object.entries(UNIFIED_METRICS).map(([id, m]) => [id, gauges.gauge(ownMetricName(prefix, m), { description: m.help, unit: m.unit })]),
    ) as Record<UnifiedMetricId, ObservableGauge>;
  }

  produce(device: DeviceRecord, labels: Attributes, out: SeriesGroups): void {
    const known = this.#recognise(device);
    out.set(INFO, [this.#infoOf(known, labels)]);
    if (!known.family) return;
    for (const [target, sample] of samplesByTarget(known.family, device.quotas)) out.set(target, [this.#seriesOf(sample, labels)]);
  }

  update(device: DeviceRecord, labels: Attributes, keys: ReadonlySet<string>, out: SeriesGroups): boolean {
    const known = this.#known.get(device.sn);
    // A device not yet recognised may be recognisable by the new keys: a full pass decides.
    if (!known?.family || known.productName !== device.productName) return false;
    const firmware = firmwareOf(known.family, device.quotas) ?? known.firmware;
    if (firmware !== known.firmware) {
      known.firmware = firmware;
      out.set(INFO, [this.#infoOf(known, labels)]);
    }
    const targets = targetsFedBy(known.family, keys);
    if (targets.size === 0) return true;
    const samples = samplesByTarget(known.family, device.quotas, targets);
    for (const target of targets) {
      const sample = samples.get(target);
      if (sample) out.set(target, [this.#seriesOf(sample, labels)]);
      else out.delete(target);
    }
    return true;
  }

  #infoOf(known: Known, labels: Attributes): Series {
    return {
      gauge: this.#info,
      value: 1,
      attributes: { ...labels, family: known.family?.id ?? 'unknown', ...(known.firmware !== undefined && { firmware: known.firmware }) },
      updatedAt: Infinity,
    };
  }

  #seriesOf(sample: UnifiedSample, labels: Attributes): Series {
    const attributes = sample.port === undefined ? labels : { ...labels, port: sample.port };
    const series: Series = { gauge: this.#gauges[sample.metric], value: sample.value, attributes, updatedAt: sample.updatedAt };
    if (sample.rest) series.rest = true;
    return series;
  }

  forget(sn: string): void {
    this.#known.delete(sn);
  }

  #recognise(device: DeviceRecord): Known {
    let known = this.#known.get(device.sn);
    if (!known || known.productName !== device.productName || (!known.family && device.quotas.size > 0)) {
      const match = matchFamily(device, device.quotas, this.#o.families);
      const family = match?.family;
      known = { productName: device.productName, family, firmware: known?.family === family ? known?.firmware : undefined };
      this.#known.set(device.sn, known);
      if (!match && device.quotas.size > 0) this.#tell(device, {});
      if (match && match.by !== 'product name') this.#tell(device, { family: match.family.id, by: match.by });
    }
    if (known.family && device.quotas.size > 0) known.firmware = firmwareOf(known.family, device.quotas) ?? known.firmware;
    return known;
  }

  #tell(device: DeviceRecord, match: Pick<ModelEvent, 'family' | 'by'>): void {
    const model = device.productName.trim() || `serial ${device.sn.slice(0, 4)}…`;
    if (this.#told.has(model)) return;
    this.#told.add(model);
    this.#o.onModel?.({ sn: device.sn, productName: device.productName, ...match });
  }
}
