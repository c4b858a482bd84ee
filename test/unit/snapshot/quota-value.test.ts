import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuotaEntry } from '../../../src/snapshot/quota-snapshot.js';
import { numericValue, readQuota, readRawQuota } from '../../../src/snapshot/quota-value.js';

function quotas(entries: Record<string, unknown>, o: { at?: number; inRest?: boolean } = {}): Map<string, QuotaEntry> {
  return new Map(
    Object.entries(entries).map(([key, value]) => [key, o.inRest ? { value, updatedAt: o.at ?? 0, inRest: true } : { value, updatedAt: o.at ?? 0 }]),
  );
}

test('finite numbers as they are, booleans as 1 and 0', () => {
  assert.equal(numericValue(46), 46);
  assert.equal(numericValue(-3.75), -3.75);
  assert.equal(numericValue(true), 1);
  assert.equal(numericValue(false), 0);
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) assert.equal(numericValue(bad), undefined, String(bad));
});

test('decimal strings are numbers; NaN, Infinity, hex, empty and out-of-range strings are not', () => {
  const cases: Array<[string, number]> = [
    ['46', 46],
    [' -1.5e2 ', -150],
    ['+7', 7],
    ['.5', 0.5],
    ['5.', 5],
    ['2E3', 2000],
  ];
  for (const [text, n] of cases) assert.equal(numericValue(text), n, JSON.stringify(text));
  for (const bad of ['NaN', 'Infinity', '-Infinity', '0x1F', '0b11', '', '   ', '1,5', '12 W', '1e400', '.', '-']) {
    assert.equal(numericValue(bad), undefined, JSON.stringify(bad));
  }
});

test('null, undefined, objects, arrays and bigints are not measurements', () => {
  for (const bad of [null, undefined, {}, [1], { value: 1 }, 1n]) assert.equal(numericValue(bad), undefined);
});

test('a flat key reads its number and update time; a REST-delivered one says so', () => {
  assert.deepEqual(readQuota(quotas({ 'pd.soc': 46 }, { at: 1_000 }), 'pd.soc'), { value: 46, updatedAt: 1_000 });
  const fromRest = readQuota(quotas({ 'pd.soc': '46' }, { at: 2_000, inRest: true }), 'pd.soc');
  assert.deepEqual(fromRest, { value: 46, updatedAt: 2_000, rest: true });
  // A streamed value must not look REST-held: staleness treats the two differently.
  assert.ok(!('rest' in readQuota(quotas({ x: 1 }), 'x')!));
});

test('absent keys and values that are no number read nothing', () => {
  const q = quotas({ 'pd.soc': 46, 'pd.model': 'DELTA 2', 'pd.flag': null });
  assert.equal(readQuota(q, 'pd.wattsOutSum'), undefined);
  assert.equal(readQuota(q, 'pd.model'), undefined);
  assert.equal(readQuota(q, 'pd.flag'), undefined);
  assert.equal(readQuota(new Map(), 'pd.soc'), undefined);
});

test('a path into a nested value is looked up under the key that starts it, then walked', () => {
  const q = quotas(
    {
      pcsAPhase: { vol: 230.4, amp: 1.2 },
      'heartbeat.energyInfos': [{ outputPower: 120 }, { outputPower: '85.5' }],
    },
    { at: 5 },
  );
  assert.deepEqual(readQuota(q, 'pcsAPhase.vol'), { value: 230.4, updatedAt: 5 });
  assert.equal(readQuota(q, 'heartbeat.energyInfos[0].outputPower')?.value, 120);
  assert.equal(readQuota(q, 'heartbeat.energyInfos[1].outputPower')?.value, 85.5);
  assert.equal(readQuota(q, 'heartbeat.energyInfos[2].outputPower'), undefined, 'past the end');
  assert.equal(readQuota(q, 'pcsAPhase.freq'), undefined);
  assert.equal(readQuota(q, 'pcsAPhase'), undefined, 'an object is not a number');
});

test('of two keys that start a path, the longer holds it; a key that is the whole path wins outright', () => {
  const q = quotas({ pd: { soc: 1, inner: { soc: 2 } }, 'pd.inner': { soc: 3 }, 'pd.soc': 46 });
  assert.equal(readQuota(q, 'pd.inner.soc')?.value, 3);
  assert.equal(readQuota(q, 'pd.soc')?.value, 46);
});

test('a key starts a path only at a separator: "pd" does not hold "pdx.soc"', () => {
  const q = quotas({ pd: { soc: 1 }, 'pd.soc': 46 });
  assert.equal(readQuota(q, 'pdx.soc'), undefined);
  assert.equal(readRawQuota(q, 'pdx'), undefined);
});

test('the raw reader gives values as they are, strings, arrays and objects included', () => {
  const buckets = [
    [1, 2],
    [3, 4],
  ];
  const q = quotas({ 'pd.model': 'DELTA 2', 'mainsLoadWatt.watth': buckets, pcsAPhase: { vol: 230 } });
  assert.equal(readRawQuota(q, 'pd.model'), 'DELTA 2');
  assert.equal(readRawQuota(q, 'mainsLoadWatt.watth'), buckets);
  assert.deepEqual(readRawQuota(q, 'mainsLoadWatt.watth[1]'), [3, 4]);
  assert.equal(readRawQuota(q, 'mainsLoadWatt.watth[1][0]'), 3);
  assert.deepEqual(readRawQuota(q, 'pcsAPhase'), { vol: 230 });
  assert.equal(readRawQuota(q, 'pcsAPhase.amp'), undefined);
  assert.equal(readRawQuota(q, 'absent'), undefined);
});

test('a path never reaches inherited properties', () => {
  const q = quotas({ pcsAPhase: { vol: 230 } });
  assert.equal(readRawQuota(q, 'pcsAPhase.constructor'), undefined);
  assert.equal(readRawQuota(q, 'pcsAPhase.__proto__'), undefined);
  assert.equal(readQuota(q, 'pcsAPhase.toString.length'), undefined);
});
