/**
 * The energy counters as OpenTelemetry observable counters: one batch callback reads what the
 * ledger holds for each listed device (never computing anything at collection time). They get
 * an SDK side of their own (RenewableMeter), renewed when a device leaves or is renamed: the
 * SDK keeps reporting every attribute set a cumulative instrument ever saw. Each series' start
 * time is the one its counting began, kept across renewals and, through the state file,
 * restarts, so an OTLP receiver never mistakes a renewal for a reset.
 */
import type { Attributes, BatchObservableCallback, HrTime, ObservableCounter } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { DataPointType, type CollectionResult, type MetricCollectOptions, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { EnergyLedger, EnergyReading } from '../energy/energy-ledger.js';
import type { QuotaSnapshot, SnapshotChange } from '../snapshot/quota-snapshot.js';
import { ENERGY_METRICS, ENERGY_UNIT, ownMetricName, type EnergyMetricId } from '../catalog/catalog.js';
import { deviceLabels } from './device-labels.js';
import { RenewableMeter } from './sdk-memory/renewable-meter.js';

export interface EnergyCountersOptions {
  prefix: string;
  name: string;
  version: string;
  cardinalityLimit: number;
}

interface Labelled {
  /** The device's labels these attributes were made from. */
  device: Attributes;
  attributes: Attributes;
}

export class EnergyCounters implements MetricProducer {
  readonly #meter: RenewableMeter;
  #counters: Record<EnergyMetricId, ObservableCounter> | undefined;
  readonly #attributes = new WeakMap<EnergyReading, Labelled>();
  /**
   * Start time (epoch ms) by series (metric and labels), as last observed. By content, not by
   * object: the SDK hands back the first attributes object it saw for a series.
   */
  #since = new Map<string, number>();
  /** Each listed device's labels, to notice a rename. */
  readonly #labels = new Map<string, Attributes>();
  readonly #names: Record<EnergyMetricId, string>;
  #ledger: EnergyLedger | undefined;
  #snapshot: QuotaSnapshot | undefined;
  #unsubscribe: (() => void) | undefined;
  #pending: NodeJS.Immediate | undefined;

  constructor(options: EnergyCountersOptions) {
    this.#meter = new RenewableMeter({ name: options.name, version: options.version, cardinalityLimit: options.cardinalityLimit });
    this.#names = Object.fromEntries(Object.entries(ENERGY_METRICS).map(([id, m]) => [id, ownMetricName(options.prefix, m)])) as Record<EnergyMetricId, string>;
  }

  /** Registers the counters; a reader may collect (an empty scope) before. */
  start(ledger: EnergyLedger, snapshot: QuotaSnapshot): void {
    if (this.#unsubscribe) return;
    this.#ledger = ledger;
    this.#snapshot = snapshot;
    for (const device of snapshot.devices()) this.#labels.set(device.sn, deviceLabels(device));
    this.#unsubscribe = snapshot.subscribe((change) => this.#onChange(change));
    this.#register(this.#meter.meter);
  }

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    const result = await this.#meter.collect(options);
    for (const scope of result.resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.dataPointType !== DataPointType.SUM) continue;
        for (const point of metric.dataPoints) {
          const since = this.#since.get(seriesKey(metric.descriptor.name, point.attributes));
          // The SDK's points are plain objects made for this collection: theirs to give, ours to correct.
          if (since !== undefined && since > 0) (point as { startTime: HrTime }).startTime = millisToHrTime(since);
        }
      }
    }
    return result;
  }

  async shutdown(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearImmediate(this.#pending);
    await this.#meter.shutdown().catch(() => {});
  }

  readonly #observe: BatchObservableCallback = (result) => {
    const counters = this.#counters!;
    const since = new Map<string, number>();
    for (const device of this.#snapshot!.devices()) {
      const labels = deviceLabels(device);
      for (const reading of this.#ledger!.readings(device.sn)) {
        const attributes = this.#attributesOf(reading, labels);
        since.set(seriesKey(this.#names[reading.metric], attributes), reading.since);
        result.observe(counters[reading.metric], reading.joules, attributes);
      }
    }
    this.#since = since;
  };

  #attributesOf(reading: EnergyReading, device: Attributes): Attributes {
    const known = this.#attributes.get(reading);
    if (known && known.device === device) return known.attributes;
    const attributes: Attributes =
      reading.port !== undefined
        ? { ...device, port: reading.port }
        : reading.circuit !== undefined
          ? { ...device, circuit: reading.circuit, source: reading.source }
          : device;
    this.#attributes.set(reading, { device, attributes });
    return attributes;
  }

  #register(meter: RenewableMeter['meter']): void {
    const counters = Object.fromEntries(
      (Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>).map(([id, m]) => [
        id,
        meter.createObservableCounter(this.#names[id], { description: m.help, unit: ENERGY_UNIT }),
      ]),
    ) as Record<EnergyMetricId, ObservableCounter>;
    this.#counters = counters;
    meter.addBatchObservableCallback(this.#observe, Object.values(counters));
  }

  /** A device that left or was renamed: its old series go with a fresh SDK side. */
  #onChange(change: SnapshotChange): void {
    if (change.kind === 'quotas-changed') return;
    const device = this.#snapshot!.get(change.sn);
    const labels = device && deviceLabels(device);
    const before = this.#labels.get(change.sn);
    if (labels) this.#labels.set(change.sn, labels);
    else this.#labels.delete(change.sn);
    if (before === undefined || before === labels) return;
    this.#pending ??= setImmediate(() => {
      this.#pending = undefined;
      if (this.#unsubscribe) this.#meter.renew((meter) => this.#register(meter));
    });
  }
}

const keys = new WeakMap<Attributes, string>();

/** A series' identity: its metric and its labels (attribute objects are mostly reused: the text is made once). */
function seriesKey(metric: string, attributes: Attributes): string {
  let key = keys.get(attributes);
  if (key === undefined) keys.set(attributes, (key = JSON.stringify(attributes)));
  return `${metric}\u0000${key}`;
}
