import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendSegment, parsePath, readPath, visitLeaves, type LeafWalk, type PathSegment } from '../../../src/snapshot/quota-path.js';

// Shapes of the captured payloads (src/simulator/payloads/powerocean.json, smarthomepanel.json).
const PCS_A_PHASE = { vol: 229.7, amp: 3.6, actPwr: -810.6 };
const ENERGY_INFOS = [
  { outputPower: 203, stateBean: { isConnect: 1, isAcOpen: 1 }, batteryPercentage: 54 },
  { outputPower: 0, stateBean: { isConnect: 0, isAcOpen: 0 }, batteryPercentage: 0 },
];

/** `['a', 'b', 0, 'c']` → `a.b[0].c`: segments joined as walks join them (appendSegment). */
function formatPath(segments: readonly PathSegment[]): string {
  const [first, ...rest] = segments;
  return typeof first === 'string' ? rest.reduce(appendSegment, first) : segments.reduce(appendSegment, '');
}

/** Every leaf as [path, value], paths built by the walk's own steps. */
function leaves(value: unknown, key: string, options: { maxDepth?: number; emptyContainersAreLeaves?: boolean } = {}): Array<[string, unknown]> {
  const walk: LeafWalk<string, Array<[string, unknown]>> = { step: appendSegment, leaf: (leaf, path, _, out) => void out.push([path, leaf]), ...options };
  const out: Array<[string, unknown]> = [];
  visitLeaves(value, key, walk, out);
  return out;
}

test('a path parses into names and indexes, and formats back to itself', () => {
  assert.deepEqual(parsePath('heartbeat.energyInfos[0].stateBean.isConnect'), ['heartbeat', 'energyInfos', 0, 'stateBean', 'isConnect']);
  assert.deepEqual(parsePath('a[1][12]'), ['a', 1, 12]);
  assert.deepEqual(parsePath('pcsAPhase.vol', 'pcsAPhase'.length), ['vol'], 'parses from an offset: the rest after a key');
  assert.deepEqual(parsePath('a.0'), ['a', '0'], 'a digit after a dot is a name, not an index');
  for (const p of ['pd.soc', 'pcsAPhase.vol', 'heartbeat.energyInfos[1].stateBean.isAcOpen', 'm[0][1]', '[0].a', 'bms_bmsStatus.cellVol[15]', '20_134.task1']) {
    assert.equal(formatPath(parsePath(p)), p);
  }
});

test('stray separators are skipped, not refused', () => {
  assert.deepEqual(parsePath('a..b'), ['a', 'b']);
  assert.deepEqual(parsePath('a[x]'), ['a', 'x']);
  assert.deepEqual(parsePath('a[1'), ['a', '1']);
  assert.deepEqual(parsePath(''), []);
});

test('reads the value at a path: names into objects, indexes into arrays, nothing else', () => {
  const quota = { pcsAPhase: PCS_A_PHASE, 'heartbeat.energyInfos': ENERGY_INFOS };
  assert.equal(readPath(PCS_A_PHASE, 'vol'), 229.7);
  assert.equal(readPath(ENERGY_INFOS, '[1].stateBean.isConnect'), 0);
  assert.equal(readPath(ENERGY_INFOS, [0, 'outputPower']), 203);
  assert.equal(readPath(quota, ['heartbeat.energyInfos', 0, 'batteryPercentage']), 54, 'segments may hold a dot');
  assert.equal(readPath(PCS_A_PHASE, ''), PCS_A_PHASE);
  assert.equal(readPath(ENERGY_INFOS, '[2].outputPower'), undefined);
  assert.equal(readPath(ENERGY_INFOS, '0.outputPower'), undefined, 'a name does not index an array');
  assert.equal(readPath({ 0: 'x' }, '[0]'), undefined, 'an index does not name an object key');
  assert.equal(readPath(ENERGY_INFOS, 'length'), undefined);
  assert.equal(readPath(PCS_A_PHASE, 'vol.x'), undefined);
  assert.equal(readPath(null, 'a'), undefined);
});

