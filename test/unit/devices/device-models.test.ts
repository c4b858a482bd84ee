import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceFamily } from '../../../src/devices/device-family.js';
import { DeviceModels, deviceModels, type ModelEvent } from '../../../src/devices/device-models.js';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';

/** A table of our own: only what recognition and the firmware label look at. */
function family(id: string, o: Pick<DeviceFamily, 'productNames' | 'snPrefixes' | 'shapeKeys' | 'firmware'>): DeviceFamily {
  return { id, title: id, ...o, rows: [], unmapped: [], rawOnly: [], energy: { ratedPowerW: 1000, ratedPowerEvidence: 'test', rows: [] } };
}

const ALPHA = family('alpha', { productNames: [/^Alpha$/i], snPrefixes: ['AL01'], shapeKeys: ['alpha.soc'], firmware: { key: 'alpha.ver', encoding: 'u32' } });
const BETA = family('beta', { productNames: [/^Beta$/i], snPrefixes: ['BE01'], shapeKeys: ['beta.watts'], firmware: { key: 'beta.ver', encoding: 'string' } });

/** Models over ALPHA and BETA, a snapshot to hold the devices, and what the models told. */
function world() {
  const snapshot = new QuotaSnapshot();
  const told: ModelEvent[] = [];
  const models = new DeviceModels({ families: [ALPHA, BETA], onModel: (e) => told.push(e) });
  const list = (...devices: Array<{ sn: string; productName: string; online?: boolean }>) =>
    snapshot.setDevices(devices.map((d) => ({ sn: d.sn, name: d.sn, productName: d.productName, online: d.online ?? true })));
  const of = (sn: string) => models.of(snapshot.get(sn)!);
  return { snapshot, models, told, list, of };
}

test('a device its table names is read with that table, and nothing is told', () => {
  const w = world();
  w.list({ sn: 'XX01', productName: 'Alpha' }, { sn: 'XX02', productName: ' BETA ' });
  assert.equal(w.of('XX01').family, ALPHA);
  assert.equal(w.of('XX02').family, BETA, 'names match trimmed and in any case');
  assert.equal(w.of('XX01').productName, 'Alpha');
  assert.deepEqual(w.told, []);
});

test('a model matched by its serial number or its keys is told once per product name, saying how', () => {
  const w = world();
  w.list({ sn: 'AL01A', productName: 'Alpha Mini' }, { sn: 'AL01B', productName: 'Alpha Mini' }, { sn: 'ZZ01', productName: 'Gamma' });
  w.snapshot.replaceQuotas('ZZ01', { 'beta.watts': 12 }, 0);
  assert.equal(w.of('AL01A').family, ALPHA);
  assert.equal(w.of('AL01B').family, ALPHA);
  assert.equal(w.of('ZZ01').family, BETA);
  w.of('ZZ01');
  assert.deepEqual(w.told, [
    { sn: 'AL01A', productName: 'Alpha Mini', family: 'alpha', by: 'serial number' },
    { sn: 'ZZ01', productName: 'Gamma', family: 'beta', by: 'keys' },
  ]);
});

test('a model no table fits is told once it has quotas, once per product name (or serial prefix when unnamed)', () => {
  const w = world();
  w.list(
    { sn: 'ZZ01', productName: 'Gamma' },
    { sn: 'ZZ02', productName: 'Gamma' },
    { sn: 'QQ01A', productName: '' },
    { sn: 'QQ01B', productName: ' ' },
    { sn: 'QQ02A', productName: '' },
  );
  assert.equal(w.of('ZZ01').family, undefined);
  assert.deepEqual(w.told, [], 'no quotas yet: its keys may still tell');
  for (const sn of ['ZZ01', 'ZZ02', 'QQ01A', 'QQ01B', 'QQ02A']) w.snapshot.replaceQuotas(sn, { 'other.key': 1 }, 0);
  for (const sn of ['ZZ01', 'ZZ02', 'QQ01A', 'QQ01B', 'QQ02A', 'ZZ01']) assert.equal(w.of(sn).family, undefined, sn);
  assert.deepEqual(w.told, [
    { sn: 'ZZ01', productName: 'Gamma' },
    { sn: 'QQ01A', productName: '' },
    { sn: 'QQ02A', productName: '' },
  ]);
});

