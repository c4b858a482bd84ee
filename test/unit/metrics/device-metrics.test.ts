import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { EnergyLedger } from '../../../src/energy/energy-ledger.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { Logger } from '../../../src/log/logger.js';
import { DeviceMetrics } from '../../../src/metrics/device-metrics.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';

const SCOPE = { name: 'test', version: '1' };

/** DeviceMetrics started as App starts it, read by a Prometheus reader over its producers. */
function world(unified: boolean) {
  const snapshot = new QuotaSnapshot();
  const models = new DeviceModels({ families: FAMILIES });
  const staleness = new StalenessRule({ staleAfterMs: 60_000 });
  const logs: Array<Record<string, unknown>> = [];
  const logger = new Logger({ level: 'info', format: 'json', write: (line) => logs.push(JSON.parse(line)), repeatWindowMs: 0 });
  const renewals: number[] = [];
  const reporter = { recordCollected: () => {}, recordRenewal: (n: number) => renewals.push(n), recordEnergyRejected: () => {} };
  const metrics = new DeviceMetrics({ prefix: 'ecoflow', unified, scope: SCOPE, cardinalityLimit: 100_000 });
  const reader = new PrometheusReader({ cardinalityLimit: 100_000, metricProducers: [...metrics.producers] });
  // A reader collects only once a provider holds it, as in the exporter.
  new MeterProvider({ readers: [reader] });
  const ledger = metrics.countsEnergy ? new EnergyLedger({ snapshot, models, staleness, reporter }) : undefined;
  ledger?.start();
  metrics.start({ snapshot, staleness, models, maxSeriesPerDevice: 10_000, logger, reporter, ledger });
  return { snapshot, metrics, reader, logs, renewals, ledger };
}

const samples = async (reader: PrometheusReader) =>
  (await reader.render())
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('{')[0]!);

test('with the unified layer: the gauges and the energy counters, each a producer the readers take', async (t) => {
  const w = world(true);
  t.after(() => w.metrics.stop());
  assert.equal(w.metrics.producers.length, 2);
  assert.equal(w.metrics.countsEnergy, true);
  w.snapshot.setDevices([{ sn: 'R331ZEB4ZE000001', name: 'river', productName: 'RIVER 2 Max', online: true }]);
  w.snapshot.replaceQuotas('R331ZEB4ZE000001', { 'pd.wattsInSum': 120, 'pd.chgPowerAC': 1000 }, Date.now());
  w.snapshot.replaceQuotas('R331ZEB4ZE000001', { 'pd.wattsInSum': 120, 'pd.chgPowerAC': 1000 }, Date.now());
  const names = await samples(w.reader);
  assert.ok(names.includes('ecoflow_pd_watts_in_sum'), 'a raw metric');
  assert.ok(names.includes('ecoflow_device_info'), 'the unified layer');
  assert.ok(
    names.some((n) => n.endsWith('_energy_joules_total')),
    `an energy counter among ${names.join(', ')}`,
  );
});

test('without the unified layer: the gauges alone, no energy counters, and no ledger asked for', async (t) => {
  const w = world(false);
  t.after(() => w.metrics.stop());
  assert.equal(w.metrics.producers.length, 1);
  assert.equal(w.metrics.countsEnergy, false);
  w.snapshot.setDevices([{ sn: 'R331ZEB4ZE000001', name: 'river', productName: 'RIVER 2 Max', online: true }]);
  w.snapshot.replaceQuotas('R331ZEB4ZE000001', { 'pd.wattsInSum': 120 }, Date.now());
  const names = await samples(w.reader);
  assert.ok(names.includes('ecoflow_pd_watts_in_sum'));
  assert.ok(!names.some((n) => n.endsWith('_joules_total') || n === 'ecoflow_device_info'), names.join(', '));
});

test('energy counters without a ledger are a wiring mistake, said at start', () => {
  const metrics = new DeviceMetrics({ prefix: 'ecoflow', unified: true, scope: SCOPE, cardinalityLimit: 1000 });
  const logger = new Logger({ level: 'error', write: () => {} });
  const reporter = { recordCollected: () => {}, recordRenewal: () => {} };
  assert.throws(
    () =>
      metrics.start({
        snapshot: new QuotaSnapshot(),
        staleness: new StalenessRule(),
        models: new DeviceModels({ families: FAMILIES }),
        maxSeriesPerDevice: 10,
        logger,
        reporter,
      }),
    /energy ledger/,
  );
});

test('a renewal is reported to the self-metrics and logged once, with the series it let go of', async (t) => {
  const w = world(false);
  t.after(() => w.metrics.stop());
  // 1,100 series that all go away pass the default threshold (1,000, as none stay live).
  const quotas = Object.fromEntries(Array.from({ length: 1_100 }, (_, i) => [`key${i}`, i]));
  w.snapshot.setDevices([{ sn: 'X1', name: 'big', productName: 'Unknown', online: true }]);
  w.snapshot.replaceQuotas('X1', quotas, Date.now());
  await w.reader.render();
  w.snapshot.setDevices([]);
  await new Promise((resolve) => setImmediate(resolve));
  // The device's online, last-update and dropped-series gauges go too.
  assert.equal(w.renewals.length, 1);
  assert.ok(w.renewals[0]! >= 1_100, String(w.renewals[0]));
  const logged = w.logs.filter((l) => l.msg === 'rebuilt the metric instruments to let go of series that went away');
  assert.deepEqual(
    logged.map((l) => l.released_series),
    w.renewals,
  );
  assert.deepEqual(await samples(w.reader), []);
});

test('after stop the producers answer empty, and stop may be called again', async () => {
  const w = world(true);
  w.snapshot.setDevices([{ sn: 'R331ZEB4ZE000001', name: 'river', productName: 'RIVER 2 Max', online: true }]);
  w.snapshot.replaceQuotas('R331ZEB4ZE000001', { 'pd.wattsInSum': 120 }, Date.now());
  assert.ok((await samples(w.reader)).length > 0);
  await w.metrics.stop();
  await w.metrics.stop();
  for (const producer of w.metrics.producers) assert.deepEqual((await producer.collect()).resourceMetrics.scopeMetrics, []);
});
