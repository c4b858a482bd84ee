import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuotaSnapshot, type KeyPolicy, type QuotaSnapshotOptions, type SnapshotChange } from '../../../src/snapshot/quota-snapshot.js';

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

// The budget (maxValuesPerDevice, keyPolicy): a device keeps no more values than the output can use.

function bounded(maxValuesPerDevice: number, options: QuotaSnapshotOptions = {}) {
  const s = new QuotaSnapshot({ ...options, maxValuesPerDevice });
  s.setDevices([device('A')]);
  return s;
}

const stored = (s: QuotaSnapshot) => [...s.get('A')!.quotas.keys()];

test('without a bound every key is stored and nothing is dropped', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { a: 1, b: [1, 2, 3], c: 'x' }, 1);
  s.mergeQuotas('A', { d: { x: 1 } }, 2);
  assert.deepEqual(stored(s), ['a', 'b', 'c', 'd']);
  assert.equal(s.get('A')!.droppedValues, 0);
});

test('a full read stores keys in payload order while the budget has room, and counts the rest', () => {
  const s = bounded(3);
  s.replaceQuotas('A', { e: 5, d: 4, c: 3, b: 2, a: 1 }, 1);
  assert.deepEqual(stored(s), ['e', 'd', 'c'], 'the first three of the payload, not the first three by name');
  assert.equal(s.get('A')!.droppedValues, 2);
});

test("'keep' keys are stored past the budget, take their room first, and count toward it", () => {
  const keepK: KeyPolicy = (key) => (key.startsWith('k') ? 'keep' : 'cap');
  const s = bounded(3, { keyPolicy: keepK });
  s.replaceQuotas('A', { a: 1, b: 2, k1: 3, k2: 4 }, 1);
  assert.deepEqual(stored(s), ['a', 'k1', 'k2'], "the 'keep' keys leave room for one 'cap' key, the first of the payload");
  assert.equal(s.get('A')!.droppedValues, 1);

  const small = bounded(1, { keyPolicy: keepK });
  small.replaceQuotas('A', { k1: 1, a: 2, k2: [3, 4] }, 1);
  assert.deepEqual(stored(small), ['k1', 'k2'], "'keep' keys past the budget are stored");
  assert.equal(small.get('A')!.droppedValues, 1);
  small.mergeQuotas('A', { k3: 5, b: 6 }, 2);
  assert.deepEqual(stored(small), ['k1', 'k2', 'k3'], "a new 'keep' key is stored when the device is full; a new 'cap' key is not");
  assert.equal(small.get('A')!.droppedValues, 2);
});

test("'drop' keys are never stored nor counted, bounded or not", () => {
  const dropX: KeyPolicy = (key) => (key.startsWith('x') ? 'drop' : 'cap');
  const s = bounded(1, { keyPolicy: dropX });
  const changes: SnapshotChange[] = [];
  s.subscribe((c) => changes.push(c));
  s.replaceQuotas('A', { x1: 1, a: 2, x2: [1, 2] }, 1);
  assert.deepEqual(stored(s), ['a']);
  assert.equal(s.get('A')!.droppedValues, 0, "'drop' keys are not missing: the output has no use for them");
  const revision = s.get('A')!.revision;
  s.mergeQuotas('A', { x3: 3 }, 2);
  assert.deepEqual(stored(s), ['a']);
  assert.equal(s.get('A')!.revision, revision, 'a message of dropped keys changes nothing');
  assert.equal(changes.length, 1);

  const unbounded = new QuotaSnapshot({ keyPolicy: dropX });
  unbounded.setDevices([device('A')]);
  unbounded.replaceQuotas('A', { x1: 1, a: 2 }, 1);
  unbounded.mergeQuotas('A', { x2: 1, b: 2 }, 2);
  assert.deepEqual(stored(unbounded), ['a', 'b']);
});