test('an unknown device is looked at again while it has quotas, until its keys tell', () => {
  const w = world();
  w.list({ sn: 'ZZ01', productName: 'Gamma' });
  w.snapshot.replaceQuotas('ZZ01', { 'other.key': 1 }, 0);
  assert.equal(w.of('ZZ01').family, undefined);
  w.snapshot.replaceQuotas('ZZ01', { 'alpha.soc': 50, 'alpha.ver': 0x0102013f }, 1);
  const model = w.of('ZZ01');
  assert.equal(model.family, ALPHA);
  assert.equal(model.firmware, '1.2.1.63');
  // Told as unknown first, then told again that it is read with a table after all.
  assert.deepEqual(
    w.told.map((e) => [e.productName, e.family, e.by]),
    [
      ['Gamma', undefined, undefined],
      ['Gamma', 'alpha', 'keys'],
    ],
  );
});

test('the firmware follows the quotas, and is kept while the device has none (offline)', () => {
  const w = world();
  w.list({ sn: 'XX01', productName: 'Alpha' });
  assert.equal(w.of('XX01').firmware, undefined, 'no quotas yet');
  w.snapshot.replaceQuotas('XX01', { 'alpha.ver': 0x0102013f }, 0);
  assert.equal(w.of('XX01').firmware, '1.2.1.63');
  w.snapshot.replaceQuotas('XX01', { 'alpha.ver': 0x02000105 }, 1);
  assert.equal(w.of('XX01').firmware, '2.0.1.5', 'an update is seen');
  w.snapshot.replaceQuotas('XX01', { 'alpha.soc': 40 }, 2);
  assert.equal(w.of('XX01').firmware, '2.0.1.5', 'a read without the version key keeps the last one');
  w.list({ sn: 'XX01', productName: 'Alpha', online: false });
  assert.equal(w.snapshot.get('XX01')!.quotas.size, 0);
  assert.equal(w.of('XX01').firmware, '2.0.1.5');
});

test("a rename looks again: another table drops the old table's firmware; the same table keeps it", () => {
  const w = world();
  w.list({ sn: 'XX01', productName: 'Alpha' });
  w.snapshot.replaceQuotas('XX01', { 'alpha.ver': 0x0102013f }, 0);
  assert.equal(w.of('XX01').firmware, '1.2.1.63');
  w.list({ sn: 'XX01', productName: 'Alpha', online: false });
  w.list({ sn: 'XX01', productName: 'ALPHA', online: false });
  assert.deepEqual(w.of('XX01'), { productName: 'ALPHA', family: ALPHA, firmware: '1.2.1.63' });
  w.list({ sn: 'XX01', productName: 'Beta', online: false });
  assert.deepEqual(w.of('XX01'), { productName: 'Beta', family: BETA, firmware: undefined });
});

test('known() answers without looking again; forget() drops the device', () => {
  const w = world();
  w.list({ sn: 'XX01', productName: 'Alpha' });
  assert.equal(w.models.known('XX01'), undefined, 'never asked');
  const model = w.of('XX01');
  w.list({ sn: 'XX01', productName: 'Beta' });
  assert.equal(w.models.known('XX01'), model, 'the rename is not seen until of()');
  assert.equal(w.of('XX01').family, BETA);
  w.models.forget('XX01');
  assert.equal(w.models.known('XX01'), undefined);
});

test('deviceModels() reads with every family table and logs the models no table names', () => {
  const lines: Array<Record<string, any>> = [];
  const models = deviceModels(new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)), repeatWindowMs: 0 }));
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([
    { sn: 'R331ZEB4ZE000001', name: 'a', productName: 'DELTA 2', online: true },
    { sn: 'R331ZEB4ZE000002', name: 'b', productName: 'DELTA 2 Special Edition', online: true },
    { sn: 'ZZZZ0001', name: 'c', productName: 'Mystery 9000', online: true },
  ]);
  snapshot.replaceQuotas('ZZZZ0001', { 'mystery.watts': 1 }, 0);
  const of = (sn: string) => models.of(snapshot.get(sn)!);
  assert.equal(of('R331ZEB4ZE000001').family?.id, 'delta2');
  assert.equal(of('R331ZEB4ZE000002').family?.id, 'delta2');
  assert.equal(of('ZZZZ0001').family, undefined);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.sn, l.product_name, l.family]),
    [
      [
        'info',
        'no table names this product; read with the delta2 table, recognised by its serial number',
        'R331ZEB4ZE000002',
        'DELTA 2 Special Edition',
        'delta2',
      ],
      ['info', 'no unified-metrics table for this model: it gets the raw metrics and device_info{family="unknown"}', 'ZZZZ0001', 'Mystery 9000', undefined],
    ],
  );
  assert.equal(deviceModels().of(snapshot.get('ZZZZ0001')!).family, undefined, 'without a logger it only reads');
});
