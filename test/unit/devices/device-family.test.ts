import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmappedKeys } from '../../../src/devices/device-family.js';

test('unmappedKeys writes one entry per key, in order, each with the shared reason and tags', () => {
  const entries = unmappedKeys(['inv.acInAmp', 'inv.invOutAmp'], 'AC currents: no unified metric', ['DOC', 'TOL']);
  assert.deepEqual(entries, [
    { key: 'inv.acInAmp', reason: 'AC currents: no unified metric', tags: ['DOC', 'TOL'] },
    { key: 'inv.invOutAmp', reason: 'AC currents: no unified metric', tags: ['DOC', 'TOL'] },
  ]);
});

test('unmappedKeys without tags leaves the tags out rather than setting them undefined', () => {
  const [entry] = unmappedKeys(['mppt.outWatts'], 'internal');
  // Tables are compared whole and written into the docs: a `tags: undefined` would differ from a hand-written entry.
  assert.deepEqual(Object.keys(entry!), ['key', 'reason']);
  assert.deepEqual(unmappedKeys([], 'nothing'), []);
});
