import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableValue, maxGrowthJoules, plausibleGrowth, plausiblePower, RATING_MARGIN } from '../../../src/energy/plausibility.js';

test('not available: absent, negative, 4294967295, NaN, infinities and non-numbers; 0 and real values are values', () => {
  for (const v of [undefined, null, -1, 4_294_967_295, 5e9, Number.NaN, Number.POSITIVE_INFINITY, '12', true, {}])
    assert.equal(availableValue(v), undefined, String(v));
  for (const v of [0, 1, 4_294_967_294, 7280.39]) assert.equal(availableValue(v), v);
});

test(`the margin: a counter may grow by ${RATING_MARGIN} × its rating over the time elapsed, and no faster`, () => {
  assert.equal(maxGrowthJoules(1000, 10_000), 20_000);
  assert.equal(maxGrowthJoules(1000, -5), 0, 'a clock that went back gives no room');
  assert.ok(plausibleGrowth(20_000, 1000, 10_000));
  assert.ok(!plausibleGrowth(20_001, 1000, 10_000));
  assert.ok(!plausibleGrowth(-1, 1000, 10_000), 'a decrease is not growth');
  assert.ok(plausiblePower(2000, 1000) && !plausiblePower(2000.5, 1000) && !plausiblePower(-1, 1000));
});
