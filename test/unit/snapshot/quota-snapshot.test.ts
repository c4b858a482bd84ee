import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuotaSnapshot, type SnapshotChange } from '../../../src/snapshot/quota-snapshot.js';

const device = (sn: string, online = true) => ({ sn, name: `${sn}-name`, productName: 'DELTA 2', online });

test('a full read replaces the quotas; a partial update merges with per-key times', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { 'pd.soc': 40, 'pd.watts': 5 }, 1000);
  s.mergeQuotas('A', { 'pd.soc': 41 }, 2000);
  const quotas = s.get('A')!.quotas;
  assert.deepEqual(quotas.get('pd.soc'), { value: 41, updatedAt: 2000, inRest: true });
  assert.deepEqual(quotas.get('pd.watts'), { value: 5, updatedAt: 1000, inRest: true });
  assert.equal(s.get('A')!.quotasUpdatedAt, 2000);

  s.replaceQuotas('A', { 'pd.soc': 42 }, 3000);
  assert.deepEqual([...s.get('A')!.quotas.keys()], ['pd.soc'], 'a key missing from a full read is gone');
});

test('a REST read keeps the keys only the stream delivers, and drops what REST delivered before and not now', () => {
  const s = new QuotaSnapshot({ streamOnlyLifetimeMs: 60_000 });
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { 'pd.soc': 40, 'pd.watts': 5 }, 1000);
  s.mergeQuotas('A', { 'pd.soc': 41, 'pd.streamOnly': 7 }, 2000);
  s.replaceQuotas('A', { 'pd.soc': 42 }, 3000);
  const quotas = s.get('A')!.quotas;
  assert.deepEqual(quotas.get('pd.streamOnly'), { value: 7, updatedAt: 2000, inRest: false }, 'stream-only key survives');
  assert.equal(quotas.get('pd.watts'), undefined, 'REST no longer delivers it: gone');
  assert.deepEqual(quotas.get('pd.soc'), { value: 42, updatedAt: 3000, inRest: true });

  s.replaceQuotas('A', { 'pd.soc': 43 }, 2000 + 60_001);
  assert.equal(quotas.get('pd.streamOnly'), undefined, 'a stream-only key past its lifetime is pruned');
});

test('a partial update names its keys in the change; a full read names none', () => {
  const s = new QuotaSnapshot();
  const changes: SnapshotChange[] = [];
  s.setDevices([device('A')]);
  s.subscribe((c) => changes.push(c));
  s.replaceQuotas('A', { x: 1 }, 1);
  s.mergeQuotas('A', { y: 2, z: 3 }, 2);
  s.mergeQuotas('A', {}, 3);
  assert.equal(changes.length, 2, 'an empty merge changes nothing');
  assert.equal(changes[0]!.kind === 'quotas-changed' && changes[0]!.keys, undefined);
  assert.deepEqual(changes[1]!.kind === 'quotas-changed' && [...changes[1]!.keys!], ['y', 'z']);
});

test('a status message sets online state at once; offline drops values, and a quota message for an offline device is ignored', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { x: 1 }, 1);
  const revision = s.get('A')!.revision;
  s.setOnline('A', true);
  assert.equal(s.get('A')!.revision, revision, 'no change, no new revision');
  s.setOnline('A', false);
  assert.equal(s.get('A')!.online, false);
  assert.equal(s.get('A')!.quotas.size, 0);
  s.mergeQuotas('A', { x: 2 }, 2);
  assert.equal(s.get('A')!.quotas.size, 0);
  s.setOnline('A', true);
  s.mergeQuotas('A', { x: 3 }, 3);
  assert.equal(s.get('A')!.quotas.get('x')!.value, 3);
  s.setOnline('nope', false);
  assert.equal(s.get('nope'), undefined);
});

test('the device list adds, removes and takes devices offline; offline drops cached values', () => {
  const s = new QuotaSnapshot();
  const changes: SnapshotChange[] = [];
  s.subscribe((c) => changes.push(c));
  s.setDevices([device('A'), device('B')]);
  s.replaceQuotas('A', { x: 1 }, 1);
  const before = s.get('A')!.revision;

  s.setDevices([device('A', false)]);
  assert.equal(s.get('B'), undefined);
  assert.equal(s.get('A')!.online, false);
  assert.equal(s.get('A')!.state, 'offline');
  assert.equal(s.get('A')!.quotas.size, 0);
  assert.ok(s.get('A')!.revision > before);
  assert.deepEqual(
    changes.map((c) => `${c.kind}:${c.sn}`),
    ['device-added:A', 'device-added:B', 'quotas-changed:A', 'device-changed:A', 'device-removed:B'],
  );
});

test('an unchanged device list changes nothing', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  const revision = s.get('A')!.revision;
  let calls = 0;
  s.subscribe(() => calls++);
  s.setDevices([device('A')]);
  assert.equal(calls, 0);
  assert.equal(s.get('A')!.revision, revision);
});

test('a restricted device keeps its identity and loses its values', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { x: 1 }, 1);
  s.setRestricted('A', true);
  assert.equal(s.get('A')!.state, 'restricted');
  assert.equal(s.get('A')!.quotas.size, 0);
  s.setRestricted('A', false);
  assert.equal(s.get('A')!.state, 'online');
});

test('writes for unknown devices are ignored', () => {
  const s = new QuotaSnapshot();
  s.replaceQuotas('nope', { x: 1 }, 1);
  s.mergeQuotas('nope', { x: 1 }, 1);
  assert.equal(s.size, 0);
});
