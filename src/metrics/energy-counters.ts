/**
 * The energy counters as OpenTelemetry observable counters: one batch callback reads what the
 * ledger holds for each listed device (never computing anything at collection time), on an SDK
 * side of their own (RenewableMeter). The SDK keeps reporting every attribute set a cumulative
 * instrument ever saw, so each collection keeps only the series observed in it (a device that
 * left or was renamed takes its series with it), and the side is renewed by the one renewal
 * policy (otel/renewal-policy.ts) to let go of their memory. Each series' start time is the one
 * its counting began, kept across renewals and, through the state file, restarts, so an OTLP
 * receiver never mistakes a renewal for a reset.
 */
import type { Attributes, BatchObservableCallback, HrTime, ObservableCounter } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { DataPointType, type CollectionResult, type MetricCollectOptions, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { EnergyLedger, EnergyReading } from '../energy/energy-ledger.js';
import type { QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import { CIRCUIT_LABELS, ENERGY_METRICS, ENERGY_UNIT, ownMetricName, PORT_LABEL, type EnergyMetricId } from '../catalog/catalog.js';
import { attributesKey } from '../otel/attribute-key.js';
import type { RenewableMeter } from '../otel/renewable-meter.js';
import { ShownSeries, type RenewAfter } from '../otel/renewal-policy.js';
import { deviceLabels } from './device-labels.js';
import { MetricSelection } from '../catalog/metric-selection.js';

export interface EnergyCountersOptions {
  prefix: string;
  meter: RenewableMeter;
  /** The renewal policy's threshold. Default: as many as are live, at least 1,000. */
  renewAfter?: RenewAfter;
  /** Which counters to export (METRICS_INCLUDE, METRICS_EXCLUDE). Default: all. */
  selection?: MetricSelection;
}

interface Labelled {
  /** The device's labels these attributes were made from. */
  device: Attributes;
  attributes: Attributes;
}

export class EnergyCounters implements MetricProducer {
  readonly #meter: RenewableMeter;
  /** The selected counters: a reading of a metric left out is never observed. */
  #counters: Partial<Record<EnergyMetricId, ObservableCounter>> | undefined;
  readonly #attributes = new WeakMap<EnergyReading, Labelled>();
  /**
   * Start time (epoch ms) by series (metric and labels), as last observed: the series to keep.
   * By content, not by object: the SDK hands back the first attributes object it saw for a series.
   */
  #since = new Map<string, number>();
  readonly #names: Record<EnergyMetricId, string>;
  readonly #selected: Array<[EnergyMetricId, EnergyMetricSpec]>;
  readonly #renewAfter: RenewAfter | undefined;
  #shown: ShownSeries;
  #ledger: EnergyLedger | undefined;
  #snapshot: QuotaSnapshot | undefined;
  #started = false;
  #pending: NodeJS.Immediate | undefined;

  constructor(options: EnergyCountersOptions) {
    this.#meter = options.meter;
    this.#renewAfter = options.renewAfter;
    this.#shown = new ShownSeries(options.renewAfter);
    this.#names = Object.fromEntries(Object.entries(ENERGY_METRICS).map(([id, m]) => [id, ownMetricName(options.prefix, m)])) as Record<EnergyMetricId, string>;
    const selection = options.selection ?? MetricSelection.everything;
    this.#selected = (Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, EnergyMetricSpec]>).filter(([id]) =>
      selection.selects(this.#names[id], 'energy'),
    );
  }

  /** Registers the counters; a reader may collect (an empty scope) before. */
  start(ledger: EnergyLedger, snapshot: QuotaSnapshot): void {
    if (this.#started) return;
    this.#started = true;
    this.#ledger = ledger;
    this.#snapshot = snapshot;
    this.#register(this.#meter.meter);
  }

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    const result = await this.#meter.collect(options);
    // The SDK's metrics and points are plain objects made for this collection: theirs to give, ours to correct.
    for (const scope of result.resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.dataPointType !== DataPointType.SUM) continue;
        const kept = [];
        for (const point of metric.dataPoints) {
          const since = this.#since.get(seriesKey(metric.descriptor.name, point.attributes));
          if (since === undefined) continue;
          if (since > 0) (point as { startTime: HrTime }).startTime = millisToHrTime(since);
          kept.push(point);
        }
        (metric as { dataPoints: typeof kept }).dataPoints = kept;
      }
      // A counter whose last series went is left out, as the SDK leaves out one that never had any.
      scope.metrics = scope.metrics.filter((metric) => metric.dataPoints.length > 0);
    }
    result.resourceMetrics.scopeMetrics = result.resourceMetrics.scopeMetrics.filter((scope) => scope.metrics.length > 0);
    if (this.#started && !this.#pending && this.#shown.renewalDue(this.#since.size)) this.#pending = setImmediate(() => this.#renew());
    return result;
  }

  async shutdown(): Promise<void> {
    this.#started = false;
    clearImmediate(this.#pending);
    await this.#meter.shutdown().catch(() => {});
  }

  readonly #observe: BatchObservableCallback = (result) => {
    const counters = this.#counters!;
    const since = new Map<string, number>();
    for (const device of this.#snapshot!.devices()) {
      const labels = deviceLabels(device);
      for (const reading of this.#ledger!.readings(device.sn)) {
        const counter = counters[reading.metric];
        if (!counter) continue;
        const attributes = this.#attributesOf(reading, labels);
        since.set(seriesKey(this.#names[reading.metric], attributes), reading.since);
        this.#shown.note(counter, attributes);
        result.observe(counter, reading.joules, attributes);
      }
    }
    this.#since = since;
  };

  #attributesOf(reading: EnergyReading, device: Attributes): Attributes {
    const known = this.#attributes.get(reading);
    if (known && known.device === device) return known.attributes;
    const attributes: Attributes =
      reading.port !== undefined
        ? { ...device, [PORT_LABEL.name]: reading.port }
        : reading.circuit !== undefined
          ? { ...device, [CIRCUIT_LABELS.circuit]: reading.circuit, [CIRCUIT_LABELS.source.name]: reading.source }
          : device;
    this.#attributes.set(reading, { device, attributes });
    return attributes;
  }

  #register(meter: RenewableMeter['meter']): void {
    const counters = Object.fromEntries(
      this.#selected.map(([id, m]) => [id, meter.createObservableCounter(this.#names[id], { description: m.help, unit: ENERGY_UNIT })]),
    ) as Partial<Record<EnergyMetricId, ObservableCounter>>;
    this.#counters = counters;
    const observed = Object.values(counters);
    if (observed.length > 0) meter.addBatchObservableCallback(this.#observe, observed);
  }

  /** Out of the collection that found it due; the series observed next are the fresh side's first. */
  #renew(): void {
    this.#pending = undefined;
    if (!this.#started) return;
    const released = this.#shown.gone(this.#since.size);
    this.#meter.renew((meter) => {
      this.#shown = new ShownSeries(this.#renewAfter);
      this.#register(meter);
    }, released);
  }
}

type EnergyMetricSpec = (typeof ENERGY_METRICS)[EnergyMetricId];

/** A series' identity: its metric and its labels. */
function seriesKey(metric: string, attributes: Attributes): string {
  return `${metric}\u0000${attributesKey(attributes)}`;
}
