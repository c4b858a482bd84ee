import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_QUOTA_DEPTH, QuotaBudget, quotaCost, quotaNames, quotaValues } from '../../../src/snapshot/quota-budget.js';
import { flattenQuota } from '../../../src/metrics/raw-metric-names.js';

/** `inner` inside `depth` arrays. */
function nested(inner: unknown, depth: number): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

test('a flat value costs 1 and is 1 value, whether it is a number or not', () => {
  for (const value of [0, 46, '12.5', true, 'text', null, undefined, Number.NaN]) {
    assert.equal(quotaCost(value), 1, String(value));
    assert.equal(quotaValues(value), 1, String(value));
  }
});

test('a nested value is as many values as the raw metrics make of it, and costs every leaf, strings included', () => {
  const values = [
    [1, 2, 3],
    { vol: 230, amp: '1.5', name: 'phase A', empty: [], none: {} },
    [{ watts: 1, on: true }, { watts: 2, on: false }, []],
    nested([1, 2], MAX_QUOTA_DEPTH - 1),
  ];
  for (const value of values) assert.equal(quotaValues(value), flattenQuota('k', value).length, JSON.stringify(value));
  assert.deepEqual(values.map(quotaValues), [3, 2, 4, 2]);
  assert.deepEqual(values.map(quotaCost), [3, 3, 4, 2], 'the name string takes room too');
  assert.equal(quotaCost(Array.from({ length: 1000 }, (_, i) => `s${i}`)), 1000, 'a key of strings makes no series, but takes their memory');
  assert.equal(quotaValues(Array.from({ length: 1000 }, (_, i) => `s${i}`)), 1);
});

test('a value holding no number, or only leaves nested too deep, still costs 1', () => {
  assert.equal(quotaValues([]), 1);
  assert.equal(quotaCost([]), 1);
  assert.equal(quotaValues({ a: 'x', b: [null] }), 1);
  assert.equal(quotaCost({ a: 'x', b: [null] }), 2);
  assert.equal(quotaValues(nested([1, 2], MAX_QUOTA_DEPTH)), 1, 'leaves past the depth the raw metrics read are not counted');
});

test('the budget keeps the running cost of the stored keys', () => {
  const budget = new QuotaBudget(5);
  budget.charge('a', 1);
  budget.charge('b', 3);
  assert.equal(budget.used, 4);
  assert.equal(budget.fits(1), true);
  assert.equal(budget.fits(2), false);
  budget.recharge('b', 1);
  assert.equal(budget.used, 2, 'a nested key turned flat');
  budget.recharge('a', 4);
  assert.equal(budget.used, 5, 'a flat key turned nested');
  budget.release('a');
  budget.release('b');
  assert.equal(budget.used, 0);
});

test('a key refused again replaces its count; storing it takes it off', () => {
  const budget = new QuotaBudget(1);
  budget.refuse('a', 2, 1, false);
  budget.refuse('a', 3, 2, false);
  budget.refuse('b', 1, 2, true);
  assert.equal(budget.dropped, 4);
  budget.charge('a', 3);
  assert.equal(budget.dropped, 1);
});

test('a full read forgets what it decides again, what REST no longer delivers, and stale stream refusals', () => {
  const budget = new QuotaBudget(1);
  budget.refuse('rest-gone', 1, 1_000, true);
  budget.refuse('again', 2, 1_000, false);
  budget.refuse('stale', 4, 500, false);
  budget.refuse('stream', 8, 1_000, false);
  budget.startFullRead((key) => key === 'again', 1_000);
  assert.equal(budget.dropped, 8, 'only the fresh stream-only refusal stays');
  budget.clear();
  assert.equal(budget.dropped, 0);
});

test('past the names it remembers, a full read still counts every key it refuses; a stream refusal is not counted again', () => {
  const budget = new QuotaBudget(0);
  for (let i = 0; i < 5_000; i++) budget.refuse(`k${i}`, 1, 1, true);
  assert.equal(budget.dropped, 5_000);
  budget.refuse('k4999', 1, 2, false);
  budget.refuse('new', 1, 2, false);
  assert.equal(budget.dropped, 5_000, 'steady, at least what is missing');
  budget.startFullRead(() => false, 0);
  assert.equal(budget.dropped, 0, 'the next full read counts afresh');
});

test('a value makes the names the raw metrics make of it: positions are labels, not names', () => {
  const values: unknown[] = [
    46,
    'text',
    [1, 2, 3],
    [
      { watts: 1, on: true, name: 'a' },
      { watts: 2, on: false },
    ],
    { a: { b: 1, c: [1, 2] }, d: 'x' },
    [],
    nested([1, 2], MAX_QUOTA_DEPTH),
  ];
  assert.deepEqual(values.map(quotaNames), [1, 1, 1, 2, 2, 1, 1]);
  for (const value of values.slice(2, 5)) {
    const names = new Set(flattenQuota('k', value).map((s) => s.name));
    assert.equal(quotaNames(value), names.size, JSON.stringify(value));
  }
});

test('the budget bounds the names as it bounds the room, and keeps their running count', () => {
  const budget = new QuotaBudget(100, 3);
  budget.charge('a', 1);
  budget.charge('b', 10, 2);
  assert.equal(budget.names, 3);
  assert.equal(budget.fits(1), false, 'room enough, but no name left');
  budget.recharge('b', 10, 1);
  assert.equal(budget.names, 2);
  assert.equal(budget.fits(1), true);
  assert.equal(budget.fits(1, 2), false);
  budget.recharge('a', 3, 2);
  assert.equal(budget.names, 3, 'a flat key turned nested');
  assert.equal(budget.used, 13);
  budget.release('a');
  budget.release('b');
  assert.equal(budget.names, 0);
  assert.equal(budget.used, 0);
});

test('what a full read leaves out unnamed is counted until the next full read', () => {
  const budget = new QuotaBudget(1);
  budget.refuseUnnamed(7);
  assert.equal(budget.dropped, 7);
  budget.startFullRead(() => true, 0);
  assert.equal(budget.dropped, 0);
});