test('a nested value takes the room of its leaves, at least 1, and a refused one is missing as many values as the raw metrics make of it', () => {
  const s = bounded(7);
  // Room: a 3, b 2 (a word takes room, an empty array none), c 1 (no leaf but itself), d 2: too many, e 1.
  // Missing: d's two numbers.
  s.replaceQuotas('A', { a: [1, 2, '3'], b: { x: 1, y: 'word', z: [] }, c: 'text', d: [{ v: 1 }, { v: true }], e: 7 }, 1);
  assert.deepEqual(stored(s), ['a', 'b', 'c', 'e'], 'a key that does not fit is refused whole; a smaller one after it still fits');
  assert.equal(s.get('A')!.droppedValues, 2);
});

test('a single key holding 200 000 values is refused whole and counted', () => {
  const s = bounded(5_000);
  s.replaceQuotas('A', { a: 1, big: Array.from({ length: 200_000 }, (_, i) => i), b: 2 }, 1);
  assert.deepEqual(stored(s), ['a', 'b']);
  assert.equal(s.get('A')!.droppedValues, 200_000);
});

test('a stream message updates a stored key even when the device is full, and refuses a new one', () => {
  const s = bounded(2);
  const changes: SnapshotChange[] = [];
  s.replaceQuotas('A', { a: 1, b: 2 }, 1);
  s.subscribe((c) => changes.push(c));
  let revision = s.get('A')!.revision;

  s.mergeQuotas('A', { a: 10, c: [3, 4] }, 2);
  assert.deepEqual(stored(s), ['a', 'b']);
  assert.equal(s.get('A')!.quotas.get('a')!.value, 10);
  assert.equal(s.get('A')!.droppedValues, 2, 'c costs its two values');
  assert.ok(s.get('A')!.revision > revision);
  assert.deepEqual(
    changes.map((c) => c.kind === 'quotas-changed' && [...c.keys!]),
    [['a']],
    'the change names the keys written, not the refused one',
  );

  revision = s.get('A')!.revision;
  s.mergeQuotas('A', { c: [3, 4] }, 3);
  s.mergeQuotas('A', { c: [5, 6] }, 4);
  assert.equal(s.get('A')!.droppedValues, 2, 'a key refused again is not counted twice');
  assert.equal(s.get('A')!.revision, revision, 'nothing written and nothing more missing: no change');
  assert.equal(changes.length, 1);

  s.mergeQuotas('A', { d: 5 }, 5);
  assert.equal(s.get('A')!.droppedValues, 3);
  assert.equal(s.get('A')!.revision, revision + 1, 'only what is missing changed: a new revision, for the producers read it');
  assert.deepEqual(
    changes.slice(1).map((c) => c.kind === 'quotas-changed' && [...c.keys!]),
    [[]],
    'and a change that names no key written',
  );
  assert.equal(s.get('A')!.streamedAt, 2, 'a message wholly refused merged nothing');

  s.mergeQuotas('A', { b: [1, 2, 3] }, 6);
  assert.deepEqual(s.get('A')!.quotas.get('b')!.value, [1, 2, 3], 'a stored key grows past the budget: it is updated all the same');
  s.mergeQuotas('A', { e: 1 }, 7);
  assert.equal(s.get('A')!.quotas.has('e'), false, 'its new cost counts: there is still no room');
});

