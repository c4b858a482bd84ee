import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnergyState, writeEnergyState } from '../../../src/energy/energy-state-file.js';
import { STATE_FORMAT } from '../../../src/energy/energy-state-format.js';
import { EnergyStateKeeper } from '../../../src/energy/energy-state-keeper.js';
import { Logger } from '../../../src/log/logger.js';
import { SN, energyWorld } from '../../helpers/energy-world.js';

const S = 1000;
const SOLAR = 'portInputEnergy{solar}';

function folder(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'energy-state-keeper-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function logged(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)), repeatWindowMs: 0 }) };
}

/** A keeper of `file` over the world's ledger, its writes recorded, and how often it said a state file is kept. */
function keeperOf(
  world: ReturnType<typeof energyWorld>,
  file: string,
  logger: Logger,
  intervalMs?: number,
): { keeper: EnergyStateKeeper; writes: boolean[]; kept: () => number } {
  const writes: boolean[] = [];
  let kept = 0;
  const keeper = new EnergyStateKeeper({
    path: file,
    ledger: world.ledger,
    logger,
    version: '1.2.3',
    intervalMs,
    reporter: { recordEnergyStateWrite: (ok) => writes.push(ok), recordEnergyStateKept: () => kept++ },
  });
  return { keeper, writes, kept: () => kept };
}

/** A state file's devices: the test device's solar integral and daily grid counter. */
const DEVICES = {
  [SN]: {
    integrated: { 'portInputEnergy/solar': { joules: 2000, since: 5 } },
    daily: { gridImportEnergy: { joules: 36_000, since: 5, day: '2025-12-6', baseline: [110], at: 100_000 } },
  },
};

test('the keeper: one log line naming an unusable file, counters from 0, and the next write makes a good file', async (t) => {
  const file = join(folder(t), 'energy.json');
  writeFileSync(file, 'garbage');
  const { logger, lines } = logged();
  const world = energyWorld();
  const { keeper } = keeperOf(world, file, logger);
  await keeper.load();
  const errors = lines.filter((l) => l.level === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.file, file);
  assert.match(String(errors[0]!.msg), /energy state file not used \(not valid JSON\)/);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 10_000);
  await keeper.stop();
  const read = await readEnergyState(file);
  assert.equal(read.kind === 'read' && read.devices[SN]?.integrated['portInputEnergy/solar']?.joules, 1000);
});

test('the keeper restores into the ledger, and writes every interval', async (t) => {
  const file = join(folder(t), 'energy.json');
  await writeEnergyState(file, DEVICES, '1.2.3', 0);
  const { logger } = logged();
  const world = energyWorld({ start: false });
  const { keeper, writes } = keeperOf(world, file, logger, 60_000);
  await keeper.load();
  world.ledger.start();
  assert.equal(world.joules()['portInputEnergy{solar}'], 2000);
  assert.equal(world.joules().gridImportEnergy, 36_000);
  t.mock.timers.enable({ apis: ['setInterval'] });
  keeper.start();
  t.mock.timers.tick(60_000);
  await keeper.save();
  assert.deepEqual(writes, [true, true, true], 'at load, at the interval, and when asked');
  await keeper.stop();
});

test('a file that cannot be kept: nothing read and the folder cannot be written, or a file that cannot be read (left as it is)', async (t) => {
  const dir = folder(t);
  // A file where the folder should be: no user, root included, can write below it.
  writeFileSync(join(dir, 'state'), '');
  const blocked = keeperOf(energyWorld({ start: false }), join(dir, 'state', 'energy.json'), logged().logger);
  assert.equal(await blocked.keeper.load(), false, 'not kept: counters are exported as they stand');
  // No file yet, and a folder nobody may create files in (root neither: /proc).
  const readOnly = keeperOf(energyWorld({ start: false }), '/proc/ecoflow-exporter-test-energy.json', logged().logger);
  assert.equal(await readOnly.keeper.load(), false);
  assert.deepEqual(readOnly.writes, [false], 'the write at start showed it');

  // A folder where the file should be: it cannot be read, nor moved aside, so it is not written over either.
  const unreadable = join(dir, 'energy.json');
  mkdirSync(unreadable);
  writeFileSync(join(unreadable, 'keep-me'), 'x');
  const { logger, lines } = logged();
  const left = keeperOf(energyWorld({ start: false }), unreadable, logger);
  const kept = await left.keeper.load();
  if (kept) assert.ok(existsSync(`${unreadable}.unreadable`), 'kept only when moved aside');
  else {
    assert.deepEqual(left.writes, [], 'never written over');
    assert.ok(existsSync(join(unreadable, 'keep-me')));
    assert.match(String(lines.find((l) => l.level === 'error')?.msg), /left as it is/);
  }
});

test('a write that fails is one log line until it works again, and a metric each time; the counters go on', async (t) => {
  const dir = folder(t);
  // A file where the folder should be: no user, root included, can write below it.
  const blocked = join(dir, 'state');
  writeFileSync(blocked, '');
  const file = join(blocked, 'energy.json');
  const { logger, lines } = logged();
  const world = energyWorld();
  const { keeper, writes } = keeperOf(world, file, logger);
  await keeper.save();
  await keeper.save();
  rmSync(blocked);
  mkdirSync(blocked);
  await keeper.save();
  assert.deepEqual(writes, [false, false, true]);
  const errors = lines.filter((l) => l.level === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.file, file);
  assert.ok(lines.some((l) => l.msg === 'energy state file written again'));
});

