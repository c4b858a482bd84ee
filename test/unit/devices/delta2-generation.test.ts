import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta2GenerationRawOnly } from '../../../src/devices/delta2-generation.js';
import { RAW_ONLY_REASONS, type RawOnlyRule } from '../../../src/devices/device-family.js';
import { readRawQuota } from '../../../src/snapshot/quota-value.js';
import { payloadQuotas } from '../../helpers/unified.js';

const REASONS: readonly string[] = Object.values(RAW_ONLY_REASONS);

function keysOf(rules: readonly RawOnlyRule[], reason: string): readonly string[] {
  return rules.find((r) => r.reason === reason)?.keys ?? [];
}

test('the generation rules: one per kind that has keys, in the order of RAW_ONLY_REASONS, no key under two reasons', () => {
  const shared = delta2GenerationRawOnly({});
  const order = shared.map((r) => REASONS.indexOf(r.reason));
  assert.ok(shared.length > 0 && !order.includes(-1));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  for (const rule of shared) assert.ok(rule.keys!.length > 0, rule.reason);
  const keys = shared.flatMap((r) => r.keys!);
  assert.deepEqual(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    [],
  );
});

test("a family's own keys are added to the rule of their kind; a kind the generation lacks gets a rule of its own", () => {
  const shared = delta2GenerationRawOnly({});
  // Energy counters are each family's call (see the module): the generation files none.
  assert.equal(keysOf(shared, RAW_ONLY_REASONS.energyCounters).length, 0);
  const rules = delta2GenerationRawOnly({ status: ['pd.ownFlag'], energyCounters: ['pd.chgSunPower'] });
  assert.deepEqual(keysOf(rules, RAW_ONLY_REASONS.status), [...keysOf(shared, RAW_ONLY_REASONS.status), 'pd.ownFlag']);
  assert.deepEqual(keysOf(rules, RAW_ONLY_REASONS.energyCounters), ['pd.chgSunPower']);
  assert.equal(rules.length, shared.length + 1);
  assert.deepEqual(keysOf(rules, RAW_ONLY_REASONS.settings), keysOf(shared, RAW_ONLY_REASONS.settings), 'other kinds untouched');
});

test("one family's keys never leak into the rules another family gets", () => {
  const before = delta2GenerationRawOnly({});
  delta2GenerationRawOnly({ settings: ['pd.river2Only'] });
  assert.deepEqual(delta2GenerationRawOnly({}), before);
});

test('every generation key is in at least two of the DELTA 2, DELTA 2 Max and RIVER 2 Max payloads, as the module says', () => {
  const payloads = ['delta2', 'delta2max', 'river2max'].map((name) => payloadQuotas(name));
  const keys = delta2GenerationRawOnly({}).flatMap((r) => r.keys!);
  assert.deepEqual(
    keys.filter((k) => payloads.filter((quotas) => readRawQuota(quotas, k) !== undefined).length < 2),
    [],
  );
});
