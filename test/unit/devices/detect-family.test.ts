import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { UNIFIED_METRICS } from '../../../src/catalog/catalog.js';
import { detectFamily, payloadQuotas } from '../../helpers/unified.js';

/** Each payload we have, with the name and serial number a device list would give it. */
const CASES = [
  { payload: 'delta2', productName: 'DELTA 2', sn: 'R331ZEB4ZEAL0528', family: 'delta2' },
  { payload: 'delta2max', productName: 'DELTA 2 Max', sn: 'R351ZEB4HF6L0005', family: 'delta2_max' },
  { payload: 'river2max', productName: 'RIVER 2 Max', sn: 'R611ZEB5XE7K0004', family: 'river2' },
  { payload: 'deltapro', productName: 'DELTA Pro', sn: 'DCABZ8ZE5160006', family: 'delta_pro' },
  { payload: 'deltaproultra', productName: 'DELTA Pro Ultra', sn: 'Y711ZAB5ZF1A0007', family: 'delta_pro_ultra' },
  { payload: 'delta3', productName: 'DELTA 3 Plus', sn: 'P351ZAH4PG3R0008', family: 'delta3' },
  { payload: 'stream_ac', productName: 'STREAM AC', sn: 'BK51ZEB4HF2R0009', family: 'stream' },
  { payload: 'powerstream', productName: 'PowerStream', sn: 'HW51ZOH4SF4E0001', family: 'powerstream' },
  { payload: 'smartplug', productName: 'Smart Plug', sn: 'HW52ZDH4SF2E0002', family: 'smart_plug' },
  { payload: 'glacier', productName: 'Glacier', sn: 'BX11ZCB4EF2E0010', family: 'glacier' },
  { payload: 'wave2', productName: 'WAVE 2', sn: 'KT21ZCH2ZF170011', family: 'wave2' },
  { payload: 'powerocean', productName: 'PowerOcean', sn: 'HJ31ZDH4ZF3C0012', family: 'powerocean' },
  { payload: 'smarthomepanel', productName: 'Smart Home Panel', sn: 'SP10ZAW5ZE4R0013', family: 'smart_home_panel' },
] as const;

test('every payload is recognised by its serial prefix, and by its keys alone', () => {
  for (const c of CASES) {
    const quotas = payloadQuotas(c.payload);
    assert.equal(detectFamily({ sn: c.sn, productName: '' }, new Map(), FAMILIES)?.id, c.family, `${c.payload} by serial`);
    // Neither name nor serial number says anything: the shape of the keys decides.
    assert.equal(detectFamily({ sn: 'XXXX0000', productName: '' }, quotas, FAMILIES)?.id, c.family, `${c.payload} by shape`);
  }
});

test('the product name decides before the serial number and the keys', () => {
  const deltaPro = payloadQuotas('deltapro');
  assert.equal(detectFamily({ sn: 'R331ZEB4ZEAL0528', productName: 'DELTA Pro' }, deltaPro, FAMILIES)?.id, 'delta_pro');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'delta 2 max' }, new Map(), FAMILIES)?.id, 'delta2_max', 'any case');
  for (const c of CASES.filter((c) => !['Glacier', 'STREAM AC', 'PowerOcean'].includes(c.productName))) {
    assert.equal(detectFamily({ sn: 'XXXX', productName: c.productName }, new Map(), FAMILIES)?.id, c.family, c.productName);
  }
});

test('an unknown model is not forced into a family', () => {
  assert.equal(detectFamily({ sn: 'ZZZZ0001', productName: 'RIVER 3' }, new Map([['foo.bar', { value: 1, updatedAt: 0 }]]), FAMILIES), undefined);
  assert.equal(detectFamily({ sn: 'ZZZZ0001', productName: '' }, new Map(), FAMILIES), undefined);
});

test("firmware: EcoFlow's four-byte versions, major first", () => {
  const delta2 = FAMILIES.find((f) => f.id === 'delta2')!;
  assert.equal(firmwareOf(delta2, payloadQuotas('delta2')), '1.2.1.63'); // pd.sysVer 16908607 = 0x0102013F
  assert.equal(firmwareOf(delta2, new Map([['pd.sysVer', { value: 50331767, updatedAt: 0 }]])), '3.0.0.119');
  assert.equal(firmwareOf(delta2, new Map([['pd.sysVer', { value: -1, updatedAt: 0 }]])), undefined);
  assert.equal(firmwareOf(delta2, new Map()), undefined);
});

test('every table is well formed: unique ids, ports exactly on per-port metrics, evidence on every row', () => {
  assert.equal(new Set(FAMILIES.map((f) => f.id)).size, FAMILIES.length);
  for (const family of FAMILIES) {
    assert.match(family.id, /^[a-z][a-z0-9_]*$/);
    assert.ok(family.rows.length > 0, family.id);
    for (const row of family.rows) {
      const where = `${family.id} ${String(row.key)}`;
      const perPort = 'perPort' in UNIFIED_METRICS[row.metric];
      assert.equal(row.port !== undefined, perPort, `${where}: port only and always on per-port metrics`);
      const perPhase = 'perPhase' in UNIFIED_METRICS[row.metric];
      assert.equal(row.phase !== undefined, perPhase, `${where}: phase only and always on per-phase metrics`);
      assert.ok(Number.isFinite(row.scale) && row.scale !== 0, `${where}: scale`);
      assert.ok(row.evidence.trim().length > 2, `${where}: evidence`);
    }
    for (const u of family.unmapped) assert.ok(u.reason.trim().length > 5, `${family.id} ${u.key}: a reason`);
  }
});