test('a full read after stream messages counts the room again from scratch', () => {
  const s = bounded(3, { streamOnlyLifetimeMs: 60_000 });
  s.replaceQuotas('A', { a: 1, b: 2 }, 1_000);
  s.mergeQuotas('A', { s1: 1 }, 2_000);
  s.mergeQuotas('A', { s2: 1 }, 3_000);
  assert.deepEqual(stored(s), ['a', 'b', 's1']);
  assert.equal(s.get('A')!.droppedValues, 1);

  // s1, kept from before, takes its room first; then c and a in payload order; b no longer fits.
  s.replaceQuotas('A', { c: 3, a: 1, b: 2 }, 4_000);
  assert.deepEqual(stored(s), ['a', 's1', 'c']);
  assert.equal(s.get('A')!.droppedValues, 2, 'b, refused by this read, and s2, which the stream brought and is still missing');

  s.replaceQuotas('A', { a: 1 }, 5_000);
  assert.deepEqual(stored(s), ['a', 's1']);
  assert.equal(s.get('A')!.droppedValues, 1, 'b is no longer delivered: not missing; s2 still is');

  s.mergeQuotas('A', { s2: 1 }, 6_000);
  assert.deepEqual(stored(s), ['a', 's1', 's2'], 'the room freed by the full read takes the refused key');
  assert.equal(s.get('A')!.droppedValues, 0);

  s.mergeQuotas('A', { s3: 1 }, 7_000);
  assert.equal(s.get('A')!.droppedValues, 1);
  s.replaceQuotas('A', { a: 1 }, 7_000 + 60_001);
  assert.deepEqual(stored(s), ['a'], 'stream-only keys past their lifetime are pruned');
  assert.equal(s.get('A')!.droppedValues, 0, 'and so is a stream-only key refused that long ago');
});

test('droppedValues returns to 0 when the payload shrinks, with a new revision', () => {
  const s = bounded(2);
  s.replaceQuotas('A', { a: 1, b: 2, c: 3, d: [4, 5] }, 1);
  assert.equal(s.get('A')!.droppedValues, 3);
  const revision = s.get('A')!.revision;
  s.replaceQuotas('A', { a: 1, b: 2 }, 2);
  assert.equal(s.get('A')!.droppedValues, 0);
  assert.ok(s.get('A')!.revision > revision);
  s.replaceQuotas('A', { a: 1, b: 2, c: 3 }, 3);
  assert.equal(s.get('A')!.droppedValues, 1, 'the same read twice counts the same');
  s.replaceQuotas('A', { a: 1, b: 2, c: 3 }, 4);
  assert.equal(s.get('A')!.droppedValues, 1);
});

test('a device going offline or restricted drops its values and its count', () => {
  const s = bounded(1);
  s.replaceQuotas('A', { a: 1, b: 2 }, 1);
  s.setOnline('A', false);
  assert.equal(s.get('A')!.droppedValues, 0);
  s.setOnline('A', true);
  s.mergeQuotas('A', { c: 1 }, 2);
  assert.deepEqual(stored(s), ['c'], 'the room of the values dropped is free again');
  s.mergeQuotas('A', { d: 1 }, 3);
  assert.equal(s.get('A')!.droppedValues, 1);
  s.setRestricted('A', true);
  assert.equal(s.get('A')!.droppedValues, 0);
});

test('a 200 000-key payload under a budget of 5 000 leaves 5 000 keys in memory, through stream messages too', () => {
  const s = bounded(5_000);
  const payload = (prefix: string) => {
    const quotas: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) quotas[`${prefix}${i}`] = i;
    return quotas;
  };
  s.replaceQuotas('A', payload('rest.'), 1);
  assert.equal(s.get('A')!.quotas.size, 5_000);
  assert.equal(s.get('A')!.droppedValues, 195_000);
  s.mergeQuotas('A', payload('rest.'), 2);
  assert.equal(s.get('A')!.quotas.size, 5_000);
  assert.equal(s.get('A')!.droppedValues, 195_000, 'keys the full read refused are not counted again when the stream brings them');
  s.mergeQuotas('A', payload('stream.'), 3);
  assert.equal(s.get('A')!.quotas.size, 5_000);
  assert.ok(s.get('A')!.droppedValues >= 195_000);
});

// The bound on metric names (maxNamesPerDevice), and full reads planned before their answer is read.

