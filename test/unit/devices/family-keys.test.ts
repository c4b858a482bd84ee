import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceFamily, MappingRow } from '../../../src/devices/device-family.js';
import { CIRCUITS, GRID_DAY, LOAD } from '../../helpers/energy-rows.js';
import { documentedKeys, energyRowInputs, familyReadPaths, keyTreatment, rowInputs } from '../../../src/devices/family-keys.js';
import { FAMILIES } from '../../../src/devices/families.js';

const ROW: MappingRow = {
  metric: 'batteryPower',
  key: ['bms.vol', 'bms.volAlt'],
  times: 'bms.amp',
  when: { key: 'bms.present', min: 1 },
  scale: 1e-6,
  tags: ['DOC'],
  evidence: 't',
};

const FAMILY: DeviceFamily = {
  id: 'test',
  title: 'Test',
  productNames: [/^Test$/i],
  snPrefixes: ['TST'],
  shapeKeys: ['shape.a'],
  shapeAbsent: ['other.b'],
  shapeRanges: [{ key: 'range.c', min: 0, why: 't' }],
  firmware: { key: 'sys.ver', encoding: 'u32' },
  rows: [ROW, { metric: 'inputPower', key: 'heartbeat.energyInfos[0].watts', scale: 1, tags: ['DOC'], evidence: 't' }],
  unmapped: [{ key: 'fan.speed', reason: 't' }],
  rawOnly: [{ keys: ['cfg.mode'], prefixes: ['task.'], reason: 't' }],
  energy: { ratedPowerW: 100, ratedPowerEvidence: 't', rows: [{ ...LOAD, pack: 'bmsSn' }, GRID_DAY] },
};

test("what a mapping row reads: each of its keys, the factor, the subtrahend and the condition's key", () => {
  assert.deepEqual(rowInputs(ROW), ['bms.vol', 'bms.volAlt', 'bms.amp', 'bms.present']);
  assert.deepEqual(rowInputs({ metric: 'batteryPower', key: 'chg', minus: 'dsg', scale: 1, tags: ['DOC'], evidence: 't' }), ['chg', 'dsg']);
});

test('what each kind of energy row reads: a lifetime row its keys (its pack key is an identity, not a value), a daily row its keys and day, a circuit row its buckets and day', () => {
  assert.deepEqual(energyRowInputs(LOAD), ['loadWh', 'loadWh2']);
  assert.deepEqual(energyRowInputs({ ...LOAD, pack: 'bmsSn' }), ['loadWh', 'loadWh2']);
  assert.deepEqual(energyRowInputs(GRID_DAY), ['gridDayWh', 'year', 'month', 'day']);
  assert.deepEqual(energyRowInputs(CIRCUITS), ['buckets', 'rtc']);
});

test("a family's read paths: recognition, firmware, rows and energy rows with the pack key; its documented keys add what it lists as raw", () => {
  const read = familyReadPaths(FAMILY);
  for (const path of [
    'shape.a',
    'other.b',
    'range.c',
    'sys.ver',
    'bms.vol',
    'bms.amp',
    'bms.present',
    'heartbeat.energyInfos[0].watts',
    'loadWh2',
    'bmsSn',
    'year',
  ])
    assert.ok(read.includes(path), path);
  assert.ok(!read.includes('fan.speed'));
  const documented = documentedKeys(FAMILY);
  for (const key of ['fan.speed', 'cfg.mode', 'bms.vol']) assert.ok(documented.includes(key), key);
  // A prefix rule names no key.
  assert.ok(!documented.some((k) => k.startsWith('task.')));
});

test('keys a family reads are kept whatever the budget, a key holding a read path included; the rest are capped with raw metrics, dropped without', () => {
  const withRaw = keyTreatment([FAMILY], true);
  assert.equal(withRaw('bms.vol'), 'keep');
  assert.equal(withRaw('heartbeat'), 'keep');
  assert.equal(withRaw('heartbeat.energyInfos'), 'keep');
  assert.equal(withRaw('heartbeat.energyInfos[0].watts'), 'keep');
  assert.equal(withRaw('heartbeat.other'), 'cap');
  assert.equal(withRaw('bms'), 'keep', 'a value `bms: {vol, …}` holds bms.vol');
  assert.equal(withRaw('bms.volt'), 'cap', 'a longer name is not a holder');
  assert.equal(withRaw('fan.speed'), 'cap', 'documented as raw, but nothing reads it by name');
  const withoutRaw = keyTreatment([FAMILY], false);
  assert.equal(withoutRaw('bms.vol'), 'keep');
  assert.equal(withoutRaw('fan.speed'), 'drop');
});

test("every family's read paths are kept, so no shipped table loses a key to the budget", () => {
  const treat = keyTreatment(FAMILIES, false);
  for (const family of FAMILIES) for (const path of familyReadPaths(family)) assert.equal(treat(path), 'keep', `${family.id}: ${path}`);
});
