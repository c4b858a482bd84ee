import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/timing/backoff-delay.js';

const base = { baseMs: 1_000, maxMs: 60_000 };

test('the ceiling doubles per attempt up to max; the wait lies in [ceiling / 2, ceiling]', () => {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const ceiling = Math.min(base.baseMs * 2 ** (attempt - 1), base.maxMs);
    assert.equal(backoffDelay(attempt, { ...base, random: () => 0 }), ceiling / 2, `attempt ${attempt}, lowest draw`);
    assert.equal(backoffDelay(attempt, { ...base, random: () => 0.5 }), (ceiling * 3) / 4, `attempt ${attempt}, middle draw`);
    assert.equal(
      backoffDelay(attempt, { ...base, random: () => 0.999_999 }),
      Math.round(ceiling / 2 + (0.999_999 * ceiling) / 2),
      `attempt ${attempt}, highest draw`,
    );
  }
});

test('max is a true ceiling: no draw exceeds it, even after very many attempts', () => {
  assert.equal(backoffDelay(1_000, { ...base, random: () => 0.999_999 }), 60_000);
  assert.equal(backoffDelay(1_000, { ...base, random: () => 0 }), 30_000);
});

test('without an injected source the waits are spread over the window', () => {
  const draws = Array.from({ length: 200 }, () => backoffDelay(3, base));
  assert.ok(
    draws.every((d) => d >= 2_000 && d <= 4_000),
    String(draws),
  );
  assert.ok(new Set(draws).size > 50, 'not one value for all');
});
