import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceCounter, PERSIST_MS, PERSIST_READINGS } from '../../../src/energy/device-counter.js';

const WH = 3600;
const MIN = 60_000;

/** A counter rated 1000 W (growth up to 2000 W × t is plausible), started at `wh` Wh at 0 and 30 s. */
function started(wh = 1000, rated = 1000): DeviceCounter {
  const c = new DeviceCounter({ ratedWatts: rated, stepJoules: WH });
  assert.equal(c.offer(wh * WH, 0), 'unconfirmed');
  assert.equal(c.offer(wh * WH, 30_000), 'started');
  return c;
}

test("a counter starts at the device's reading once a second reading agrees: a lone first misreading is never the start", () => {
  const c = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH });
  assert.equal(c.offer(100 * WH, 0), 'unconfirmed', 'the first reading alone');
  assert.equal(c.state?.joules, undefined, 'nothing to export');
  // The true value next: far above the first in 30 s, so the two disagree; it is the first of a new pair.
  assert.equal(c.offer(213_052 * WH, 30_000), 'unconfirmed');
  assert.equal(c.offer(213_052 * WH, 60_000), 'started');
  assert.equal(c.state?.joules, 213_052 * WH, 'the figure the app shows');
  assert.equal(c.state?.since, 30_000, 'counting started with the first reading of the pair');
});

test('growth within twice the rating (and one counting step) over the time since the trusted reading is counted', () => {
  const c = started(1000);
  assert.equal(c.offer(1001 * WH, 60_000), 'accepted');
  assert.equal(c.offer(1001 * WH, 70_000), 'unchanged');
  // 10 Wh in 10 s is 3600 W, more than 2 × 1000 W; in 60 s it is 600 W.
  assert.equal(c.offer(1011 * WH, 70_001), 'jump');
  assert.equal(c.offer(1011 * WH, 120_000), 'accepted');
  assert.equal(c.state?.joules, 1011 * WH);
  // A decoding fault (5.45e7 kWh) is never plausible.
  assert.equal(c.offer(5.45e10 * WH, 180_000), 'jump');
  assert.equal(c.state?.joules, 1011 * WH);
});

test("the issue's DELTA 2 Max: misread low for a few readings, then right again: only what the device counted meanwhile", () => {
  const c = started(213_052, 4800);
  for (let i = 1; i <= 4; i++) assert.equal(c.offer(100 * WH, 30_000 + i * 2000), 'held');
  assert.equal(c.state?.joules, 213_052 * WH, 'never lowered');
  assert.equal(c.offer(213_052 * WH, 40_000), 'unchanged');
  assert.equal(c.offer(213_054 * WH, 42_000), 'accepted');
  assert.equal(c.state?.joules, 213_054 * WH, '+2 Wh, and nothing more');
  assert.equal(c.offer(213_055 * WH, 44_000), 'accepted', 'and it keeps following the device');
});

test(`a lower level that persists (${PERSIST_READINGS} readings over ${PERSIST_MS / MIN} minutes) is a real reset: re-baselined, never lowered`, () => {
  const c = started(1000);
  assert.equal(c.offer(2 * WH, 1 * MIN), 'held');
  assert.equal(c.offer(3 * WH, 5 * MIN), 'held', 'growing like a counter, but not long enough yet');
  assert.equal(c.offer(4 * WH, 1 * MIN + PERSIST_MS), 'reset');
  // The growth seen on the new level is counted; the export never went down.
  assert.equal(c.state?.joules, 1002 * WH);
  assert.equal(c.offer(5 * WH, 12 * MIN), 'accepted');
  assert.equal(c.state?.joules, 1003 * WH);
  assert.equal(c.state?.since, 0, 'the start time stays: no reset is ever shown');
});

test(`a lower level is believed only once read ${PERSIST_READINGS} times, however long it has lasted`, () => {
  const c = started(1000);
  let wh = 2;
  let t = 1 * MIN;
  for (let i = 1; i < PERSIST_READINGS; i++, wh++, t += PERSIST_MS) assert.equal(c.offer(wh * WH, t), 'held', `reading ${i}`);
  assert.equal(c.offer(wh * WH, t), 'reset', `reading ${PERSIST_READINGS}`);
});

test('a rise beyond what the device can deliver adds nothing; if it persists, counting goes on from it', () => {
  const c = started(1000);
  const high = 900_000 * WH;
  assert.equal(c.offer(high, 1 * MIN), 'jump');
  assert.equal(c.offer(high + WH, 2 * MIN), 'jump');
  assert.equal(c.offer(high + 2 * WH, 1 * MIN + PERSIST_MS), 'rebaselined');
  assert.equal(c.state?.joules, 1002 * WH, 'the jump is never added; the growth on the new level is');
  assert.equal(c.offer(high + 3 * WH, 12 * MIN), 'accepted');
  assert.equal(c.state?.joules, 1003 * WH);
});

test('a misreading that outlasts the reset rule: the return to the old level counts what the device counted there, and no more', () => {
  const c = started(1000, 1000);
  // Frozen at 100 Wh for an hour: taken for a reset.
  for (let m = 1; m <= 60; m++) c.offer(100 * WH, m * MIN);
  assert.equal(c.state?.joules, 1000 * WH);
  // Back at the old level, which grew by 50 Wh meanwhile (plausible in an hour): counted once.
  assert.equal(c.offer(1050 * WH, 61 * MIN), 'recovered');
  assert.equal(c.state?.joules, 1050 * WH);
  assert.equal(c.offer(1051 * WH, 62 * MIN), 'accepted');
  assert.equal(c.state?.joules, 1051 * WH);
});

