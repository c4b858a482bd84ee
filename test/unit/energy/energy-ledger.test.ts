import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SN, energyWorld } from '../../helpers/energy-world.js';

const S = 1000;

test('a constant power through updates and a gap: joules = watts × seconds, the gap left out', () => {
  const { snapshot, joules } = energyWorld({ staleAfterMs: 60 * S });
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  // An update that does not touch the power still counts the time: the power is held.
  snapshot.mergeQuotas(SN, { other: 1 }, 10 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 10);
  snapshot.mergeQuotas(SN, { pv: 200 }, 30 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 30);
  // Silent for 100 s, longer than the staleness limit: that gap is not integrated.
  snapshot.mergeQuotas(SN, { pv: 200 }, 130 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 30);
  snapshot.mergeQuotas(SN, { pv: 200 }, 140 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 40);
});

test('a power that changes is held until it changes: the old value counts up to the change', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.mergeQuotas(SN, { pv: 300 }, 20 * S);
  snapshot.mergeQuotas(SN, { pv: 0 }, 30 * S);
  snapshot.mergeQuotas(SN, { other: 2 }, 50 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 100 * 20 + 300 * 10);
});

test('a stale power is not integrated through the night, though the device sends other keys', () => {
  const { snapshot, joules } = energyWorld({ staleAfterMs: 60 * S });
  snapshot.setOnline(SN, true);
  snapshot.mergeQuotas(SN, { pv: 200 }, 0);
  for (let t = 10; t <= 600; t += 10) snapshot.mergeQuotas(SN, { other: t }, t * S);
  // Exported (and integrated) while fresh: written at 0, fresh up to 60 s.
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 60);
});

test("while the stream speaks for the device, the last REST read's power holds until reconciliation is overdue", () => {
  const { snapshot, joules } = energyWorld({ staleAfterMs: 60 * S, reconcileIntervalMs: 300 * S });
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  for (let t = 10; t <= 120; t += 10) snapshot.mergeQuotas(SN, { other: t }, t * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 120);
});

test('offline: nothing is integrated across the outage, and the counters stay, not growing', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  snapshot.setOnline(SN, false);
  assert.equal(joules()['portInputEnergy{solar}'], 2000, 'still exported while offline');
  snapshot.setOnline(SN, true);
  snapshot.replaceQuotas(SN, { pv: 200 }, 3600 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 2000);
  snapshot.replaceQuotas(SN, { pv: 200 }, 3610 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 4000);
});

test('a signed battery power is split into charge and discharge before integrating', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { bat: 300 }, 0);
  snapshot.replaceQuotas(SN, { bat: -100 }, 10 * S);
  snapshot.replaceQuotas(SN, { bat: -100 }, 40 * S);
  assert.equal(joules().batteryChargeEnergy, 3000);
  assert.equal(joules().batteryDischargeEnergy, 3000);
});

test('a power above twice the rating is not integrated, and is reported', () => {
  const { snapshot, joules, rejected } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.replaceQuotas(SN, { pv: 5000 }, 10 * S);
  snapshot.replaceQuotas(SN, { pv: 100 }, 20 * S);
  snapshot.replaceQuotas(SN, { pv: 100 }, 30 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 100 * 10 + 100 * 10);
  assert.deepEqual(rejected, ['implausible_power']);
});

test("the device's own counter: what the device says, in joules, read when its key is written", () => {
  const { snapshot, joules, rejected } = energyWorld();
  snapshot.replaceQuotas(SN, { acOutWh: 51_358 }, 0);
  assert.equal(joules()['portOutputEnergy{ac}'], undefined, 'one reading alone is not trusted yet');
  snapshot.replaceQuotas(SN, { acOutWh: 51_358 }, 5 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_358 * 3600);
  // A stream message without the key leaves it alone; one with it is a reading.
  snapshot.mergeQuotas(SN, { pv: 1 }, 10 * S);
  snapshot.mergeQuotas(SN, { acOutWh: 51_359 }, 20 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  // A low reading holds; a misread jump is dropped; both are reported.
  snapshot.mergeQuotas(SN, { acOutWh: 100 }, 30 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  snapshot.mergeQuotas(SN, { acOutWh: 9_000_000 }, 40 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
  assert.deepEqual(rejected, ['decrease', 'jump']);
  // The device's counter wins over integration: the AC output power is not integrated.
  snapshot.mergeQuotas(SN, { acW: 500 }, 50 * S);
  snapshot.mergeQuotas(SN, { acW: 500 }, 60 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 51_359 * 3600);
});

test('a device whose full read has no reading of a counter (keys absent, or 0) gets that energy integrated until the device counts', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { acW: 500 }, 0);
  snapshot.replaceQuotas(SN, { acW: 500 }, 10 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 5000);
  // A counter that reads 0: the model has the key, it counted nothing yet; the integral stands in.
  const other = energyWorld();
  other.snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 0 }, 0);
  other.snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 0 }, 10 * S);
  assert.equal(other.joules()['portOutputEnergy{ac}'], 5000);
  // A device that has its counter from the start: no integral, the device's figure.
  const counting = energyWorld();
  counting.snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 7 }, 0);
  counting.snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 7 }, 10 * S);
  assert.equal(counting.joules()['portOutputEnergy{ac}'], 7 * 3600);
});

test('a daily counter becomes a lifetime counter: from 0, increases, midnight', () => {
  const { snapshot, joules } = energyWorld({ staleAfterMs: 3600 * S });
  snapshot.replaceQuotas(SN, { gridDayWh: 7280.5, date: '2025-12-6' }, 0);
  assert.equal(joules().gridImportEnergy, 0, "today's partial total is not counted");
  snapshot.replaceQuotas(SN, { gridDayWh: 7300.5, date: '2025-12-6' }, 600 * S);
  snapshot.replaceQuotas(SN, { gridDayWh: 12, date: '2025-12-7' }, 1200 * S);
  assert.equal(joules().gridImportEnergy, (20 + 12) * 3600);
});

