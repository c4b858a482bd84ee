import type { Meter } from '@opentelemetry/api';
import { createSnapshotGauges, type SnapshotGaugesSetup } from '../../src/metrics/create-snapshot-gauges.js';
import { SelfMetrics } from '../../src/self-metrics/self-metrics.js';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../src/snapshot/staleness.js';

/**
 * Everything the exporter puts on a meter, as App wires it, without HTTP or EcoFlow: an empty
 * snapshot, the self-metrics and the snapshot's gauges reporting to them. Started.
 */
export function metricsOn(meter: Meter, gauges: Partial<SnapshotGaugesSetup> = {}): { snapshot: QuotaSnapshot; self: SelfMetrics } {
  const snapshot = new QuotaSnapshot();
  const self = new SelfMetrics({
    meter,
    prefix: 'ecoflow',
    sources: { snapshot, staleness: new StalenessRule({ staleAfterMs: 60_000 }), circuitState: () => 'closed', version: '1.2.3' },
  });
  self.start();
  createSnapshotGauges({ meter, snapshot, prefix: 'ecoflow', reporter: self, ...gauges }).start();
  return { snapshot, self };
}
