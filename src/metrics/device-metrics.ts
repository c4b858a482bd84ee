/**
 * Everything exported about the devices, ready for the readers: the snapshot's gauges and, with
 * the unified layer, the energy counters. Each lives on an SDK side of its own (RenewableMeter)
 * that the readers take as a producer, so a renewal drops nothing the readers keep. Built before
 * the readers; started once its reporter (the self-metrics) and the energy ledger exist.
 */
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { DeviceModels } from '../devices/device-models.js';
import type { EnergyLedger } from '../energy/energy-ledger.js';
import type { Logger } from '../log/logger.js';
import { RenewableMeter } from '../otel/renewable-meter.js';
import type { QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import type { StalenessRule } from '../snapshot/staleness.js';
import { ChurnBoundedGauges } from './churn-bounded-gauges.js';
import { EnergyCounters } from './energy-counters.js';
import type { GaugesReporter } from './snapshot-gauges.js';
import { MetricSelection } from '../catalog/metric-selection.js';
import { FAMILIES } from '../devices/families.js';
import { selectionNotices } from './selection-notices.js';

export interface DeviceMetricsOptions {
  prefix: string;
  /** The unified layer: base-unit metrics, device_info and the energy counters. */
  unified: boolean;
  /** The instrumentation scope of every device metric. */
  scope: { name: string; version: string };
  /** Attribute sets per instrument before the SDK folds the rest into an overflow series. */
  cardinalityLimit: number;
  /** Which device metrics to build (RAW_METRICS, METRICS_INCLUDE, METRICS_EXCLUDE). Default: all. */
  selection?: MetricSelection;
}

/** What the device metrics report (the self-metrics). */
export interface DeviceMetricsReporter extends GaugesReporter {
  /** An SDK side was built again, letting go of `released` series that went away. */
  recordRenewal(released: number): void;
}

export interface DeviceMetricsStart {
  snapshot: QuotaSnapshot;
  staleness: StalenessRule;
  /** Each device's family and firmware, shared with the energy ledger. */
  models: DeviceModels;
  maxSeriesPerDevice: number;
  /** For the log line of a capped device (the snapshot applies it). */
  maxMetricsPerDevice?: number;
  logger: Logger;
  reporter: DeviceMetricsReporter;
  /** The energy counters' values: required when `countsEnergy`. */
  ledger?: EnergyLedger;
  /** After each renewal of an SDK side, once reported. */
  onRenewal?: () => void;
}

export class DeviceMetrics {
  /** What the readers collect: the gauges' side, then the energy counters' side. */
  readonly producers: readonly MetricProducer[];
  readonly #o: DeviceMetricsOptions;
  readonly #gaugesMeter: RenewableMeter;
  readonly #energy: EnergyCounters | undefined;
  #gauges: ChurnBoundedGauges | undefined;
  #started: DeviceMetricsStart | undefined;

  constructor(options: DeviceMetricsOptions) {
    this.#o = options;
    const side = () => new RenewableMeter({ ...options.scope, cardinalityLimit: options.cardinalityLimit, onRenewal: this.#onRenewal });
    this.#gaugesMeter = side();
    this.#energy = options.unified ? new EnergyCounters({ prefix: options.prefix, meter: side(), selection: options.selection }) : undefined;
    this.producers = this.#energy ? [this.#gaugesMeter, this.#energy] : [this.#gaugesMeter];
  }

  /** Energy counters are exported (the unified layer is on): start the energy ledger for them. */
  get countsEnergy(): boolean {
    return this.#energy !== undefined;
  }

  start(o: DeviceMetricsStart): void {
    if (this.#started) return;
    this.#started = o;
    const selection = this.#o.selection ?? MetricSelection.everything;
    for (const n of selectionNotices(selection, { prefix: this.#o.prefix, unified: this.#o.unified, families: FAMILIES }))
      o.logger[n.level](n.message, n.fields);
    this.#gauges = new ChurnBoundedGauges({
      meter: this.#gaugesMeter,
      snapshot: o.snapshot,
      prefix: this.#o.prefix,
      unified: this.#o.unified,
      selection: this.#o.selection,
      models: o.models,
      staleness: o.staleness,
      maxSeriesPerDevice: o.maxSeriesPerDevice,
      maxMetricsPerDevice: o.maxMetricsPerDevice,
      logger: o.logger,
      reporter: o.reporter,
    });
    this.#gauges.start();
    if (this.#energy) {
      if (!o.ledger) throw new Error('DeviceMetrics.start: the energy counters need the energy ledger');
      this.#energy.start(o.ledger, o.snapshot);
    }
  }

  async stop(): Promise<void> {
    this.#gauges?.stop();
    await this.#gaugesMeter.shutdown().catch(() => {});
    await this.#energy?.shutdown();
  }

  readonly #onRenewal = (released: number): void => {
    this.#started?.reporter.recordRenewal(released);
    this.#started?.logger.info('rebuilt the metric instruments to let go of series that went away', { released_series: released });
    this.#started?.onRenewal?.();
  };
}