test('no file yet (the first start): one line saying so, and a file written at once, so that the next start reads one', async (t) => {
  const file = join(folder(t), 'energy.json');
  const { logger, lines } = logged();
  const { keeper, writes } = keeperOf(energyWorld({ start: false }), file, logger);
  assert.equal(await keeper.load(), true);
  assert.deepEqual(writes, [true]);
  assert.deepEqual(
    lines.map((l) => [l.level, l.file]),
    [['info', file]],
  );
  const read = await readEnergyState(file);
  assert.deepEqual(read.kind === 'read' && read.devices, {});
});

test('counters in the file this exporter does not make: one warning naming them and how many; the rest is restored', async (t) => {
  const file = join(folder(t), 'energy.json');
  const integrated = {
    'portInputEnergy/solar': { joules: 700, since: 0 },
    'portInputEnergy/moon': { joules: 1, since: 0 },
    'madeUp/x': { joules: 2, since: 0 },
  };
  writeFileSync(file, JSON.stringify({ format: STATE_FORMAT, version: 2, writtenBy: 'old', writtenAt: 'x', devices: { [SN]: { integrated, daily: {} } } }));
  const { logger, lines } = logged();
  const world = energyWorld({ start: false });
  const { keeper } = keeperOf(world, file, logger);
  assert.equal(await keeper.load(), true);
  const warnings = lines.filter((l) => l.level === 'warn');
  assert.deepEqual(
    warnings.map((l) => [l.counters, l.count]),
    [[`${SN} portInputEnergy/moon, ${SN} madeUp/x`, 2]],
  );
  world.ledger.start();
  assert.deepEqual(world.joules(), { [SOLAR]: 700 });
});

test('a file read, but the first write fails: still kept, for what was read is what was exported', async (t) => {
  const file = join(folder(t), 'energy.json');
  await writeEnergyState(file, DEVICES, '1.2.3', 0);
  // Every write goes through `<file>.<pid>.tmp` (energy-state-file.ts): a folder there makes it fail while the file still reads.
  mkdirSync(`${file}.${process.pid}.tmp`);
  const { logger, lines } = logged();
  const world = energyWorld({ start: false, publishWritten: true });
  const { keeper, writes } = keeperOf(world, file, logger);
  assert.equal(await keeper.load(), true, 'kept: the counters hold until a write works');
  assert.deepEqual(writes, [false]);
  assert.equal(lines.filter((l) => l.level === 'error').length, 1);
  world.ledger.start();
  assert.equal(world.joules()[SOLAR], 2000);
  const read = await readEnergyState(file);
  assert.deepEqual(read.kind === 'read' && read.devices, DEVICES, 'the file as it was');
});

test('while writes fail, the exported counters hold; the first write that works again brings them up to date', async (t) => {
  const state = join(folder(t), 'state');
  const file = join(state, 'energy.json');
  const world = energyWorld({ publishWritten: true });
  const { keeper, writes } = keeperOf(world, file, logged().logger);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 10 * S);
  await keeper.save();
  assert.equal(world.joules()[SOLAR], 1000);
  // A file where the folder should be: no user, root included, can write below it.
  rmSync(state, { recursive: true });
  writeFileSync(state, '');
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 20 * S);
  await keeper.save();
  assert.equal(world.joules()[SOLAR], 1000, 'held: a crash now starts again from the last file, which says 1000');
  rmSync(state);
  mkdirSync(state);
  await keeper.save();
  assert.deepEqual(writes, [true, false, true]);
  assert.equal(world.joules()[SOLAR], 2000);
  const read = await readEnergyState(file);
  assert.equal(read.kind === 'read' && read.devices[SN]?.integrated['portInputEnergy/solar']?.joules, 2000);
});

test('a counter that starts is written within a second: one write however often asked, and none unless the keeper runs', async (t) => {
  const file = join(folder(t), 'energy.json');
  const { keeper, writes, kept } = keeperOf(energyWorld(), file, logged().logger, 60_000);
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  // Each step ends with a write asked for at once: it follows any write the timers started.
  keeper.saveSoon();
  t.mock.timers.tick(1000);
  await keeper.save();
  assert.equal(writes.length, 1, 'not started: only the write asked for');
  keeper.start();
  keeper.start();
  assert.equal(kept(), 1, 'started once');
  keeper.saveSoon();
  keeper.saveSoon();
  keeper.saveSoon();
  t.mock.timers.tick(999);
  await keeper.save();
  assert.equal(writes.length, 2, 'not within 999 ms');
  t.mock.timers.tick(1);
  await keeper.save();
  assert.equal(writes.length, 4, 'one soon write for the three asks, then the one asked for');
  keeper.saveSoon();
  await keeper.stop();
  assert.equal(writes.length, 5, 'stop writes once more');
  keeper.saveSoon();
  t.mock.timers.tick(60_000);
  await keeper.save();
  assert.equal(writes.length, 6, 'stopped: no soon write, asked before the stop or after it, and no interval');
});

test('writes asked for together are made one after another: each works, and no temporary file is left', async (t) => {
  const dir = folder(t);
  const world = energyWorld();
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  world.snapshot.replaceQuotas(SN, { pv: 100 }, 10 * S);
  const { keeper, writes } = keeperOf(world, join(dir, 'energy.json'), logged().logger);
  await Promise.all([keeper.save(), keeper.save(), keeper.save(), keeper.save(), keeper.save()]);
  assert.deepEqual(writes, [true, true, true, true, true]);
  assert.deepEqual(readdirSync(dir), ['energy.json']);
});