test('a device keeps no more metric names than its bound: keys past it are counted as dropped, a key of one array is one name', () => {
  const s = new QuotaSnapshot({ maxValuesPerDevice: 100, maxNamesPerDevice: 3 });
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { a: 1, arr: [1, 2, 3, 4], objs: [{ w: 1 }, { w: 2 }], b: 2, c: [5, 6] }, 1);
  assert.deepEqual(stored(s), ['a', 'arr', 'objs'], '3 names (a, arr, objs.w) for 7 values');
  assert.equal(s.get('A')!.droppedValues, 3, 'b and c: 3 values');
  s.mergeQuotas('A', { d: 1, a: [1, 2] }, 2);
  assert.deepEqual(stored(s), ['a', 'arr', 'objs'], 'a stored key is updated; a new name does not fit');
  assert.equal(s.get('A')!.droppedValues, 4);
});

test('a planned full read builds only what the snapshot can store, and counts the rest as a whole answer would be counted', () => {
  const keepK: KeyPolicy = (key) => (key.startsWith('k') ? 'keep' : 'cap');
  const payload: Record<string, unknown> = { k1: 1 };
  for (let i = 0; i < 50; i++) payload[`a${i}`] = [i, i];
  payload.k2 = 2;
  const whole = new QuotaSnapshot({ maxValuesPerDevice: 10, keyPolicy: keepK });
  const planned = new QuotaSnapshot({ maxValuesPerDevice: 10, keyPolicy: keepK });
  for (const s of [whole, planned]) s.setDevices([device('A')]);
  whole.replaceQuotas('A', payload, 1);

  const plan = planned.planFullRead('A')!;
  const taken: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (plan.take(key)) taken[key] = value;
    else plan.leaveOut(key, value);
  }
  assert.ok(Object.keys(taken).length <= 12, `built ${Object.keys(taken).length} of ${Object.keys(payload).length} keys`);
  planned.replaceQuotas('A', taken, 1, plan);
  assert.deepEqual(stored(planned), stored(whole));
  assert.equal(planned.get('A')!.droppedValues, whole.get('A')!.droppedValues);
  assert.equal(planned.get('A')!.droppedValues, 92, '46 keys of 2 values');
});

test('a stored key that a planned read leaves out is let go, not kept with its old value', () => {
  const s = new QuotaSnapshot({ maxValuesPerDevice: 2 });
  s.setDevices([device('A')]);
  s.replaceQuotas('A', { a: 1, b: 2 }, 1);
  const plan = s.planFullRead('A')!;
  const taken: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ c: 3, d: 4, a: 5, b: 6 })) {
    if (plan.take(key)) taken[key] = value;
    else plan.leaveOut(key, value);
  }
  s.replaceQuotas('A', taken, 2, plan);
  assert.deepEqual(stored(s), ['c', 'd']);
  assert.equal(s.get('A')!.droppedValues, 2);
});

test('without a bound there is no plan: the whole answer is read', () => {
  const s = new QuotaSnapshot();
  s.setDevices([device('A')]);
  assert.equal(s.planFullRead('A'), undefined);
  assert.equal(bounded(5).planFullRead('nope'), undefined);
});

/** A full read of `payload` through the snapshot's plan, as the client's reader makes it. */
function plannedRead(s: QuotaSnapshot, sn: string, payload: Record<string, unknown>, at: number): void {
  const plan = s.planFullRead(sn)!;
  plan.begin();
  const taken: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (plan.take(key)) taken[key] = value;
    else plan.leaveOut(key, value);
  }
  s.replaceQuotas(sn, taken, at, plan);
}

test('a key the stream had refused, left out by a planned read past the names it remembers, is counted once', () => {
  const payload: Record<string, unknown> = {};
  for (let i = 0; i < 1_510; i++) payload[`a${i}`] = i;
  payload.late = 1;
  const counts = [false, true].map((planned) => {
    const s = new QuotaSnapshot({ maxValuesPerDevice: 10 });
    s.setDevices([device('A')]);
    s.replaceQuotas('A', Object.fromEntries(Object.entries(payload).slice(0, 10)), 1);
    s.mergeQuotas('A', { late: 1 }, 2);
    if (planned) plannedRead(s, 'A', payload, 3);
    else s.replaceQuotas('A', payload, 3);
    return s.get('A')!.droppedValues;
  });
  assert.deepEqual(counts, [1_501, 1_501]);
});
