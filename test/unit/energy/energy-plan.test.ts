import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceFamily, EnergyRow, LifetimeCounterRow, MappingRow } from '../../../src/devices/device-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { smartHomePanel } from '../../../src/devices/smart-home-panel.js';
import { targetOf } from '../../../src/devices/unify.js';
import { decodeCounterKey } from '../../../src/energy/counter-key.js';
import { energyPlan } from '../../../src/energy/energy-plan.js';
import { CIRCUITS, GRID_DAY, LOAD } from '../../helpers/energy-rows.js';
import type { Port, UnifiedMetricId } from '../../../src/catalog/catalog.js';

function powerRow(metric: UnifiedMetricId, key: string, port?: Port): MappingRow {
  return { metric, ...(port && { port }), key, scale: 1, tags: ['DOC'], evidence: 'test' };
}

function familyOf(rows: MappingRow[], energy: EnergyRow[], ratedPowerW: number): DeviceFamily {
  return {
    id: 'plan-test',
    title: 'Plan test',
    productNames: [],
    snPrefixes: [],
    shapeKeys: [],
    rows,
    energy: { ratedPowerW, ratedPowerEvidence: 'test', rows: energy },
    unmapped: [],
    rawOnly: [],
  };
}

// Ratings that all differ, so each counter's shows where it came from.
const AC_OUT: LifetimeCounterRow = {
  kind: 'lifetime',
  metric: 'portOutputEnergy',
  port: 'ac',
  keys: ['acOutWh'],
  pack: 'packSn',
  scale: 3600,
  rating: { watts: 500, evidence: 'test' },
  tags: ['DOC'],
  evidence: 'test',
};
const PV = powerRow('portInputPower', 'pv', 'solar');
const BATTERY = powerRow('batteryPower', 'bat');
const AC_W = powerRow('portOutputPower', 'acW', 'ac');
const GRID_W = powerRow('gridPower', 'gridW');
const SOC = powerRow('batterySoc', 'soc');

/** A family with a device counter (its power mapped too), one without, a daily grid counter (its power mapped), circuits, and powers only. */
const FAMILY = familyOf([SOC, PV, BATTERY, AC_W, GRID_W], [AC_OUT, LOAD, GRID_DAY, CIRCUITS], 3000);

test('energy rows are counters at their own rating, in table order: a lifetime one reads its keys and its pack key, a daily one its keys and day keys', () => {
  const [ac, load, grid] = energyPlan(FAMILY).counters;
  assert.ok(ac?.how === 'lifetime' && load?.how === 'lifetime' && grid?.how === 'daily');
  const { row: acRow, fallback: _, ...acRest } = ac;
  assert.equal(acRow, AC_OUT);
  assert.deepEqual(acRest, { how: 'lifetime', metric: 'portOutputEnergy', port: 'ac', key: 'portOutputEnergy/ac', ratedW: 500, inputs: ['acOutWh', 'packSn'] });
  const { row: loadRow, ...loadRest } = load;
  assert.equal(loadRow, LOAD);
  assert.deepEqual(loadRest, { how: 'lifetime', metric: 'loadEnergy', key: 'loadEnergy', ratedW: 600, inputs: ['loadWh', 'loadWh2'] });
  const { row: gridRow, ...gridRest } = grid;
  assert.equal(gridRow, GRID_DAY);
  assert.deepEqual(gridRest, { how: 'daily', metric: 'gridImportEnergy', key: 'gridImportEnergy', ratedW: 800, inputs: ['gridDayWh', 'year', 'month', 'day'] });
});

test("every power a row maps that no energy row covers is integrated, at the family's rating, by the sign its energy metric counts", () => {
  const integrated = energyPlan(FAMILY).counters.filter((c) => c.how === 'integrated');
  assert.deepEqual(integrated, [
    {
      how: 'integrated',
      metric: 'portInputEnergy',
      port: 'solar',
      key: 'portInputEnergy/solar',
      ratedW: 3000,
      power: { metric: 'portInputPower', port: 'solar', target: targetOf(PV) },
      part: 'all',
    },
    {
      how: 'integrated',
      metric: 'batteryChargeEnergy',
      key: 'batteryChargeEnergy',
      ratedW: 3000,
      power: { metric: 'batteryPower', target: targetOf(BATTERY) },
      part: 'positive',
    },
    {
      how: 'integrated',
      metric: 'batteryDischargeEnergy',
      key: 'batteryDischargeEnergy',
      ratedW: 3000,
      power: { metric: 'batteryPower', target: targetOf(BATTERY) },
      part: 'negative',
    },
    // Grid import has its daily counter: only the export is integrated.
    {
      how: 'integrated',
      metric: 'gridExportEnergy',
      key: 'gridExportEnergy',
      ratedW: 3000,
      power: { metric: 'gridPower', target: targetOf(GRID_W) },
      part: 'negative',
    },
  ]);
  assert.equal(energyPlan(FAMILY).counters.length, 3 + 4, 'three energy rows (circuits apart) and four integrals: the state of charge makes none');
});

