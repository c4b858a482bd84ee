import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LifetimeCounter, readLifetime } from '../../../src/energy/lifetime-counter.js';
import { quotaMap } from '../../helpers/unified.js';

const WH = 3600;

test('a reading is the keys added up, in joules; absent, 0 and 4294967295 are no reading', () => {
  const row = { keys: ['a', 'b'], scale: WH };
  assert.deepEqual(readLifetime(row, quotaMap({ a: 713_540, b: 21_830 }, 5)), { joules: 735_370 * 3600, at: 5 });
  // The stream may bring one key of a sum alone: the sum is as of the newest.
  const mixed = quotaMap({ a: 10 });
  mixed.set('b', { value: 2, updatedAt: 9 });
  assert.equal(readLifetime(row, mixed)?.at, 9);
  assert.equal(readLifetime(row, quotaMap({ a: 713_540 })), undefined, 'a key absent');
  assert.equal(readLifetime(row, quotaMap({ a: 0, b: 0 })), undefined, 'a counter the model leaves unfilled reads 0');
  assert.equal(readLifetime(row, quotaMap({ a: 4_294_967_295, b: 3 })), undefined, 'the uint32 sentinel');
  assert.equal(readLifetime(row, quotaMap({ a: -1, b: 3 })), undefined);
  // One key of a sum at 0 is a port that counted nothing yet: the sum stands.
  assert.deepEqual(readLifetime(row, quotaMap({ a: 0, b: 3 }, 7)), { joules: 3 * 3600, at: 7 });
});

test('a decrease that lasts one reading is a glitch: the last value holds', () => {
  const c = new LifetimeCounter(2000);
  assert.equal(c.offer(1000 * WH, 0), 'accepted');
  assert.equal(c.offer(900 * WH, 30_000), 'held');
  assert.equal(c.joules, 1000 * WH);
  assert.equal(c.offer(1001 * WH, 60_000), 'accepted');
  assert.equal(c.joules, 1001 * WH);
});

test('a decrease that persists is a real reset and is let through', () => {
  const c = new LifetimeCounter(2000);
  c.offer(1000 * WH, 0);
  assert.equal(c.offer(2 * WH, 30_000), 'held');
  assert.equal(c.offer(3 * WH, 60_000), 'reset');
  assert.equal(c.joules, 3 * WH);
  // Counting goes on from the new value.
  assert.equal(c.offer(4 * WH, 90_000), 'accepted');
  assert.equal(c.joules, 4 * WH);
});

test('a jump beyond twice the rated power over the elapsed time is dropped; more time can make it plausible', () => {
  const c = new LifetimeCounter(1000); // at most 2000 W × t
  c.offer(100 * WH, 0);
  // 10 Wh in 10 s is 3600 W: more than 2 × 1000 W.
  assert.equal(c.offer(110 * WH, 10_000), 'jump');
  assert.equal(c.joules, 100 * WH);
  // 10 Wh in 60 s is 600 W.
  assert.equal(c.offer(110 * WH, 60_000), 'accepted');
  // A decoding fault: 5.45e7 kWh is never plausible.
  assert.equal(c.offer(5.45e10 * WH, 120_000), 'jump');
  assert.equal(c.joules, 110 * WH);
});

test('the start time is the first accepted reading, and the reset after a real reset', () => {
  const c = new LifetimeCounter(1000);
  assert.equal(c.joules, undefined);
  c.offer(5 * WH, 42_000);
  c.offer(6 * WH, 99_000);
  assert.equal(c.since, 42_000);
  c.offer(1 * WH, 200_000);
  c.offer(2 * WH, 300_000);
  assert.equal(c.since, 300_000);
});