test('inherited keys are not followed; own ones, as JSON.parse makes them, are data', () => {
  const plain = { a: 1 };
  for (const p of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '__proto__.constructor', 'constructor.name']) {
    assert.equal(readPath(plain, p), undefined, p);
  }
  assert.deepEqual(leaves(Object.create({ inherited: 1 }), 'k'), [['k', {}]]);
  const parsed: unknown = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}');
  assert.equal(readPath(parsed, '__proto__.x'), 1);
  assert.equal(readPath(parsed, 'constructor'), 2);
  assert.deepEqual(leaves(parsed, 'k'), [
    ['k.__proto__.x', 1],
    ['k.constructor', 2],
  ]);
});

test('visits every leaf of a PowerOcean phase and of Smart Home Panel energy infos, in key order', () => {
  assert.deepEqual(leaves(PCS_A_PHASE, 'pcsAPhase'), [
    ['pcsAPhase.vol', 229.7],
    ['pcsAPhase.amp', 3.6],
    ['pcsAPhase.actPwr', -810.6],
  ]);
  const paths = leaves(ENERGY_INFOS, 'heartbeat.energyInfos');
  assert.deepEqual(paths.slice(0, 4), [
    ['heartbeat.energyInfos[0].outputPower', 203],
    ['heartbeat.energyInfos[0].stateBean.isConnect', 1],
    ['heartbeat.energyInfos[0].stateBean.isAcOpen', 1],
    ['heartbeat.energyInfos[0].batteryPercentage', 54],
  ]);
  assert.equal(paths.length, 8);
  for (const [path, value] of paths) {
    assert.equal(readPath(ENERGY_INFOS, parsePath(path, 'heartbeat.energyInfos'.length)), value, `${path} reads back`);
  }
  assert.deepEqual(leaves(46, 'pd.soc'), [['pd.soc', 46]], 'a flat value is its own leaf');
});

test('each leaf comes with the segments that lead to it', () => {
  const seen: PathSegment[][] = [];
  const walk: LeafWalk<undefined, PathSegment[][]> = { step: () => undefined, leaf: (_, __, segments, out) => void out.push([...segments]) };
  visitLeaves({ a: [1, { b: 2 }], c: 3 }, undefined, walk, seen);
  assert.deepEqual(seen, [['a', 0], ['a', 1, 'b'], ['c']]);
});

test('empty arrays and objects are leaves by default, or nothing', () => {
  const value = { a: [], b: {}, c: [[], 1], d: null };
  assert.deepEqual(leaves(value, 'k'), [
    ['k.a', []],
    ['k.b', {}],
    ['k.c[0]', []],
    ['k.c[1]', 1],
    ['k.d', null],
  ]);
  assert.deepEqual(leaves(value, 'k', { emptyContainersAreLeaves: false }), [
    ['k.c[1]', 1],
    ['k.d', null],
  ]);
  assert.deepEqual(
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about
    leaves([1, , 3], 'k'),
    [
      ['k[0]', 1],
      ['k[2]', 3],
    ],
    'holes are skipped',
  );
});

test('nodes deeper than the bound are not visited, and a deep value does not overflow the stack', () => {
  const value = { a: 1, b: { c: 2, d: [3] } };
  assert.deepEqual(leaves(value, 'k', { maxDepth: 0 }), []);
  assert.deepEqual(leaves(value, 'k', { maxDepth: 1 }), [['k.a', 1]]);
  assert.deepEqual(leaves(value, 'k', { maxDepth: 2 }), [
    ['k.a', 1],
    ['k.b.c', 2],
  ]);
  assert.equal(leaves(value, 'k', { maxDepth: 3 }).length, 3);
  assert.deepEqual(leaves(7, 'k', { maxDepth: 0 }), [['k', 7]]);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  assert.deepEqual(leaves(deep, 'k', { maxDepth: 16 }), []);
});
