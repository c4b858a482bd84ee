import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRecord } from '../../../src/snapshot/quota-snapshot.js';
import { isFresh, StalenessRule } from '../../../src/snapshot/staleness.js';

const NOW = 1_800_000_000_000;
const STALE_AFTER = 60_000;
const RECONCILE = 300_000;

function device(d: Partial<DeviceRecord>): DeviceRecord {
  return { sn: 'SN1', name: 'n', productName: 'p', state: 'online', revision: 1, quotas: new Map(), ...d } as DeviceRecord;
}

test('a value older than the stale limit is left out; one just inside it stays', () => {
  const rule = new StalenessRule({ staleAfterMs: STALE_AFTER });
  const w = rule.window(device({}), NOW);
  assert.equal(isFresh(NOW - STALE_AFTER, undefined, w), true);
  assert.equal(isFresh(NOW - STALE_AFTER - 1, undefined, w), false);
  assert.equal(isFresh(NOW - STALE_AFTER - 1, true, w), false, 'REST values hold only while the stream speaks for the device');
});

test('while the stream speaks for a device, REST values hold until a reconciliation is overdue', () => {
  const rule = new StalenessRule({ staleAfterMs: STALE_AFTER, reconcileIntervalMs: RECONCILE });
  const old = NOW - STALE_AFTER - 10_000;
  const streaming = rule.window(device({ streamedAt: NOW - 1_000, restReadAt: NOW - STALE_AFTER - RECONCILE }), NOW);
  assert.equal(isFresh(old, true, streaming), true, 'REST value held');
  assert.equal(isFresh(old, undefined, streaming), false, 'a streamed value that stopped coming is stale');
  const overdue = rule.window(device({ streamedAt: NOW - 1_000, restReadAt: NOW - STALE_AFTER - RECONCILE - 1 }), NOW);
  assert.equal(isFresh(old, true, overdue), false, 'the reconciliation is overdue');
  const silent = rule.window(device({ streamedAt: NOW - STALE_AFTER - 1, restReadAt: NOW - 1_000 }), NOW);
  assert.equal(isFresh(old, true, silent), false, 'the stream went quiet');
});

test('an online device with no value fresher than the limit is stale; an offline one is not', () => {
  const rule = new StalenessRule({ staleAfterMs: STALE_AFTER });
  assert.equal(rule.deviceStale(device({ quotasUpdatedAt: NOW - STALE_AFTER }), NOW), false);
  assert.equal(rule.deviceStale(device({ quotasUpdatedAt: NOW - STALE_AFTER - 1 }), NOW), true);
  assert.equal(rule.deviceStale(device({}), NOW), true, 'never read');
  assert.equal(rule.deviceStale(device({ state: 'offline' }), NOW), false);
});

test('without a limit nothing goes stale', () => {
  const rule = new StalenessRule();
  assert.equal(isFresh(0, undefined, rule.window(device({}), NOW)), true);
  assert.equal(rule.deviceStale(device({ quotasUpdatedAt: 0 }), NOW), false);
});
