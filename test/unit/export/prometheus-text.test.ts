import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { PrometheusText } from '../../../src/export/prometheus-text.js';
import { gaugesDelta } from '../../../src/otel/temporality.js';
import { metricsOn } from '../../helpers/metrics-world.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';
import { AWKWARD_QUOTAS } from '../../helpers/awkward-quotas.js';

/** A reader that hands out what it collected, for both serializers to work from. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: (type) => gaugesDelta(type), cardinalitySelector: () => 100_000 });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

test('the fast serializer writes exactly what PrometheusSerializer writes, for the demo fleet, awkward keys and the self-metrics', async () => {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const { snapshot, self } = metricsOn(provider.getMeter('test'));
  const fleet = stillDemoFleet();
  snapshot.setDevices([
    ...fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: d.online })),
    { sn: 'ODD0000000000001', name: 'Name with "quotes", \\ and\nnewline', productName: 'Ünknown ☀', online: true },
  ]);
  for (const d of fleet) if (d.online) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
  snapshot.replaceQuotas('ODD0000000000001', AWKWARD_QUOTAS, Date.now());
  self.recordRequest({ endpoint: 'quota/all', outcome: 'success', code: '', seconds: 0.12 });
  self.recordRequest({ endpoint: 'quota/all', outcome: 'api_error', code: '1006', seconds: 3.5 });
  self.recordPoll('quota', 0.2, fleet[0]!.sn);
  self.recordPollFailure({ sn: 'ODD0000000000001', name: 'Name with "quotes", \\ and\nnewline', productName: 'Ünknown ☀' });
  self.recordStreamState('connected');
  self.recordStreamMessage({ sn: fleet[0]!.sn, name: 'x', productName: 'DELTA 2' }, 'type_code');
  self.recordStreamMerge(0.0004);

  const fast = new PrometheusText();
  const baseline = new PrometheusSerializer(undefined, false, undefined, true, true);
  for (let round = 0; round < 3; round++) {
    const { resourceMetrics } = await reader.collect();
    const expected = baseline.serialize(resourceMetrics);
    assert.ok(expected.split('\n').length > 3000, 'a real exposition');
    // Twice from one collection, and again after another: the caches must not change a byte.
    assert.equal(fast.serialize(resourceMetrics).toString('utf8'), expected);
    assert.equal(fast.serialize(resourceMetrics).toString('utf8'), expected);
    snapshot.mergeQuotas(fleet[0]!.sn, { 'pd.soc': 40 + round }, Date.now());
    self.recordRequest({ endpoint: 'device/list', outcome: 'success', code: '', seconds: round });
  }
  self.stop();
  await provider.shutdown();
});

test('an empty collection is an empty body', async () => {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const { resourceMetrics } = await reader.collect();
  assert.equal(new PrometheusText().serialize(resourceMetrics).length, 0);
  await provider.shutdown();
});
