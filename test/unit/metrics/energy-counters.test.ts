import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPointType, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { EnergyCounters } from '../../../src/metrics/energy-counters.js';
import { MetricSelection } from '../../../src/catalog/metric-selection.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';
import { SN, energyWorld } from '../../helpers/energy-world.js';

const S = 1000;

async function collected(counters: EnergyCounters): Promise<Map<string, { value: number; startMs: number; monotonic: boolean }>> {
  const { resourceMetrics } = await counters.collect();
  const out = new Map<string, { value: number; startMs: number; monotonic: boolean }>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      assert.equal(metric.dataPointType, DataPointType.SUM, metric.descriptor.name);
      for (const point of (metric as SumMetricData).dataPoints) {
        const labels = Object.entries(point.attributes)
          .filter(([k]) => !['device_name', 'product_name'].includes(k))
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        out.set(`${metric.descriptor.name}{${labels}}`, {
          value: point.value,
          startMs: point.startTime[0] * 1000 + point.startTime[1] / 1e6,
          monotonic: (metric as SumMetricData).isMonotonic,
        });
      }
    }
  }
  return out;
}

function started(world: ReturnType<typeof energyWorld>): EnergyCounters {
  const counters = new EnergyCounters({ prefix: 'ecoflow', meter: new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 1000 }) });
  counters.start(world.ledger, world.snapshot);
  return counters;
}

test('every counter has its own start time: the one its counting began, from the state file too', async (t) => {
  const world = energyWorld({
    start: false,
    restore: { [SN]: { integrated: { batteryChargeEnergy: { joules: 500, since: 1_000_000 } }, daily: {} } },
  });
  world.ledger.start();
  const counters = started(world);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100, bat: 50, acOutWh: 7 }, 2_000_000);
  world.snapshot.replaceQuotas(SN, { pv: 100, bat: 50, acOutWh: 7 }, 2_010_000);
  const points = await collected(counters);
  const device = `device=${SN}`;
  assert.deepEqual(points.get(`ecoflow_battery_charge_energy_joules_total{${device}}`), { value: 500 + 500, startMs: 1_000_000, monotonic: true });
  assert.deepEqual(points.get(`ecoflow_port_input_energy_joules_total{${device},port=solar}`), { value: 1000, startMs: 2_000_000, monotonic: true });
  assert.deepEqual(points.get(`ecoflow_port_output_energy_joules_total{${device},port=ac}`), { value: 7 * 3600, startMs: 2_000_000, monotonic: true });
  // Not the same object as another counter of the device: a start time per series.
  assert.equal(points.get(`ecoflow_battery_discharge_energy_joules_total{${device}}`)?.startMs, 2_000_000);
});

test("a device counter's real reset shows no reset: the value goes on from where it was, the start time stays", async (t) => {
  const world = energyWorld({ staleAfterMs: 3_600 * S });
  const counters = started(world);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { acOutWh: 1000 }, 1 * S);
  world.snapshot.replaceQuotas(SN, { acOutWh: 1000 }, 2 * S);
  const key = `ecoflow_port_output_energy_joules_total{device=${SN},port=ac}`;
  assert.deepEqual((await collected(counters)).get(key), { value: 1000 * 3600, startMs: 1 * S, monotonic: true });
  // The device starts again from 0 and counts on: a level that persists (ten minutes, three readings).
  for (let m = 1; m <= 12; m++) world.snapshot.replaceQuotas(SN, { acOutWh: m }, m * 60 * S);
  assert.deepEqual((await collected(counters)).get(key), { value: (1000 + 11) * 3600, startMs: 1 * S, monotonic: true });
});

