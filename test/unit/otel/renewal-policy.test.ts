import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRenewAfter, ShownSeries } from '../../../src/otel/renewal-policy.js';

test('the default threshold: as many gone series as are live, and never fewer than 1,000', () => {
  assert.equal(defaultRenewAfter(0), 1_000);
  assert.equal(defaultRenewAfter(999), 1_000);
  assert.equal(defaultRenewAfter(5_000), 5_000);
});

test('a series shown again, by another equal object, counts once; per instrument', () => {
  const shown = new ShownSeries();
  const gauge = {};
  const other = {};
  shown.note(gauge, { device: 'A' });
  shown.note(gauge, { device: 'A' });
  shown.note(other, { device: 'A' });
  shown.note(gauge, { device: 'B' });
  // Three distinct (instrument, labels) pairs, one of them live: two gone.
  assert.equal(shown.gone(1), 2);
});

test('a renewal is due once the gone series reach the threshold, not one before', () => {
  const shown = new ShownSeries((live) => live + 2);
  const gauge = {};
  for (const device of ['A', 'B', 'C', 'D']) shown.note(gauge, { device });
  // One live: three gone, the threshold is three.
  assert.equal(shown.renewalDue(1), true);
  // Two live: two gone, the threshold is four.
  assert.equal(shown.renewalDue(2), false);
});

test('with the default threshold a steady fleet is never due, however many series it has', () => {
  const shown = new ShownSeries();
  const gauge = {};
  for (let i = 0; i < 50_000; i++) shown.note(gauge, { device: String(i) });
  assert.equal(shown.renewalDue(50_000), false);
  // Half of them gone and replaced: 25,000 gone, 50,000 live, still not due.
  for (let i = 50_000; i < 75_000; i++) shown.note(gauge, { device: String(i) });
  assert.equal(shown.renewalDue(50_000), false);
  for (let i = 75_000; i < 100_000; i++) shown.note(gauge, { device: String(i) });
  assert.equal(shown.renewalDue(50_000), true);
});
