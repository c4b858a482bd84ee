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
  assert.deepEqual(quotas.get('pd.soc'), { value: 41, updatedAt: 2000 });
  assert.deepEqual(quotas.get('pd.watts'), { value: 5, updatedAt: 1000 });
  assert.equal(s.get('A')!.quotasUpdatedAt, 2000);

  s.replaceQuotas('A', { 'pd.soc': 42 }, 3000);
  assert.deepEqual([...s.get('A')!.quotas.keys()], ['pd.soc'], 'a key missing from a full read is gone');
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