test('a device that leaves takes its series with it; the others keep their start times', async (t) => {
  const world = energyWorld();
  world.snapshot.setDevices([
    { sn: SN, name: 'test', productName: 'Test', online: true },
    { sn: 'T2', name: 'other', productName: 'Test', online: true },
  ]);
  const counters = started(world);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 5 * S);
  world.snapshot.replaceQuotas('T2', { pv: 100 }, 7 * S);
  const before = await collected(counters);
  assert.ok([...before.keys()].some((k) => k.includes('device=T2')));
  world.snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  // The fresh SDK side comes on the next turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  const after = await collected(counters);
  assert.deepEqual(
    [...after.keys()].filter((k) => k.includes('device=T2')),
    [],
  );
  const solar = `ecoflow_port_input_energy_joules_total{device=${SN},port=solar}`;
  assert.equal(after.get(solar)?.startMs, 5 * S);
  assert.equal(after.get(solar)?.startMs, before.get(solar)?.startMs);
});

test('the counters follow the one renewal policy: once enough series went away their SDK side is renewed, reported, and the output stays the same', async (t) => {
  const world = energyWorld();
  world.snapshot.setDevices([
    { sn: SN, name: 'test', productName: 'Test', online: true },
    { sn: 'T2', name: 'other', productName: 'Test', online: true },
  ]);
  const renewals: number[] = [];
  const meter = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 1000, onRenewal: (n) => renewals.push(n) });
  // Due as soon as one series went away.
  const counters = new EnergyCounters({ prefix: 'ecoflow', meter, renewAfter: () => 1 });
  counters.start(world.ledger, world.snapshot);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 5 * S);
  world.snapshot.replaceQuotas('T2', { pv: 100 }, 7 * S);
  const before = await collected(counters);
  const gone = [...before.keys()].filter((k) => k.includes('device=T2'));
  assert.ok(gone.length > 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(renewals, [], 'nothing went away yet');

  world.snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  const after = await collected(counters);
  assert.deepEqual(
    [...after.keys()].filter((k) => k.includes('device=T2')),
    [],
    'gone from the very next collection, before any renewal',
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(renewals, [gone.length], 'one renewal, letting go of the series of the device that left');
  // The fresh side reports the same values and start times.
  assert.deepEqual(await collected(counters), after);
});

test('a counter whose last series went is left out whole, not sent as a metric without points', async (t) => {
  const world = energyWorld();
  const counters = started(world);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 5 * S);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 7 * S);
  assert.ok((await collected(counters)).size > 0);
  world.snapshot.setDevices([]);
  const { resourceMetrics } = await counters.collect();
  assert.deepEqual(resourceMetrics.scopeMetrics, []);
});

test('a counter the selection leaves out is never registered nor observed; the others are as before', async (t) => {
  const world = energyWorld();
  const counters = new EnergyCounters({
    prefix: 'ecoflow',
    meter: new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 1000 }),
    selection: new MetricSelection({ raw: true, include: ['ecoflow_port_*'], exclude: ['ecoflow_port_input_*'] }),
  });
  counters.start(world.ledger, world.snapshot);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100, bat: 50, acOutWh: 7 }, 2_000_000);
  world.snapshot.replaceQuotas(SN, { pv: 100, bat: 50, acOutWh: 8 }, 2_010_000);
  const names = new Set([...(await collected(counters)).keys()].map((k) => k.slice(0, k.indexOf('{'))));
  assert.deepEqual([...names], ['ecoflow_port_output_energy_joules_total']);
});

test('a selection that leaves out every counter: an empty collection, no error', async (t) => {
  const world = energyWorld();
  const counters = new EnergyCounters({
    prefix: 'ecoflow',
    meter: new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 1000 }),
    selection: new MetricSelection({ raw: true, include: [], exclude: ['*_energy_joules_total'] }),
  });
  counters.start(world.ledger, world.snapshot);
  t.after(() => counters.shutdown());
  world.snapshot.replaceQuotas(SN, { pv: 100, bat: 50, acOutWh: 7 }, 2_000_000);
  const { resourceMetrics, errors } = await counters.collect();
  assert.deepEqual(errors, []);
  assert.deepEqual(resourceMetrics.scopeMetrics, []);
});
