import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregationTemporality, DataPointType, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';

async function points(meter: RenewableMeter): Promise<Array<{ name: string; device: unknown; value: number }>> {
  const { resourceMetrics } = await meter.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) =>
    s.metrics.flatMap((m) => (m as GaugeMetricData).dataPoints.map((p) => ({ name: m.descriptor.name, device: p.attributes.device, value: p.value }))),
  );
}

test('a renewal drops what the old side remembered and reports how many series it let go of', async (t) => {
  const renewals: number[] = [];
  const meter = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 100, onRenewal: (n) => renewals.push(n) });
  t.after(() => meter.shutdown());
  let devices = ['A', 'B'];
  const fill = (m: RenewableMeter['meter']) => {
    const gauge = m.createObservableGauge('power');
    m.addBatchObservableCallback(
      (r) => {
        for (const device of devices) r.observe(gauge, 1, { device });
      },
      [gauge],
    );
  };
  fill(meter.meter);
  assert.deepEqual(
    (await points(meter)).map((p) => p.device),
    ['A', 'B'],
  );
  devices = ['C'];
  meter.renew(fill, 2);
  assert.deepEqual(renewals, [2]);
  assert.deepEqual(await points(meter), [{ name: 'power', device: 'C', value: 1 }]);
});

test('its observable gauges are delta: a series no longer observed is not collected, even before a renewal', async (t) => {
  const meter = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 100 });
  t.after(() => meter.shutdown());
  let devices = ['A', 'B'];
  const gauge = meter.meter.createObservableGauge('power');
  meter.meter.addBatchObservableCallback(
    (r) => {
      for (const device of devices) r.observe(gauge, 1, { device });
    },
    [gauge],
  );
  const first = await meter.collect();
  const metric = first.resourceMetrics.scopeMetrics[0]!.metrics[0]!;
  assert.equal(metric.dataPointType, DataPointType.GAUGE);
  assert.equal(metric.aggregationTemporality, AggregationTemporality.DELTA);
  devices = ['B'];
  assert.deepEqual(
    (await points(meter)).map((p) => p.device),
    ['B'],
  );
});

test('the cardinality limit folds the rest of the series into the overflow series', async (t) => {
  const meter = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 3 });
  t.after(() => meter.shutdown());
  const gauge = meter.meter.createObservableGauge('power');
  meter.meter.addBatchObservableCallback(
    (r) => {
      for (const device of ['A', 'B', 'C', 'D', 'E']) r.observe(gauge, 1, { device });
    },
    [gauge],
  );
  const { resourceMetrics } = await meter.collect();
  const dataPoints = (resourceMetrics.scopeMetrics[0]!.metrics[0] as GaugeMetricData).dataPoints;
  assert.equal(dataPoints.length, 3);
  assert.ok(dataPoints.some((p) => p.attributes['otel.metric.overflow'] === true));
});

test('after shutdown a late collection gets an empty answer, not an error', async () => {
  const meter = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 100 });
  const gauge = meter.meter.createObservableGauge('power');
  meter.meter.addBatchObservableCallback((r) => r.observe(gauge, 1), [gauge]);
  assert.equal((await points(meter)).length, 1);
  await meter.shutdown();
  const late = await meter.collect();
  assert.deepEqual(late.resourceMetrics.scopeMetrics, []);
  assert.deepEqual(late.errors, []);
});
