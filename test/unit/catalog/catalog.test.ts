import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { DEVICE_INFO, ENERGY_METRICS, type Label, METRICS, metricLabels, UNIFIED_METRICS } from '../../../src/catalog/catalog.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { EnergyLedger } from '../../../src/energy/energy-ledger.js';
import { EnergyCounters } from '../../../src/metrics/energy-counters.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';
import { metricsOn } from '../../helpers/metrics-world.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

/** Catalog name (without prefix) → the labels the catalog says it carries. */
function catalogLabels(): Map<string, readonly Label[]> {
  const all = new Map<string, readonly Label[]>();
  for (const m of Object.values(METRICS)) all.set(m.name, m.labels);
  for (const m of Object.values(UNIFIED_METRICS)) all.set(m.name, metricLabels(m));
  all.set(DEVICE_INFO.name, DEVICE_INFO.labels);
  // parseSample takes `_total` off, as Prometheus adds it to counters.
  for (const m of Object.values(ENERGY_METRICS)) all.set(m.name.replace(/_total$/, ''), metricLabels(m));
  return all;
}

/** `ecoflow_x_total{a="1",b="2"} 3` → name without prefix and suffixes, and the labels. */
function parseSample(line: string): { name: string; labels: Record<string, string> } {
  const m = /^ecoflow_(\w+?)(?:_total|_bucket|_sum|_count)?(?:\{(.*)\})? \S+$/.exec(line);
  assert.ok(m, line);
  const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
  return { name: m[1]!, labels };
}

test('every metric the exporter defines comes out with exactly the labels the catalog lists, and enum labels stay in their values', async () => {
  const energy = new EnergyCounters({ prefix: 'ecoflow', meter: new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 100_000 }) });
  const reader = new PrometheusReader({ cardinalityLimit: 100_000, metricProducers: [energy] });
  const provider = new MeterProvider({ readers: [reader] });
  // A low cap, so that a device reports series left out.
  const { snapshot, self } = metricsOn(provider.getMeter('test'), { maxSeriesPerDevice: 100 });
  const ledger = new EnergyLedger({ snapshot, models: new DeviceModels({ families: FAMILIES }), reporter: self });
  ledger.start();
  energy.start(ledger, snapshot);
  const fleet = stillDemoFleet();
  snapshot.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: d.online })));
  for (const d of fleet) if (d.online) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
  const device = { sn: fleet[0]!.sn, name: fleet[0]!.deviceName, productName: fleet[0]!.productName };
  self.recordRequest({ endpoint: 'quota/all', outcome: 'api_error', code: '1006', seconds: 0.2 });
  self.recordPoll('quota', 0.2, device.sn);
  self.recordPollFailure(device);
  self.recordStreamState('connected');
  self.recordStreamState('down');
  self.recordStreamState('connected');
  self.recordStreamMessage(device, 'type_code');
  self.recordStreamUnknown(device, 'not_json');
  self.recordStreamMerge(0.001);
  self.recordRenewal();
  self.recordOtlpFailure();
  self.recordSerializerFallback();
  self.recordEnergyRejected(device, 'jump');
  self.recordEnergyStateWrite(true);

  const catalog = catalogLabels();
  const seen = new Set<string>();
  for (const line of (await reader.render()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const { name, labels } = parseSample(line);
    const expected = catalog.get(name);
    if (!expected) continue; // a raw quota gauge, named from its key
    seen.add(name);
    const names = new Set(expected.map((l) => (typeof l === 'string' ? l : l.name)));
    const extra = Object.keys(labels).filter((l) => l !== 'le' && !names.has(l));
    assert.deepEqual(extra, [], `${name}: labels the catalog does not list`);
    // Optional labels: device_info's firmware where the payload says, the index labels of arrays.
    const missing = [...names].filter((l) => labels[l] === undefined && !(name === DEVICE_INFO.name && l === 'firmware'));
    assert.deepEqual(missing, [], `${name}: catalog labels the series lacks`);
    for (const l of expected) {
      if (typeof l === 'string' || labels[l.name] === undefined) continue;
      assert.ok(l.values.includes(labels[l.name]!), `${name}: ${l.name}="${labels[l.name]}" is not one of ${l.values.join(', ')}`);
    }
  }
  const everyOwn = Object.values(METRICS).map((m) => m.name);
  assert.deepEqual(
    everyOwn.filter((n) => !seen.has(n)),
    [],
    'own metrics the run did not produce',
  );
  assert.ok(Object.values(UNIFIED_METRICS).some((m) => seen.has(m.name)) && seen.has(DEVICE_INFO.name));
  assert.deepEqual(
    Object.values(ENERGY_METRICS)
      .map((m) => m.name.replace(/_total$/, ''))
      .filter((n) => !seen.has(n)),
    [],
    'energy counters the demo fleet did not produce',
  );
  self.stop();
  await energy.shutdown();
  await provider.shutdown();
});
