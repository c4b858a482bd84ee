import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type HeldPower, PowerIntegrator } from '../../../src/energy/power-integrator.js';

const S = 1000;

/** The caller's judgement that the held power was still the device's: here, always. */
const always = () => true;

function power(watts: number, updatedAt = 0): HeldPower {
  return { watts, updatedAt };
}

test('nothing to export until a power is first held: no power, or time alone, starts no counter', () => {
  const p = new PowerIntegrator(1000);
  assert.equal(p.state, undefined);
  assert.equal(p.hold(undefined, 1 * S), 'ok');
  p.advance(5 * S, always);
  assert.equal(p.state, undefined);
  assert.equal(p.hold(power(100, 5 * S), 5 * S), 'ok');
  assert.deepEqual(p.state, { joules: 0, since: 5 * S }, 'from 0, counting since the first power');
});

test('the held watts × the seconds since the last update are added at each update, the power held until it changes', () => {
  const p = new PowerIntegrator(1000);
  p.hold(power(100), 0);
  p.advance(10 * S, always);
  assert.equal(p.state?.joules, 100 * 10);
  // Nothing new came: the 100 W still holds.
  p.advance(25 * S, always);
  assert.equal(p.state?.joules, 100 * 25);
  p.hold(power(300, 25 * S), 25 * S);
  p.advance(30 * S, always);
  assert.equal(p.state?.joules, 100 * 25 + 300 * 5);
  p.advance(30.5 * S, always);
  assert.equal(p.state?.joules, 100 * 25 + 300 * 5.5, 'fractions of a second count');
});

test("an interval counts only when the caller says the held power was still the device's; the next interval starts anyway", () => {
  const p = new PowerIntegrator(1000);
  const held: HeldPower = { watts: 200, updatedAt: -3, rest: true };
  p.hold(held, 0);
  const asked: Array<[HeldPower, number]> = [];
  p.advance(10 * S, (h, seconds) => (asked.push([h, seconds]), false));
  assert.equal(p.state?.joules, 0);
  // The caller judges freshness by the held power's own write time and transport, and the gap's length.
  assert.deepEqual(asked, [[{ watts: 200, updatedAt: -3, rest: true }, 10]]);
  p.advance(15 * S, always);
  assert.equal(p.state?.joules, 200 * 5, "from the refused interval's end, not from the start");
});

test('an update at or before the last one adds nothing, and the interval never starts earlier again', () => {
  const p = new PowerIntegrator(1000);
  p.hold(power(100), 10 * S);
  p.advance(10 * S, always);
  p.advance(4 * S, always);
  assert.equal(p.state?.joules, 0);
  p.advance(20 * S, always);
  assert.equal(p.state?.joules, 100 * 10, '10 s since 10 s, not 16 s since 4 s');
});

test('no power held (its key went): nothing is added, the counter stays and counts again from the next power', () => {
  const p = new PowerIntegrator(1000);
  p.hold(power(100), 0);
  p.advance(10 * S, always);
  assert.equal(p.hold(undefined, 10 * S), 'ok');
  p.advance(60 * S, always);
  assert.deepEqual(p.state, { joules: 1000, since: 0 });
  p.hold(power(100, 60 * S), 60 * S);
  p.advance(70 * S, always);
  assert.equal(p.state?.joules, 1000 + 100 * 10);
});

test('a power that comes back without an advance to its own moment counts from that moment, not from the last advance', () => {
  const p = new PowerIntegrator(1000);
  p.hold(power(100), 0);
  p.advance(10 * S, always);
  p.hold(undefined, 10 * S);
  // Time passes with nothing held; the power is back at 50 s, the next update at 60 s.
  p.advance(20 * S, always);
  p.hold(power(100, 50 * S), 50 * S);
  p.advance(60 * S, always);
  assert.equal(p.state?.joules, 100 * 10 + 100 * 10);
});

test('a power above twice the rating, or negative, is implausible: not held, and the power held before is let go', () => {
  const p = new PowerIntegrator(500);
  assert.equal(p.hold(power(1000), 0), 'ok', 'twice the rating is still plausible');
  p.advance(10 * S, always);
  assert.equal(p.state?.joules, 1000 * 10);
  assert.equal(p.hold(power(1000.5), 10 * S), 'implausible');
  p.advance(20 * S, always);
  assert.equal(p.state?.joules, 1000 * 10, 'neither the misreading nor the 1000 W before it counts on');
  assert.equal(p.hold(power(-1), 20 * S), 'implausible');
  p.advance(30 * S, always);
  p.hold(power(100, 30 * S), 30 * S);
  p.advance(40 * S, always);
  assert.equal(p.state?.joules, 1000 * 10 + 100 * 10);
  // A misreading as the first power starts no counter.
  const fresh = new PowerIntegrator(500);
  assert.equal(fresh.hold(power(5000), 0), 'implausible');
  assert.equal(fresh.state, undefined);
});

test('restored from the state file: exported at once, and counting on from its joules with its own start time', () => {
  const restored = { joules: 9000, since: 123 };
  const p = new PowerIntegrator(1000, restored);
  assert.deepEqual(p.state, { joules: 9000, since: 123 });
  p.hold(power(100, 500 * S), 500 * S);
  p.advance(510 * S, always);
  assert.deepEqual(p.state, { joules: 9000 + 100 * 10, since: 123 });
  assert.deepEqual(restored, { joules: 9000, since: 123 }, 'a copy: what was read is not written to');
});

test('stopped (offline, or gone): nothing is held, and the first power after it starts a new interval', () => {
  const p = new PowerIntegrator(1000);
  p.hold(power(100), 0);
  p.advance(10 * S, always);
  p.stop();
  // Back an hour later: the outage is not counted, though the last interval ended at 10 s.
  p.hold(power(100, 3600 * S), 3600 * S);
  p.advance(3610 * S, always);
  assert.deepEqual(p.state, { joules: 100 * 10 + 100 * 10, since: 0 });
});
