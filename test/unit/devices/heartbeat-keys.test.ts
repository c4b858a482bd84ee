import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RAW_ONLY_REASONS, type RawOnlyRule } from '../../../src/devices/device-family.js';
import { heartbeatRawOnly } from '../../../src/devices/heartbeat-keys.js';
import { readRawQuota } from '../../../src/snapshot/quota-value.js';
import { payloadQuotas } from '../../helpers/unified.js';

const REASONS: readonly string[] = Object.values(RAW_ONLY_REASONS);

function keysOf(rules: readonly RawOnlyRule[], reason: string): readonly string[] {
  return rules.find((r) => r.reason === reason)?.keys ?? [];
}

test('the shared rules: one per kind that has keys, in the order of RAW_ONLY_REASONS, no key under two reasons', () => {
  const shared = heartbeatRawOnly({});
  assert.ok(shared.length > 0);
  const order = shared.map((r) => REASONS.indexOf(r.reason));
  assert.ok(!order.includes(-1), 'every reason is one of RAW_ONLY_REASONS');
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

test("a family's own keys are added to the rule of their kind, after the shared ones", () => {
  const shared = heartbeatRawOnly({});
  const own = heartbeatRawOnly({ settings: ['ownSetting'], cells: ['ownCellA', 'ownCellB'] });
  assert.deepEqual(
    own.map((r) => r.reason),
    shared.map((r) => r.reason),
    'no new rule for a kind that has shared keys',
  );
  assert.deepEqual(keysOf(own, RAW_ONLY_REASONS.settings), [...keysOf(shared, RAW_ONLY_REASONS.settings), 'ownSetting']);
  assert.deepEqual(keysOf(own, RAW_ONLY_REASONS.cells), [...keysOf(shared, RAW_ONLY_REASONS.cells), 'ownCellA', 'ownCellB']);
  assert.deepEqual(keysOf(own, RAW_ONLY_REASONS.identity), keysOf(shared, RAW_ONLY_REASONS.identity), 'other kinds untouched');
});

test('own keys of a kind the heartbeats lack make a rule of their own, in its place in the order', () => {
  const shared = heartbeatRawOnly({});
  assert.equal(keysOf(shared, RAW_ONLY_REASONS.tasks).length, 0, 'the heartbeats carry no tasks');
  const rules = heartbeatRawOnly({ tasks: ['timeTask.1'] });
  assert.deepEqual(keysOf(rules, RAW_ONLY_REASONS.tasks), ['timeTask.1']);
  assert.equal(rules.length, shared.length + 1);
  assert.equal(heartbeatRawOnly({ tasks: [] }).length, shared.length, 'an empty list makes no rule');
});

test("one family's keys never leak into the rules another family gets", () => {
  const before = heartbeatRawOnly({});
  heartbeatRawOnly({ settings: ['delta3Only'], status: ['delta3Status'] });
  assert.deepEqual(heartbeatRawOnly({}), before);
  assert.ok(!heartbeatRawOnly({ identity: ['x'] }).some((r) => r.keys!.includes('delta3Only')));
});

test('every shared key is in the real DELTA 3 dump and in both real STREAM captures, as the module says', () => {
  const keys = heartbeatRawOnly({}).flatMap((r) => r.keys!);
  for (const name of ['delta3', 'stream_ultra', 'stream_ac_pro']) {
    const quotas = payloadQuotas(name);
    assert.deepEqual(
      keys.filter((k) => readRawQuota(quotas, k) === undefined),
      [],
      `missing from ${name}.json`,
    );
  }
});
