import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DailyCounter } from '../../../src/energy/daily-counter.js';

const WH = 3600;
const MIN = 60_000;

test('the first reading is the baseline: today so far is not counted, so a restart counts nothing twice', () => {
  const c = new DailyCounter(5000, WH);
  assert.equal(c.offer([7280.39], '2025-12-6', 0), 'baseline');
  assert.equal(c.state?.joules, 0);
});

test('within a day the increase is added; a dip adds nothing and is not counted again on recovery', () => {
  const c = new DailyCounter(5000, WH);
  c.offer([100], '2025-12-6', 0);
  c.offer([150], '2025-12-6', 10 * MIN);
  assert.equal(c.state?.joules, 50 * WH);
  c.offer([140], '2025-12-6', 20 * MIN);
  assert.equal(c.state?.joules, 50 * WH, 'never a negative');
  c.offer([160], '2025-12-6', 30 * MIN);
  assert.equal(c.state?.joules, 60 * WH, 'from the highest seen, 150, not from the dip');
});

test('across midnight: the rest of the old day, then the new day whole', () => {
  const c = new DailyCounter(5000, WH);
  c.offer([7000], '2025-12-6', 0);
  c.offer([7280], '2025-12-6', 50 * MIN);
  c.offer([35], '2025-12-7', 70 * MIN);
  assert.equal(c.state?.joules, (280 + 35) * WH);
  assert.equal(c.state?.day, '2025-12-7');
  c.offer([60], '2025-12-7', 80 * MIN);
  assert.equal(c.state?.joules, (280 + 35 + 25) * WH);
});

test('a day before the last one (a clock set back) adds nothing', () => {
  const c = new DailyCounter(5000, WH);
  c.offer([10], '2025-12-7', 0);
  assert.equal(c.offer([500], '2025-12-6', 60 * MIN), 'older-day');
  assert.equal(c.state?.joules, 0);
});

test('days compare as dates, not as text', () => {
  for (const [before, after] of [
    ['2025-12-9', '2025-12-10'],
    ['2025-12-31', '2026-1-1'],
  ] as const) {
    const later = new DailyCounter(5000, WH);
    later.offer([10], before, 0);
    assert.equal(later.offer([20], after, 60 * MIN), 'added', `${after} after ${before}: a new day`);
    assert.equal(later.state?.joules, 20 * WH, 'the new day whole');
    const earlier = new DailyCounter(5000, WH);
    earlier.offer([10], after, 0);
    assert.equal(earlier.offer([20], before, 60 * MIN), 'older-day', `${before} after ${after}: an older day`);
  }
});

test('hourly buckets: each bucket adds its own increase; a new hour is a new bucket', () => {
  const c = new DailyCounter(5000, WH);
  const hours = (values: Record<number, number>) => Array.from({ length: 24 }, (_, h) => values[h] ?? 0);
  c.offer(hours({ 8: 49, 9: 20 }), '2025-12-6', 0);
  c.offer(hours({ 8: 49, 9: 125 }), '2025-12-6', 40 * MIN);
  assert.equal(c.state?.joules, 105 * WH);
  c.offer(hours({ 8: 49, 9: 125, 10: 8 }), '2025-12-6', 70 * MIN);
  assert.equal(c.state?.joules, 113 * WH);
});

test('growth beyond twice the rating over the time since the last reading adds nothing', () => {
  const c = new DailyCounter(1000, WH);
  c.offer([0], '2025-12-6', 0);
  // 100 Wh in one minute is 6 kW.
  assert.equal(c.offer([100], '2025-12-6', MIN), 'jump');
  assert.equal(c.state?.joules, 0);
  assert.equal(c.offer([100], '2025-12-6', 10 * MIN), 'added');
  assert.equal(c.state?.joules, 100 * WH);
});

test('a restored state continues: the baseline came with it', () => {
  const first = new DailyCounter(5000, WH);
  first.offer([100], '2025-12-6', 0);
  first.offer([130], '2025-12-6', 10 * MIN);
  const again = new DailyCounter(5000, WH, structuredClone(first.state));
  again.offer([170], '2025-12-6', 30 * MIN);
  assert.equal(again.state?.joules, 70 * WH, 'what the device counted while the exporter was down, once');
});

test('one reading dated in the future does not freeze the counter: the earlier day, seen twice, is the day again', () => {
  const c = new DailyCounter(5000, WH);
  c.offer([100], '2025-12-6', 0);
  c.offer([110], '2025-12-6', 10 * MIN);
  assert.equal(c.offer([5], '2031-1-1', 20 * MIN), 'added', 'a new day, as far as anyone can tell');
  assert.equal(c.offer([120], '2025-12-6', 30 * MIN), 'older-day');
  assert.equal(c.offer([125], '2025-12-6', 40 * MIN), 'baseline', 'seen again: the day it is');
  assert.equal(c.offer([135], '2025-12-6', 50 * MIN), 'added');
  assert.equal(c.state?.joules, (10 + 5 + 10) * WH);
});
