import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceFamily, MappingRow } from '../../../src/devices/device-family.js';
import { quotaMap, unifiedSamples } from '../../helpers/unified.js';

function family(rows: MappingRow[]): DeviceFamily {
  return {
    id: 'test',
    title: 'Test',
    productNames: [],
    snPrefixes: [],
    shapeKeys: [],
    rows,
    unmapped: [],
    rawOnly: [],
    energy: { ratedPowerW: 1000, ratedPowerEvidence: 'test', rows: [] },
  };
}

test('an absent key, a non-numeric value or one out of range gives no sample, never 0', () => {
  const f = family([
    { metric: 'batterySoc', key: 'soc', scale: 0.01, valid: { min: 0, max: 100 }, tags: ['DOC'], evidence: 't' },
    { metric: 'batterySoh', key: 'soh', scale: 0.01, tags: ['DOC'], evidence: 't' },
    { metric: 'batteryTemperature', key: 'temp', scale: 1, tags: ['DOC'], evidence: 't' },
  ]);
  assert.deepEqual(unifiedSamples(f, quotaMap({ soc: 150, soh: 'n/a' })), []);
});

test('the first present key of a list is used; numeric strings count', () => {
  const f = family([{ metric: 'batterySoc', key: ['float', 'int'], scale: 0.01, tags: ['DOC'], evidence: 't' }]);
  assert.equal(unifiedSamples(f, quotaMap({ int: 40 }))[0]!.value, 0.4);
  assert.equal(unifiedSamples(f, quotaMap({ int: 40, float: '41.5' }))[0]!.value, 0.415);
});

test('rows of one metric and port add up; times and minus need both keys', () => {
  const f = family([
    { metric: 'portOutputPower', port: 'usb', key: 'a', scale: 1, tags: ['DOC'], evidence: 't' },
    { metric: 'portOutputPower', port: 'usb', key: 'b', scale: 0.1, tags: ['DOC'], evidence: 't' },
    { metric: 'batteryPower', key: 'vol', times: 'amp', scale: 1e-6, tags: ['DOC'], evidence: 't' },
    { metric: 'gridPower', key: 'in', minus: 'out', scale: 1, sign: -1, tags: ['DOC'], evidence: 't' },
  ]);
  const values = (q: Record<string, unknown>) => Object.fromEntries(unifiedSamples(f, quotaMap(q)).map((s) => [`${s.metric}${s.port ?? ''}`, s.value]));
  assert.deepEqual(values({ a: 5, b: 25, vol: 52000, amp: -2000, in: 10, out: 30 }), {
    portOutputPowerusb: 7.5,
    batteryPower: -104,
    gridPower: 20,
  });
  assert.deepEqual(values({ b: 25, vol: 52000, in: 10 }), { portOutputPowerusb: 2.5 });
});

test('a sample is as old as the oldest key it was computed from', () => {
  const f = family([{ metric: 'batteryPower', key: 'vol', times: 'amp', scale: 1, tags: ['DOC'], evidence: 't' }]);
  const quotas = quotaMap({ vol: 1 }, 5000);
  quotas.set('amp', { value: 2, updatedAt: 3000 });
  assert.equal(unifiedSamples(f, quotas)[0]!.updatedAt, 3000);
});

test('paths reach into nested objects and arrays when the flat key is absent', () => {
  const f = family([
    { metric: 'acOutputVoltage', key: 'pcsAPhase.vol', scale: 1, tags: ['DOC'], evidence: 't' },
    { metric: 'portInputPower', port: 'solar_2', key: 'mppt[0].pv[1].pwr', scale: 1, tags: ['DOC'], evidence: 't' },
  ]);
  const samples = unifiedSamples(f, quotaMap({ pcsAPhase: { vol: 229.7 }, mppt: [{ pv: [{ pwr: 1 }, { pwr: 17.5 }] }] }));
  assert.deepEqual(
    samples.map((s) => s.value),
    [229.7, 17.5],
  );
});

test('a row with a condition applies only while the other key is in range', () => {
  const f = family([{ metric: 'batterySoc', key: 'soc', when: { key: 'volt', min: 1 }, scale: 0.01, tags: ['DOC'], evidence: 't' }]);
  assert.deepEqual(unifiedSamples(f, quotaMap({ soc: 0, volt: 0 })), []);
  assert.deepEqual(unifiedSamples(f, quotaMap({ soc: 0 })), [], 'no condition key: no series');
  assert.equal(unifiedSamples(f, quotaMap({ soc: 40, volt: 512 }))[0]!.value, 0.4);
});
