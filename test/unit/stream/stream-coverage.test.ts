import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamCoverage } from '../../../src/stream/stream-coverage.js';

test('no connection, no coverage; a device not heard since the connect is covered for half the limit', () => {
  const c = new StreamCoverage({ minSilenceMs: 60_000 });
  assert.equal(c.covers('A', 0), false);
  c.connected(1_000);
  assert.equal(c.covers('A', 31_000), true);
  assert.equal(c.covers('A', 31_001), false, 'silent since the connect for longer than half the limit');
  c.heard('A', 40_000);
  assert.equal(c.covers('A', 100_000), true, 'heard: the whole limit');
  c.disconnected();
  assert.equal(c.covers('A', 40_500), false);
});

test('an outage is not a gap; the limit has a ceiling', () => {
  const c = new StreamCoverage({ minSilenceMs: 60_000, maxSilenceMs: 600_000 });
  c.connected(0);
  for (let t = 0; t <= 10_000; t += 1_000) c.heard('A', t);
  c.disconnected();
  c.connected(3_600_000);
  c.heard('A', 3_600_000);
  assert.equal(c.silenceLimitMs('A'), 60_000, 'the hour offline did not count as a gap');
  for (let t = 0; t <= 10 * 3_600_000; t += 3_600_000) c.heard('B', t);
  assert.equal(c.silenceLimitMs('B'), 600_000);
});

test("the limit is 3 × the usual gap between a device's messages, never under the minimum", () => {
  const c = new StreamCoverage({ minSilenceMs: 60_000 });
  c.connected(0);
  // A device that speaks every 40 s: limit 120 s.
  for (let t = 0; t <= 400_000; t += 40_000) c.heard('slow', t);
  assert.equal(c.silenceLimitMs('slow'), 120_000);
  assert.equal(c.covers('slow', 400_000 + 119_000), true);
  assert.equal(c.covers('slow', 400_000 + 121_000), false);
  // A chatty one: the minimum applies.
  for (let t = 0; t <= 10_000; t += 1_000) c.heard('chatty', t);
  assert.equal(c.silenceLimitMs('chatty'), 60_000);
  c.forget('slow');
  assert.equal(c.silenceLimitMs('slow'), 60_000);
});