test('the state carries every counter over a restart; a device counter adds what the device counted meanwhile', () => {
  const first = energyWorld({ staleAfterMs: 600 * S });
  first.snapshot.replaceQuotas(SN, { pv: 200, gridDayWh: 100, date: '2025-12-6', acOutWh: 5 }, 0);
  first.snapshot.replaceQuotas(SN, { pv: 200, gridDayWh: 110, date: '2025-12-6', acOutWh: 5 }, 100 * S);
  const state = JSON.parse(JSON.stringify(first.state(100 * S)));
  assert.deepEqual(Object.keys(state[SN].integrated), ['portInputEnergy/solar']);
  assert.equal(state[SN].daily.gridImportEnergy.joules, 10 * 3600);
  assert.equal(state[SN].device['portOutputEnergy/ac'].joules, 5 * 3600);

  const again = energyWorld({ staleAfterMs: 600 * S, restore: state });
  // Before the first read after the restart, the counters are there, where they were.
  assert.equal(again.joules()['portInputEnergy{solar}'], 20_000);
  assert.equal(again.joules().gridImportEnergy, 36_000);
  assert.equal(again.joules()['portOutputEnergy{ac}'], 5 * 3600);
  again.snapshot.replaceQuotas(SN, { pv: 200, gridDayWh: 130, date: '2025-12-6', acOutWh: 6 }, 1000 * S);
  again.snapshot.replaceQuotas(SN, { pv: 200, gridDayWh: 130, date: '2025-12-6', acOutWh: 6 }, 1100 * S);
  // The restart's gap is not integrated; the daily and device counters add what the device counted meanwhile.
  assert.equal(again.joules()['portInputEnergy{solar}'], 40_000);
  assert.equal(again.joules().gridImportEnergy, 30 * 3600);
  assert.equal(again.joules()['portOutputEnergy{ac}'], 6 * 3600);
});

test('a state file of version 1 (no device counters) loads as it is: nothing starts again from 0', () => {
  const v1 = { [SN]: { integrated: { 'portInputEnergy/solar': { joules: 9000, since: 1 } }, daily: {} } };
  const w = energyWorld({ restore: v1 });
  assert.equal(w.joules()['portInputEnergy{solar}'], 9000);
  w.snapshot.replaceQuotas(SN, { pv: 100, acOutWh: 7 }, 0);
  w.snapshot.replaceQuotas(SN, { pv: 100, acOutWh: 7 }, 10 * S);
  assert.equal(w.joules()['portInputEnergy{solar}'], 10_000);
  assert.equal(w.joules()['portOutputEnergy{ac}'], 7 * 3600, "a device counter starts at the device's reading, as before");
});

test('a device counter that appears later (a firmware update) takes over from the integral that stood in for it, without a jump', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { acW: 500 }, 0);
  snapshot.replaceQuotas(SN, { acW: 500 }, 10 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 5000, 'integrated while the keys are absent');
  snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 713_540 }, 20 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 10_000, 'the integral stands in while the new counter is confirmed');
  snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 713_540 }, 30 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 15_000, 'no jump to the lifetime');
  snapshot.replaceQuotas(SN, { acW: 500, acOutWh: 713_541 }, 40 * S);
  assert.equal(joules()['portOutputEnergy{ac}'], 15_000 + 3600, 'from now on, what the device counts');
});

test('with a state file, the counters exported are the ones last written: a crash between writes never takes one back', () => {
  const w = energyWorld({ publishWritten: true });
  w.snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  w.snapshot.replaceQuotas(SN, { pv: 100 }, 10 * S);
  assert.equal(w.joules()['portInputEnergy{solar}'], undefined, 'not written yet');
  const point = w.ledger.checkpoint(10 * S);
  point.written();
  assert.equal(w.joules()['portInputEnergy{solar}'], 1000);
  w.snapshot.replaceQuotas(SN, { pv: 100 }, 20 * S);
  assert.equal(w.joules()['portInputEnergy{solar}'], 1000, 'what flowed since is exported once written');
  // Killed now: the next process starts from the last write, which is what was exported.
  const after = energyWorld({ publishWritten: true, restore: JSON.parse(JSON.stringify(point.devices)) });
  assert.equal(after.joules()['portInputEnergy{solar}'], 1000);
});

test('a device that leaves the list takes its counters out of the output, and back when it returns', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  snapshot.setDevices([]);
  assert.deepEqual(joules(), {});
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  assert.equal(joules()['portInputEnergy{solar}'], 2000);
});

test('stopping counts the held power up to the stop: a shutdown loses no interval', () => {
  const { snapshot, ledger, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  ledger.stop(25 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 25);
  snapshot.replaceQuotas(SN, { pv: 200 }, 35 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 25, 'stopped: no longer following the snapshot');
});

test('devices off the list for longer than the retention are let go, from memory and the state file', () => {
  const world = energyWorld({ start: false, restore: { GONE: { integrated: { loadEnergy: { joules: 5, since: 0 } }, daily: {}, seenAt: 0 } } });
  world.ledger.start();
  world.snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  world.snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  assert.deepEqual(Object.keys(world.state(10 * S)).sort(), ['GONE', SN]);
  world.snapshot.setDevices([]);
  const week = 7 * 86_400_000;
  assert.deepEqual(Object.keys(world.state(week + 1)), [SN], 'the long-gone device is let go; the one just removed is kept');
  assert.deepEqual(Object.keys(world.state(Date.now() + week + 1)), []);
});
