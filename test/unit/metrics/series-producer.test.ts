import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { GaugeRegistry } from '../../../src/metrics/series-producer.js';

function registry() {
  const reader = new PrometheusReader({ cardinalityLimit: 1_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  return { meter, reader, gauges: new GaugeRegistry(meter), stop: () => provider.shutdown() };
}

test('one gauge per name: asked again, with other options, the registry hands back the first', async () => {
  const { gauges, stop } = registry();
  const first = gauges.gauge('ecoflow_pd_soc', { description: 'first' });
  assert.equal(gauges.gauge('ecoflow_pd_soc', { description: 'second', unit: 'W' }), first);
  assert.equal(gauges.all().length, 1);
  await stop();
});

test('takeGrown is true once after gauges were added, and stays false for names the registry has', async () => {
  const { gauges, stop } = registry();
  assert.equal(gauges.takeGrown(), false, 'nothing made yet');
  gauges.gauge('a', {});
  gauges.gauge('b', {});
  assert.equal(gauges.takeGrown(), true);
  assert.equal(gauges.takeGrown(), false, 'told once');
  gauges.gauge('a', {});
  assert.equal(gauges.takeGrown(), false, 'a name it had adds nothing');
  gauges.gauge('c', {});
  assert.equal(gauges.takeGrown(), true);
  await stop();
});

test('all() lists every gauge once, in the order first asked for', async () => {
  const { gauges, stop } = registry();
  const b = gauges.gauge('b', {});
  const a = gauges.gauge('a', {});
  gauges.gauge('b', {});
  const c = gauges.gauge('c', {});
  assert.deepEqual(
    gauges.all().map((g) => [b, a, c].indexOf(g)),
    [0, 1, 2],
  );
  await stop();
});

test("the gauges are the meter's: observed over all(), the reader shows each under its name, with the first options' description and unit", async () => {
  const { meter, reader, gauges, stop } = registry();
  const soc = gauges.gauge('ecoflow_battery_soc_ratio', { description: 'State of charge.', unit: '1' });
  const watts = gauges.gauge('ecoflow_pd_watts_out_sum', { description: 'raw' });
  gauges.gauge('ecoflow_battery_soc_ratio', { description: 'ignored', unit: 'ignored' });
  meter.addBatchObservableCallback((result) => {
    result.observe(soc, 0.46, { device: 'A' });
    result.observe(watts, 201, { device: 'A' });
  }, gauges.all());
  assert.equal(
    await reader.render(),
    [
      '# HELP ecoflow_battery_soc_ratio State of charge.',
      '# UNIT ecoflow_battery_soc_ratio 1',
      '# TYPE ecoflow_battery_soc_ratio gauge',
      'ecoflow_battery_soc_ratio{device="A"} 0.46',
      '# HELP ecoflow_pd_watts_out_sum raw',
      '# TYPE ecoflow_pd_watts_out_sum gauge',
      'ecoflow_pd_watts_out_sum{device="A"} 201',
      '',
    ].join('\n'),
  );
  await stop();
});
