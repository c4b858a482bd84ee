import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnergyState, writeEnergyState } from '../../../src/energy/energy-state-file.js';
import { STATE_FORMAT } from '../../../src/energy/energy-state-format.js';
import { SN } from '../../helpers/energy-world.js';

function folder(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'energy-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const DEVICES = {
  [SN]: {
    integrated: { 'portInputEnergy/solar': { joules: 2000, since: 5 } },
    daily: { gridImportEnergy: { joules: 36_000, since: 5, day: '2025-12-6', baseline: [110], at: 100_000 } },
    device: {
      'portOutputEnergy/ac': {
        joules: 18_000,
        since: 5,
        anchors: {
          '': {
            baseline: 18_000,
            at: 90_000,
            readAt: 95_000,
            pending: { first: 360, last: 360, firstAt: 92_000, lastAt: 94_000, readings: 2 },
          },
        },
      },
    },
  },
};

test('written, then read back the same; no temporary file is left', async (t) => {
  const file = join(folder(t), 'energy.json');
  await writeEnergyState(file, DEVICES, '1.2.3', 0);
  const read = await readEnergyState(file);
  assert.equal(read.kind, 'read');
  assert.deepEqual(read.kind === 'read' && read.devices, DEVICES);
  assert.deepEqual(readdirSync(join(file, '..')), ['energy.json']);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, STATE_FORMAT);
});

test('counters the catalog does not know are left out and named, not cast; the rest is read', async (t) => {
  const file = join(folder(t), 'energy.json');
  const devices = {
    A: {
      integrated: { 'portInputEnergy/solar': { joules: 1, since: 0 }, 'portInputEnergy/moon': { joules: 2, since: 0 }, 'madeUp/x': { joules: 3, since: 0 } },
      daily: {
        'circuitEnergy/grid/3': { joules: 4, since: 0, day: '2025-12-6', baseline: [1], at: 0 },
        'circuitEnergy/sun/3': { joules: 5, since: 0, day: '2025-12-6', baseline: [1], at: 0 },
      },
    },
  };
  writeFileSync(file, JSON.stringify({ format: STATE_FORMAT, version: 1, writtenBy: 'old', writtenAt: 'x', devices }));
  const read = await readEnergyState(file);
  assert.ok(read.kind === 'read');
  assert.deepEqual(Object.keys(read.devices.A!.integrated), ['portInputEnergy/solar']);
  assert.deepEqual(Object.keys(read.devices.A!.daily), ['circuitEnergy/grid/3']);
  assert.deepEqual(read.dropped.sort(), ['A circuitEnergy/sun/3', 'A madeUp/x', 'A portInputEnergy/moon']);
});

test('the folder of the file is made when missing (the per-user default sits in one that may not exist yet)', async (t) => {
  const file = join(folder(t), 'state', 'ecoflow-exporter', 'energy-state.json');
  await writeEnergyState(file, DEVICES, '1.2.3', 0);
  assert.equal((await readEnergyState(file)).kind, 'read');
});

test('a missing file is normal', async (t) => {
  assert.deepEqual(await readEnergyState(join(folder(t), 'none.json')), { kind: 'missing' });
});

test('a corrupt file, or one of another format version, is not read: it is set aside, never lost', async (t) => {
  const dir = folder(t);
  const cases: Array<[string, string, RegExp]> = [
    ['truncated.json', '{"format":"ecoflow-exporter energy state","version":1,"devi', /not valid JSON/],
    ['html.json', '<html>502 Bad Gateway</html>', /not valid JSON/],
    ['other.json', JSON.stringify({ format: STATE_FORMAT, version: 3, writtenAt: 'x', devices: {} }), /format version 3/],
    ['foreign.json', JSON.stringify({ hello: 'world' }), /not an energy state file/],
    [
      'badcounter.json',
      JSON.stringify({ format: STATE_FORMAT, version: 1, writtenAt: 'x', devices: { A: { integrated: { x: { joules: -5, since: 0 } }, daily: {} } } }),
      /device A: counter x/,
    ],
  ];
  for (const [name, text, why] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const read = await readEnergyState(file);
    assert.equal(read.kind, 'unusable', name);
    assert.match(read.kind === 'unusable' ? read.why : '', why, name);
    assert.equal(existsSync(file), false, `${name} moved`);
    assert.equal(readFileSync(`${file}.unreadable`, 'utf8'), text, `${name} kept as it was`);
  }
});

test('a second unusable file is set aside beside the first, not over it', async (t) => {
  const file = join(folder(t), 'energy.json');
  writeFileSync(file, 'first');
  await readEnergyState(file);
  writeFileSync(file, 'second');
  const read = await readEnergyState(file);
  assert.equal(read.kind === 'unusable' && read.setAside, `${file}.unreadable.1`);
  assert.equal(readFileSync(`${file}.unreadable`, 'utf8'), 'first');
  assert.equal(readFileSync(`${file}.unreadable.1`, 'utf8'), 'second');
});
