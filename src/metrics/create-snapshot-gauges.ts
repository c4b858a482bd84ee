/**
 * The factory of the snapshot's metrics, with the list of producers: device state (online, last update),
 * and, unless switched off, raw quotas and the unified layer (device_info and base-unit metrics).
 */
import type { Meter } from '@opentelemetry/api';
import type { QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import type { StalenessRule } from '../snapshot/staleness.js';
import { DeviceStateProducer } from './producers/device-state-producer.js';
import { RawQuotaProducer } from './producers/raw-quota-producer.js';
import { UNIFIED_NAMES, UnifiedProducer } from './producers/unified-producer.js';
import { deviceModels, type DeviceModels } from '../devices/device-models.js';
import { GaugeRegistry, type SeriesProducer } from './series-producer.js';
import { SnapshotGauges, type GaugesReporter } from './snapshot-gauges.js';
import type { Logger } from '../log/logger.js';
import type { RenewAfter } from '../otel/renewal-policy.js';
import type { MetricSelection } from '../catalog/metric-selection.js';

export interface SnapshotGaugesSetup {
  meter: Meter;
  snapshot: QuotaSnapshot;
  prefix: string;
  /** Default true. */
  unified?: boolean;
  /** Which device metrics to build (RAW_METRICS, METRICS_INCLUDE, METRICS_EXCLUDE). Default: all. */
  selection?: MetricSelection;
  /** Which series are too old to export. Default: none. */
  staleness?: StalenessRule;
  maxSeriesPerDevice?: number;
  /** Named in the log line of a capped device (the snapshot applies it). */
  maxMetricsPerDevice?: number;
  /** Where the producers say what a user should know (a capped device, a guessed model). */
  logger?: Logger;
  /** The self-metrics: series per collection. */
  reporter?: GaugesReporter;
  /** Series were derived or went away: the renewal policy may want a renewal (ChurnBoundedGauges). */
  onRetired?: () => void;
  /** The renewal policy's threshold (otel/renewal-policy.ts). */
  renewAfter?: RenewAfter;
  /** What the producers remember beyond the series: pass the same to instruments built again. */
  memory?: ProducerMemory;
}

export interface ProducerMemory {
  /** Each device's family and firmware: pass the energy ledger's, so both read the same. */
  models: DeviceModels;
  lastDropped: Map<string, number>;
}

/** `models`: the record to share; a new one (logging guessed models to `logger`) if none. */
export function producerMemory(models?: DeviceModels, logger?: Logger): ProducerMemory {
  return { models: models ?? deviceModels(logger), lastDropped: new Map() };
}

/** The snapshot's gauges over the producers, not started. */
export function createSnapshotGauges(o: SnapshotGaugesSetup): SnapshotGauges {
  const unified = o.unified ?? true;
  const gauges = new GaugeRegistry(o.meter, o.selection);
  const producers: SeriesProducer[] = [new DeviceStateProducer(gauges, o.prefix)];
  if (o.selection?.raw !== false)
    producers.push(
      new RawQuotaProducer({
        gauges,
        prefix: o.prefix,
        maxSeriesPerDevice: o.maxSeriesPerDevice,
        reservedNames: unified ? UNIFIED_NAMES : undefined,
        onSeriesCapped: o.logger && ((sn, dropped) => logSeriesCapped(o.logger!, sn, dropped, o)),
        lastDropped: o.memory?.lastDropped,
      }),
    );
  if (unified)
    producers.push(
      new UnifiedProducer({
        gauges,
        prefix: o.prefix,
        models: o.memory?.models ?? deviceModels(o.logger),
      }),
    );
  return new SnapshotGauges({
    meter: o.meter,
    gauges,
    snapshot: o.snapshot,
    producers,
    staleness: o.staleness,
    reporter: o.reporter,
    onRetired: o.onRetired,
    renewAfter: o.renewAfter,
  });
}

function logSeriesCapped(log: Logger, sn: string, dropped: number, caps: Pick<SnapshotGaugesSetup, 'maxSeriesPerDevice' | 'maxMetricsPerDevice'>): void {
  log.warn('device has more series than MAX_SERIES_PER_DEVICE, or more metric names than MAX_METRICS_PER_DEVICE; the rest are left out', {
    sn,
    dropped,
    max_series_per_device: caps.maxSeriesPerDevice,
    ...(caps.maxMetricsPerDevice !== undefined && { max_metrics_per_device: caps.maxMetricsPerDevice }),
  });
}
