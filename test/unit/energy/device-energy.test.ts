import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceFamily } from '../../../src/devices/device-family.js';
import { smartHomePanel } from '../../../src/devices/smart-home-panel.js';
import { DeviceEnergy, type DeviceEnergyEvents, type DeviceEnergyState } from '../../../src/energy/device-energy.js';
import { payload } from '../../../src/simulator/fleet.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { SN, TEST_FAMILY, byName } from '../../helpers/energy-world.js';

const S = 1000;
const MIN = 60_000;

/**
 * One device's counters under a family's plan, fed as the ledger feeds them: `full` a REST read
 * (no keys: anything may have changed), `message` a stream message (the keys it wrote). The
 * device record is a real snapshot's, so staleness sees the REST and stream times it keeps.
 */
function device(o: { family?: DeviceFamily; restored?: DeviceEnergyState; staleAfterMs?: number; reconcileIntervalMs?: number } = {}) {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  const staleness = new StalenessRule({ staleAfterMs: o.staleAfterMs ?? 60 * S, reconcileIntervalMs: o.reconcileIntervalMs });
  const energy = new DeviceEnergy(o.restored);
  const told = { rejected: [] as string[], moved: [] as string[], started: 0 };
  const events: DeviceEnergyEvents = {
    rejected: (_counter, reason) => told.rejected.push(reason),
    moved: (counter, how) => told.moved.push(`${counter} ${how}`),
    started: () => told.started++,
  };
  let family = o.family ?? TEST_FAMILY;
  const apply = (at: number, keys?: ReadonlySet<string>) => energy.apply(snapshot.get(SN)!, family, at, staleness, events, keys);
  return {
    energy,
    told,
    full(quotas: Record<string, unknown>, at: number) {
      snapshot.replaceQuotas(SN, quotas, at);
      apply(at);
    },
    message(quotas: Record<string, unknown>, at: number) {
      snapshot.mergeQuotas(SN, quotas, at);
      apply(at, new Set(Object.keys(quotas)));
    },
    /** From the next write on, the device is read with another family's table (its product was renamed). */
    becomes(next: DeviceFamily) {
      family = next;
    },
    /** The counters as they stand, `metric{port}` → joules. */
    joules: () => byName(energy.readings(false)),
    /** The counters as last written to the state file. */
    written: () => byName(energy.readings(true)),
  };
}

test('a constant power through updates and a gap: joules = watts × seconds, the gap left out', () => {
  const { message, full, joules } = device({ staleAfterMs: 60 * S });
  full({ pv: 200 }, 0);
  // An update that does not touch the power still counts the time: the power is held.
  message({ other: 1 }, 10 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 10);
  message({ pv: 200 }, 30 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 30);
  // Silent for 100 s, longer than the staleness limit: that gap is not integrated.
  message({ pv: 200 }, 130 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 30);
  message({ pv: 200 }, 140 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 40);
});

test('a power that changes is held until it changes: the old value counts up to the change', () => {
  const { message, full, joules } = device();
  full({ pv: 100 }, 0);
  message({ pv: 300 }, 20 * S);
  message({ pv: 0 }, 30 * S);
  message({ other: 2 }, 50 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 100 * 20 + 300 * 10);
});

test('a stale power is not integrated through the night, though the device sends other keys', () => {
  const { message, joules } = device({ staleAfterMs: 60 * S });
  message({ pv: 200 }, 0);
  for (let t = 10; t <= 600; t += 10) message({ other: t }, t * S);
  // Exported (and integrated) while fresh: written at 0, fresh up to 60 s.
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 60);
});

test("while the stream speaks for the device, the last REST read's power holds until reconciliation is overdue", () => {
  const { message, full, joules } = device({ staleAfterMs: 60 * S, reconcileIntervalMs: 300 * S });
  full({ pv: 200 }, 0);
  for (let t = 10; t <= 120; t += 10) message({ other: t }, t * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 120);
});

test("a silence longer than the stale limit is not integrated, even while a REST read's power still holds for the stream", () => {
  const { message, full, joules } = device({ staleAfterMs: 60 * S, reconcileIntervalMs: 300 * S });
  full({ pv: 200 }, 0);
  message({ other: 1 }, 10 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 10);
  // Nothing for 200 s, then a message: the REST read is young enough to hold, but 200 s is more than 60 s.
  message({ other: 2 }, 210 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 10);
  message({ other: 3 }, 220 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 10 + 200 * 10);
});

