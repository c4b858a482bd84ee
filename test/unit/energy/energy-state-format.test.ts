import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEnergyState, parseEnergyState, STATE_FORMAT } from '../../../src/energy/energy-state-format.js';

const DEVICES = {
  A: {
    integrated: { 'portInputEnergy/solar': { joules: 2000, since: 5 } },
    daily: { gridImportEnergy: { joules: 36_000, since: 5, day: '2025-12-6', baseline: [110], at: 100_000 } },
    device: {
      'portOutputEnergy/ac': {
        joules: 18_000,
        since: 5,
        anchors: { '': { baseline: 18_000, at: 90_000, readAt: 95_000, pending: { first: 360, last: 360, firstAt: 92_000, lastAt: 94_000, readings: 2 } } },
      },
    },
    seenAt: 100_000,
  },
};

test('the text says what it is, who wrote it and when, and reads back the same', () => {
  const text = formatEnergyState(DEVICES, '1.2.3', 0);
  assert.ok(text.endsWith('}\n'));
  const file = JSON.parse(text);
  assert.deepEqual(
    { format: file.format, version: file.version, writtenBy: file.writtenBy, writtenAt: file.writtenAt },
    { format: STATE_FORMAT, version: 2, writtenBy: '1.2.3', writtenAt: '1970-01-01T00:00:00.000Z' },
  );
  assert.deepEqual(parseEnergyState(text), { kind: 'read', devices: DEVICES, writtenAt: '1970-01-01T00:00:00.000Z', dropped: [] });
});

test('a version-1 text (integrated and daily counters only) is read as it is', () => {
  const { device: _, ...v1 } = DEVICES.A;
  const read = parseEnergyState(JSON.stringify({ format: STATE_FORMAT, version: 1, writtenBy: 'old', writtenAt: 'x', devices: { A: v1 } }));
  assert.deepEqual(read, { kind: 'read', devices: { A: v1 }, writtenAt: 'x', dropped: [] });
});

test('anything but counters of a version it reads is unusable, and says why', () => {
  const file = (devices: unknown, version = 2) => JSON.stringify({ format: STATE_FORMAT, version, writtenAt: 'x', devices });
  const cases: Array<[string, RegExp]> = [
    ['{"format":"ecoflow-exporter energy state","version":1,"devi', /^not valid JSON$/],
    [JSON.stringify({ hello: 'world' }), /^not an energy state file$/],
    [file({}, 3), /^format version 3, this exporter reads versions 1 and 2$/],
    [JSON.stringify({ format: STATE_FORMAT, version: 2, devices: {} }), /^no devices$/],
    [file({ A: { integrated: {} } }), /^device A: no integrated and daily counters$/],
    [file({ A: { ...DEVICES.A, seenAt: -1 } }), /^device A: seenAt is not a time$/],
    [file({ A: { ...DEVICES.A, integrated: { x: { joules: -5, since: 0 } } } }), /^device A: counter x is not a counter$/],
    [file({ A: { ...DEVICES.A, daily: { x: { ...DEVICES.A.daily.gridImportEnergy, baseline: Array(25).fill(0) } } } }), /^device A: daily counter x /],
    [file({ A: { ...DEVICES.A, device: { x: { joules: 1, since: 0, anchors: { '': { baseline: 1 } } } } } }), /^device A: device counter x /],
  ];
  for (const [text, why] of cases) {
    const read = parseEnergyState(text);
    assert.equal(read.kind, 'unusable', text);
    assert.match(read.kind === 'unusable' ? read.why : '', why, text);
  }
});