test("a device counter whose power the family maps carries that power's integral as its fallback; one without, and a daily counter, carry none", () => {
  const byKey = new Map(energyPlan(FAMILY).counters.map((c) => [c.key, c]));
  const ac = byKey.get('portOutputEnergy/ac');
  assert.deepEqual(ac?.how === 'lifetime' && ac.fallback, { power: { metric: 'portOutputPower', port: 'ac', target: targetOf(AC_W) }, part: 'all' });
  assert.ok(!('fallback' in byKey.get('loadEnergy')!), 'no load power mapped');
  assert.ok(!('fallback' in byKey.get('gridImportEnergy')!), 'a daily counter never stands in for itself by an integral');
});

test('the power targets are what integrals read: integrated counters and fallbacks, not the powers a daily counter covers', () => {
  assert.deepEqual(energyPlan(FAMILY).powerTargets, new Set([targetOf(PV), targetOf(BATTERY), targetOf(GRID_W), targetOf(AC_W)]));
  const daily = familyOf([GRID_W, powerRow('loadPower', 'loadW')], [{ ...GRID_DAY, metric: 'loadEnergy' }], 3000);
  assert.deepEqual(energyPlan(daily).powerTargets, new Set([targetOf(GRID_W)]), 'the load power is covered by the daily counter');
});

test('rows that share a metric and port (two USB-A sockets) make one integrated counter', () => {
  const usb = familyOf([powerRow('portOutputPower', 'usb1', 'usb'), powerRow('portOutputPower', 'usb2', 'usb')], [], 200);
  assert.deepEqual(
    energyPlan(usb).counters.map((c) => c.key),
    ['portOutputEnergy/usb'],
  );
});

test('circuit rows are kept apart from the counters, each with the keys it reads: its buckets and its day', () => {
  const plan = energyPlan(FAMILY);
  assert.deepEqual(plan.circuits, [CIRCUITS]);
  assert.deepEqual(plan.circuitInputs.get(CIRCUITS), ['buckets', 'rtc']);
  assert.ok(!plan.counters.some((c) => (c.metric as string) === 'circuitEnergy'));
});

test('a family with no energy rows and no power rows has an empty plan', () => {
  const plan = energyPlan(familyOf([SOC], [], 100));
  assert.deepEqual([plan.counters, plan.circuits, plan.powerTargets], [[], [], new Set()]);
});

test("a family's plan is made once: asked again, the same plan; another family, its own", () => {
  assert.equal(energyPlan(FAMILY), energyPlan(FAMILY));
  assert.notEqual(energyPlan({ ...FAMILY }), energyPlan(FAMILY));
});

test("the Smart Home Panel's plan: three daily counters, circuits from both sources, and only the battery's charge integrated", () => {
  const plan = energyPlan(smartHomePanel);
  // Its discharge and the circuits' load have daily counters; its charge has none, so it is integrated from battery power.
  assert.deepEqual(
    plan.counters.map((c) => `${c.how} ${c.key} ${c.ratedW}`),
    ['daily gridImportEnergy 36000', 'daily batteryDischargeEnergy 7200', 'daily loadEnergy 36000', 'integrated batteryChargeEnergy 50960'],
  );
  assert.deepEqual(
    plan.circuits.map((row) => `${row.source} ×${row.circuits}`),
    ['grid ×10', 'battery ×10'],
  );
  assert.deepEqual(plan.powerTargets, new Set(smartHomePanel.rows.filter((r) => r.metric === 'batteryPower').map(targetOf)));
});

test("every family's planned counter has a key that decodes to its own labels", () => {
  for (const family of FAMILIES) {
    for (const c of energyPlan(family).counters) {
      assert.deepEqual(decodeCounterKey(c.key), c.port === undefined ? { metric: c.metric } : { metric: c.metric, port: c.port }, `${family.id} ${c.key}`);
    }
  }
});
