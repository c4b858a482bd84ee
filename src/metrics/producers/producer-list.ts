import type { Meter } from '@opentelemetry/api';
import { FAMILIES } from '../../devices/families.js';
import type { QuotaSnapshot } from '../../snapshot/quota-snapshot.js';
import type { StalenessRule } from '../../snapshot/staleness.js';
import { DeviceStateProducer } from './device-state-producer.js';
import { RawQuotaProducer } from './raw-quota-producer.js';
import { ModelMemory, UNIFIED_NAMES, UnifiedProducer, type ModelEvent } from './unified-producer.js';
import { GaugeRegistry, type SeriesProducer } from '../series-producer.js';
import { SnapshotGauges } from '../snapshot-gauges.js';

export interface SnapshotGaugesSetup {
  meter: Meter;
  snapshot: QuotaSnapshot;
  prefix: string;
  /** Default true. */
  unified?: boolean;
  /** Which series are too old to export. Default: none. */
  staleness?: StalenessRule;
  maxSeriesPerDevice?: number;
  onSeriesCapped?: (sn: string, dropped: number) => void;
  /** Once per model without a table, or matched to one by serial number or keys. */
  onModel?: (event: ModelEvent) => void;
  onCollected?: (quotaSeries: number) => void;
  onRetired?: () => void;
  /** What the producers remember beyond the series: pass the same to instruments built again. */
  memory?: ProducerMemory;
}

export interface ProducerMemory {
  models: ModelMemory;
  lastDropped: Map<string, number>;
}

export function producerMemory(): ProducerMemory {
  return { models: new ModelMemory(), lastDropped: new Map() };
}

/**
 * The metrics of the snapshot, with the list of producers: device state (online, last update),
 * raw quotas and, unless switched off, the unified layer (device_info and base-unit metrics).
 * Not started.
 */
export function snapshotGauges(o: SnapshotGaugesSetup): SnapshotGauges {
  const unified = o.unified ?? true;
  const gauges = new GaugeRegistry(o.meter);
  const producers: SeriesProducer[] = [
    new DeviceStateProducer(gauges, o.prefix),
    new RawQuotaProducer({
      gauges,
      prefix: o.prefix,
      maxSeriesPerDevice: o.maxSeriesPerDevice,
      reservedNames: unified ? UNIFIED_NAMES : undefined,
      onSeriesCapped: o.onSeriesCapped,
      lastDropped: o.memory?.lastDropped,
    }),
  ];
  if (unified) producers.push(new UnifiedProducer({ gauges, prefix: o.prefix, families: FAMILIES, onModel: o.onModel, memory: o.memory?.models }));
  return new SnapshotGauges({ meter: o.meter, gauges, snapshot: o.snapshot, producers, staleness: o.staleness, onCollected: o.onCollected, onRetired: o.onRetired });
}