test('a signed battery power is split into charge and discharge before integrating', () => {
  const { full, joules } = device();
  full({ bat: 300 }, 0);
  full({ bat: -100 }, 10 * S);
  full({ bat: -100 }, 40 * S);
  assert.equal(joules().batteryChargeEnergy, 3000);
  assert.equal(joules().batteryDischargeEnergy, 3000);
});

test('a power above twice the rating is not integrated, and is reported', () => {
  const { full, joules, told } = device();
  full({ pv: 100 }, 0);
  full({ pv: 5000 }, 10 * S);
  full({ pv: 100 }, 20 * S);
  full({ pv: 100 }, 30 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 100 * 10 + 100 * 10);
  assert.deepEqual(told.rejected, ['implausible_power']);
});

test("the device's own counter: what the device says, in joules, read when its key is written", () => {
  const { message, full, joules, told } = device();
  full({ acOutWh: 51_358 }, 0);
  assert.equal(joules()['portOutputEnergy{ac}'], undefined, 'one reading alone is not trusted yet');
  full({ acOutWh: 51_358 }, 5 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_358 * 3600);
  // A stream message without the key leaves it alone; one with it is a reading.
  message({ pv: 1 }, 10 * S);
  message({ acOutWh: 51_359 }, 20 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  // A low reading holds; a misread jump is dropped; both are reported.
  message({ acOutWh: 100 }, 30 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  message({ acOutWh: 9_000_000 }, 40 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  assert.deepEqual(told.rejected, ['decrease', 'jump']);
  // The device's counter wins over integration: the AC output power is not integrated.
  message({ acW: 500 }, 50 * S);
  message({ acW: 500 }, 60 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
});

test('a device whose full read has no reading of a counter (keys absent, or 0) gets that energy integrated until the device counts', () => {
  const { full, joules } = device();
  full({ acW: 500 }, 0);
  full({ acW: 500 }, 10 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 5000);
  // A counter that reads 0: the model has the key, it counted nothing yet; the integral stands in.
  const other = device();
  other.full({ acW: 500, acOutWh: 0 }, 0);
  other.full({ acW: 500, acOutWh: 0 }, 10 * S);
  assert.equal(other.joules()['portOutputEnergy{ac}'], 5000);
  // A device that has its counter from the start: no integral, the device's figure.
  const counting = device();
  counting.full({ acW: 500, acOutWh: 7 }, 0);
  counting.full({ acW: 500, acOutWh: 7 }, 10 * S);
  assert.equal(counting.joules()['portOutputEnergy{ac}'], 7 * 3600);
});

test('a device counter that appears later (a firmware update) takes over from the integral that stood in for it, without a jump', () => {
  const { full, joules } = device();
  full({ acW: 500 }, 0);
  full({ acW: 500 }, 10 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 5000, 'integrated while the keys are absent');
  full({ acW: 500, acOutWh: 713_540 }, 20 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 10_000, 'the integral stands in while the new counter is confirmed');
  full({ acW: 500, acOutWh: 713_540 }, 30 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 15_000, 'no jump to the lifetime');
  full({ acW: 500, acOutWh: 713_541 }, 40 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 15_000 + 3600, 'from now on, what the device counts');
});

test('a device counter moving onto a new level of the device (a real reset) is told, besides the readings it held', () => {
  const { full, joules, told } = device();
  full({ acOutWh: 1000 }, 0);
  full({ acOutWh: 1000 }, 30 * S);
  // Low for ten minutes over three readings, growing like a counter: the device's counter was reset (device-counter.ts).
  full({ acOutWh: 2 }, 1 * MIN);
  full({ acOutWh: 3 }, 5 * MIN);
  full({ acOutWh: 4 }, 11 * MIN);
  assert.deepEqual(told.rejected, ['decrease', 'decrease']);
  assert.deepEqual(told.moved, ['portOutputEnergy/ac reset']);
  assert.equal(joules()['portOutputEnergy{ac}'], (1000 + 2) * 3600, 'never lowered; the growth on the new level counted');
});

test('each counter tells once that it has something to export: an integral at its first power, a device counter once confirmed, a daily one at its baseline', () => {
  const { full, told } = device({ staleAfterMs: 3600 * S });
  full({ pv: 100 }, 0);
  full({ pv: 100 }, 10 * S);
  assert.equal(told.started, 1, 'the solar integral');
  full({ pv: 100, acOutWh: 5 }, 20 * S);
  assert.equal(told.started, 1, 'one device reading is not trusted yet');
  full({ pv: 100, acOutWh: 5 }, 30 * S);
  assert.equal(told.started, 2, 'the AC output counter, confirmed');
  full({ pv: 100, acOutWh: 5, gridDayWh: 1, date: '2025-12-6' }, 40 * S);
  full({ pv: 100, acOutWh: 6, gridDayWh: 2, date: '2025-12-6' }, 50 * S);
  assert.equal(told.started, 3, 'the daily grid counter, at its baseline');
});

test('a daily counter becomes a lifetime counter: from 0, increases, midnight', () => {
  const { full, joules } = device({ staleAfterMs: 3600 * S });
  full({ gridDayWh: 7280.5, date: '2025-12-6' }, 0);
  assert.equal(joules().gridImportEnergy, 0, "today's partial total is not counted");
  full({ gridDayWh: 7300.5, date: '2025-12-6' }, 600 * S);
  full({ gridDayWh: 12, date: '2025-12-7' }, 1200 * S);
  assert.equal(joules().gridImportEnergy, (20 + 12) * 3600);
});

test('nothing to keep until a counter has something to export: no checkpoint, not an empty one', () => {
  const { energy, full } = device();
  assert.equal(energy.checkpoint(), undefined);
  full({ acOutWh: 5 }, 0);
  assert.equal(energy.checkpoint(), undefined, 'one device reading is not a counter yet');
  full({ acOutWh: 5 }, 10 * S);
  assert.deepEqual(Object.keys(energy.checkpoint()?.state.device ?? {}), ['portOutputEnergy/ac']);
});

test('the state carries every counter over a restart; a device counter adds what the device counted meanwhile', () => {
  const first = device({ staleAfterMs: 600 * S });
  first.full({ pv: 200, gridDayWh: 100, date: '2025-12-6', acOutWh: 5 }, 0);
  first.full({ pv: 200, gridDayWh: 110, date: '2025-12-6', acOutWh: 5 }, 100 * S);
  const state = JSON.parse(JSON.stringify(first.energy.checkpoint()!.state));
  assert.deepEqual(Object.keys(state.integrated), ['portInputEnergy/solar']);
  assert.equal(state.daily.gridImportEnergy.joules, 10 * 3600);
  assert.equal(state.device['portOutputEnergy/ac'].joules, 5 * 3600);

  const again = device({ staleAfterMs: 600 * S, restored: state });
  // Before the first read after the restart, the counters are there, where they were.
  assert.equal(again.joules()['portInputEnergy{solar}'], 20_000);
  assert.equal(again.joules().gridImportEnergy, 36_000);
  assert.equal(again.joules()['portOutputEnergy{ac}'], 5 * 3600);
  again.full({ pv: 200, gridDayWh: 130, date: '2025-12-6', acOutWh: 6 }, 1000 * S);
  again.full({ pv: 200, gridDayWh: 130, date: '2025-12-6', acOutWh: 6 }, 1100 * S);
  // The restart's gap is not integrated; the daily and device counters add what the device counted meanwhile.
  assert.equal(again.joules()['portInputEnergy{solar}'], 40_000);
  assert.equal(again.joules().gridImportEnergy, 30 * 3600);
  assert.equal(again.joules()['portOutputEnergy{ac}'], 6 * 3600);
});

test('a state file of version 1 (no device counters) loads as it is: nothing starts again from 0', () => {
  const v1 = { integrated: { 'portInputEnergy/solar': { joules: 9000, since: 1 } }, daily: {} };
  const w = device({ restored: v1 });
  assert.equal(w.joules()['portInputEnergy{solar}'], 9000);
  w.full({ pv: 100, acOutWh: 7 }, 0);
  w.full({ pv: 100, acOutWh: 7 }, 10 * S);
  assert.equal(w.joules()['portInputEnergy{solar}'], 10_000);
  assert.equal(w.joules()['portOutputEnergy{ac}'], 7 * 3600, "a device counter starts at the device's reading, as before");
});

test('until its family is known, what the file held is exported and kept as read; then the counters of its plan go on, the others are let go', () => {
  const restored: DeviceEnergyState = {
    integrated: { 'portInputEnergy/solar': { joules: 500, since: 3 }, loadEnergy: { joules: 7, since: 3 } },
    daily: {},
    device: {},
  };
  const w = device({ restored: structuredClone(restored) });
  assert.deepEqual(w.joules(), { 'portInputEnergy{solar}': 500, loadEnergy: 7 });
  assert.deepEqual(w.energy.checkpoint()?.state, { integrated: restored.integrated, daily: {} }, 'no empty device counters written');
  // The test family integrates solar; it makes no load counter.
  w.full({ pv: 100 }, 0);
  w.full({ pv: 100 }, 10 * S);
  assert.deepEqual(w.joules(), { 'portInputEnergy{solar}': 500 + 100 * 10 });
  assert.deepEqual(w.written(), { 'portInputEnergy{solar}': 500 }, 'what was read is what was written, until the next write');
});

test('with a state file, the counters exported are the ones last written: a crash between writes never takes one back', () => {
  const w = device();
  w.full({ pv: 100 }, 0);
  w.full({ pv: 100 }, 10 * S);
  assert.equal(w.written()['portInputEnergy{solar}'], undefined, 'not written yet');
  const point = w.energy.checkpoint()!;
  point.written();
  assert.equal(w.written()['portInputEnergy{solar}'], 1000);
  w.full({ pv: 100 }, 20 * S);
  assert.equal(w.written()['portInputEnergy{solar}'], 1000, 'what flowed since is exported once written');
  // Killed now: the next process starts from the last write, which is what was exported.
  const after = device({ restored: JSON.parse(JSON.stringify(point.state)) });
  assert.equal(after.written()['portInputEnergy{solar}'], 1000);
});

test('a checkpoint marked written marks the values it took, not those counted while the file was being written', () => {
  const w = device();
  w.full({ pv: 100 }, 0);
  w.full({ pv: 100 }, 10 * S);
  const point = w.energy.checkpoint()!;
  w.full({ pv: 100 }, 20 * S);
  point.written();
  assert.equal(w.written()['portInputEnergy{solar}'], 1000);
  assert.equal(w.joules()['portInputEnergy{solar}'], 2000);
});

/** The test family renamed into one whose plan has the solar input and the AC output counter only. */
const RENAMED: DeviceFamily = {
  ...TEST_FAMILY,
  id: 'renamed',
  rows: TEST_FAMILY.rows.filter((row) => row.metric !== 'batteryPower'),
  energy: { ...TEST_FAMILY.energy, rows: TEST_FAMILY.energy.rows.filter((row) => row.kind === 'lifetime') },
};

test('a change of family (a renamed product) carries the counters both plans have, as last written; those the new plan lacks go', () => {
  const w = device();
  w.full({ pv: 100, bat: 50, acOutWh: 10 }, 0);
  w.full({ pv: 100, bat: 50, acOutWh: 10 }, 10 * S);
  w.energy.checkpoint()!.written();
  w.full({ pv: 100, bat: 50, acOutWh: 11 }, 20 * S);
  assert.deepEqual(w.joules(), {
    'portInputEnergy{solar}': 2000,
    batteryChargeEnergy: 1000,
    batteryDischargeEnergy: 0,
    'portOutputEnergy{ac}': 11 * 3600,
  });
  // Read again at the same moment under the new table, so no interval falls between the two plans.
  w.becomes(RENAMED);
  w.full({ pv: 100, bat: 50, acOutWh: 11 }, 20 * S);
  w.full({ pv: 100, bat: 50, acOutWh: 12 }, 30 * S);
  assert.deepEqual(w.joules(), { 'portInputEnergy{solar}': 3000, 'portOutputEnergy{ac}': 12 * 3600 });
  assert.deepEqual(
    w.written(),
    { 'portInputEnergy{solar}': 1000, 'portOutputEnergy{ac}': 10 * 3600 },
    'exported as last written, not as they stood at the change',
  );
  w.energy.checkpoint()!.written();
  assert.deepEqual(w.written(), { 'portInputEnergy{solar}': 3000, 'portOutputEnergy{ac}': 12 * 3600 });
});

test('across a change of family the power held until then counts up to the first read under the new table', () => {
  const w = device();
  w.full({ pv: 100 }, 0);
  w.full({ pv: 100 }, 10 * S);
  // The new table's first read comes 20 s after the last under the old one: those 20 s at 100 W count.
  w.becomes(RENAMED);
  w.full({ pv: 100 }, 30 * S);
  assert.equal(w.joules()['portInputEnergy{solar}'], 100 * 30);
});

const PANEL = payload(JSON.parse(readFileSync(fileURLToPath(new URL('../../../../src/simulator/payloads/smarthomepanel.json', import.meta.url)), 'utf8')));

/** The captured panel with circuit 3's 21:00 buckets and the day totals grown. */
function grown(mains: number, backup: number, day = { rtc: '2025-12-6', d: 6 }): Record<string, unknown> {
  const quotas = structuredClone(PANEL);
  const m = quotas['mainsLoadWatt.watth'] as number[][];
  const b = quotas['backupLoadWatt.watth'] as number[][];
  m[2]![20]! += mains;
  b[2]![20]! += backup;
  quotas['heartbeat.gridDayWatth'] = (quotas['heartbeat.gridDayWatth'] as number) + mains;
  quotas['heartbeat.backupDayWatth'] = (quotas['heartbeat.backupDayWatth'] as number) + backup;
  quotas['mainsLoadWatt.rtc'] = day.rtc;
  quotas['backupLoadWatt.rtc'] = day.rtc;
  quotas['heartbeat.time.day'] = day.d;
  return quotas;
}

test("Smart Home Panel: a circuit's hourly bucket increasing adds to that circuit's counter, by source", () => {
  const { full, joules } = device({ family: smartHomePanel, staleAfterMs: 3_600_000 });
  full(PANEL, 0);
  const first = joules();
  assert.equal(first['circuitEnergy{grid 3}'], 0, "today's buckets are the baseline: not counted");
  assert.equal(first.gridImportEnergy, 0);
  full(grown(5, 3), 10 * MIN);
  const after = joules();
  assert.equal(after['circuitEnergy{grid 3}'], 5 * 3600);
  assert.equal(after['circuitEnergy{battery 3}'], 3 * 3600);
  assert.equal(after['circuitEnergy{grid 1}'], 0);
  assert.ok(Math.abs(after.gridImportEnergy! - 5 * 3600) < 1e-6, `grid import ${after.gridImportEnergy}`);
  assert.ok(Math.abs(after.batteryDischargeEnergy! - 3 * 3600) < 1e-6);
  assert.ok(Math.abs(after.loadEnergy! - 8 * 3600) < 1e-6);
  assert.equal(Object.keys(after).filter((k) => k.startsWith('circuitEnergy')).length, 20, '10 circuits × grid and battery');
});

test("Smart Home Panel: across the device's midnight, the new day's values are added whole", () => {
  const { full, joules } = device({ family: smartHomePanel, staleAfterMs: 3_600_000 });
  full(grown(0, 0), 0);
  const next = structuredClone(PANEL);
  const zeros = () => Array.from({ length: 10 }, () => Array.from({ length: 24 }, () => 0));
  const m = zeros();
  m[0]![0] = 7;
  next['mainsLoadWatt.watth'] = m;
  next['backupLoadWatt.watth'] = zeros();
  next['mainsLoadWatt.rtc'] = '2025-12-7';
  next['backupLoadWatt.rtc'] = '2025-12-7';
  next['heartbeat.time.day'] = 7;
  next['heartbeat.gridDayWatth'] = 7;
  next['heartbeat.backupDayWatth'] = 0;
  full(next, 140 * MIN);
  const after = joules();
  assert.equal(after['circuitEnergy{grid 1}'], 7 * 3600);
  assert.equal(after.gridImportEnergy, 7 * 3600);
  assert.equal(after.batteryDischargeEnergy, 0);
});