test('readings alternating between two levels (two packs under one serial) never alternate the counter', () => {
  const c = started(5000);
  let t = 30_000;
  for (let i = 0; i < 200; i++) {
    t += 30_000;
    c.offer((5000 + Math.floor(i / 20)) * WH, t); // the pack that counts
    t += 30_000;
    c.offer(700 * WH, t); // the other pack, lower and still
  }
  assert.equal(c.state?.joules, (5000 + 9) * WH, 'only the first level is followed');
});

test('a message that names its pack is counted per pack: a second pack adds what it counts, not its lifetime', () => {
  const c = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH });
  c.offer(5000 * WH, 0, 'A');
  c.offer(5000 * WH, 30_000, 'A');
  c.offer(700 * WH, 40_000, 'B');
  assert.equal(c.offer(701 * WH, 60_000, 'B'), 'started');
  assert.equal(c.state?.joules, 5001 * WH, "pack B's first Wh after it was confirmed");
  assert.equal(c.offer(5002 * WH, 90_000, 'A'), 'accepted');
  assert.equal(c.offer(703 * WH, 120_000, 'B'), 'accepted');
  assert.equal(c.state?.joules, (5001 + 2 + 2) * WH);
  // A reading that names no pack is the pack last named.
  assert.equal(c.offer(704 * WH, 150_000), 'accepted');
  assert.equal(c.state?.joules, (5001 + 2 + 2 + 1) * WH);
});

test('the same reading offered again (a REST read of a stream-only key) is not a new reading', () => {
  const c = started(1000);
  c.offer(100 * WH, 40_000);
  for (let i = 0; i < 10; i++) assert.equal(c.offer(100 * WH, 40_000), 'unchanged');
  assert.equal(c.state?.anchors['']?.pending?.readings, 1);
});

test('restored: growth while the exporter was down counts when plausible for the downtime; an implausible first reading is not trusted', () => {
  const saved = started(1000).state!;
  const after = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH, restored: saved });
  // Down for an hour, 500 Wh counted meanwhile: 500 W on average.
  assert.equal(after.offer(1500 * WH, 30_000 + 3_600_000), 'accepted');
  assert.equal(after.state?.joules, 1500 * WH);
  const implausible = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH, restored: saved });
  assert.equal(implausible.offer(90_000 * WH, 30_000 + 3_600_000), 'jump');
  assert.equal(implausible.state?.joules, 1000 * WH);
});

test('taking over from the integral that stood in for the counter: it goes on from there, without a jump', () => {
  const c = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH, takeOver: { joules: 42 * WH, since: 7 } });
  c.offer(713_540 * WH, 100_000);
  assert.equal(c.offer(713_541 * WH, 130_000), 'started');
  assert.deepEqual({ joules: c.state?.joules, since: c.state?.since }, { joules: 42 * WH, since: 7 });
  c.offer(713_543 * WH, 160_000);
  assert.equal(c.state?.joules, 44 * WH);
});

test('a start during a misreading: the true level, once believed, is counted from, and never brought back whole later', () => {
  const c = new DeviceCounter({ ratedWatts: 2400, stepJoules: WH });
  c.offer(100 * WH, 0);
  assert.equal(c.offer(100 * WH, 2000), 'started', 'two misread readings agree: the counter starts low');
  // The true level, charging at 1 kW: too far above, until it persists.
  let wh = 213_052;
  let t = 2000;
  let verdict = '';
  while (verdict !== 'rebaselined') {
    t += 60_000;
    wh += 17;
    verdict = c.offer(wh * WH, t);
  }
  const after = c.state!.joules;
  // Two days on, the old low level is long let go: no reading can bring the jump back.
  for (let i = 0; i < 48 * 60; i++) {
    t += 60_000;
    wh += i % 2;
    c.offer(wh * WH, t);
  }
  assert.ok(c.state!.joules - after <= 48 * 30 * WH + WH, `only what the device counted: ${(c.state!.joules - after) / WH} Wh`);
  assert.ok(c.state!.joules < 10_000 * WH, 'the 213 kWh lifetime never arrives');
});

test('a spike after hours of a counter standing still is judged over the time since the last reading, not since the last change', () => {
  const c = started(1000, 2400);
  // Read every 10 s for 16 hours, the counter standing still.
  let t = 30_000;
  for (let i = 0; i < 16 * 360; i++) c.offer(1000 * WH, (t += 10_000));
  // 44 kWh in 10 s: far beyond 2 × 2400 W × 10 s (plus a step), though 16 h at 4800 W would allow it.
  assert.equal(c.offer(45_000 * WH, (t += 10_000)), 'jump');
  assert.equal(c.offer(1000 * WH, (t += 10_000)), 'unchanged');
  assert.equal(c.state?.joules, 1000 * WH);
  // One whole-Wh step may come at any moment.
  assert.equal(c.offer(1001 * WH, (t += 1000)), 'accepted');
});

test('packs after a restart: readings that name no pack go to the pack read last, never to a new one', () => {
  const c = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH });
  c.offer(1000 * WH, 0, 'BMS1');
  c.offer(1000 * WH, 30_000, 'BMS1');
  const restored = new DeviceCounter({ ratedWatts: 1000, stepJoules: WH, restored: c.state! });
  // The stream's first messages after the restart name no pack.
  assert.equal(restored.offer(1002 * WH, 60_000), 'accepted');
  assert.equal(restored.offer(1004 * WH, 90_000, 'BMS1'), 'accepted');
  assert.equal(restored.state?.joules, 1004 * WH, 'counted once');
  assert.deepEqual(Object.keys(restored.state!.anchors), ['BMS1']);
});
