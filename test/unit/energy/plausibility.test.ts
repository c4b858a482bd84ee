import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableValue, plausibleGrowth, plausiblePower, RATING_MARGIN } from '../../../src/energy/plausibility.js';

test('not available: absent, negative, 4294967295, NaN, infinities and non-numbers; 0 and real values are values', () => {
  for (const v of [undefined, null, -1, 4_294_967_295, 5e9, Number.NaN, Number.POSITIVE_INFINITY, '12', true, {}])
    assert.equal(availableValue(v), undefined, String(v));
  for (const v of [0, 1, 4_294_967_294, 7280.39]) assert.equal(availableValue(v), v);
});

test(`the margin: a counter may grow by ${RATING_MARGIN} × its rating over the time elapsed, and no faster`, () => {
  // 1000 W for 10 s.
  const most = RATING_MARGIN * 1000 * 10;
  assert.ok(plausibleGrowth(most, 1000, 10_000));
  assert.ok(!plausibleGrowth(most + 1, 1000, 10_000));
  assert.ok(!plausibleGrowth(-1, 1000, 10_000), 'a decrease is not growth');
  assert.ok(plausibleGrowth(0, 1000, -5) && !plausibleGrowth(1, 1000, -5), 'a clock that went back gives no room');
  assert.ok(plausibleGrowth(3600, 1000, -5, 3600) && !plausibleGrowth(3601, 1000, -5, 3600), 'but one counting step, at any moment');
  assert.ok(plausiblePower(RATING_MARGIN * 1000, 1000) && !plausiblePower(RATING_MARGIN * 1000 + 0.5, 1000) && !plausiblePower(-1, 1000));
});
