import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturedNumber, constantEnergy, firstReading, lifetimeCounter, periodicEnergy } from '../../../src/simulator/energy-motion.js';

// --- periodicEnergy -------------------------------------------------------------------------

test('periodicEnergy integrates a periodic power over any span, whole periods exactly', () => {
  const periodS = 600;
  const power = (t: number) => 300 + 200 * Math.sin((2 * Math.PI * t) / periodS);
  const energy = periodicEnergy(power, periodS);
  // The sine's antiderivative, in Wh.
  const exact = (a: number, b: number) =>
    (300 * (b - a) - ((200 * periodS) / (2 * Math.PI)) * (Math.cos((2 * Math.PI * b) / periodS) - Math.cos((2 * Math.PI * a) / periodS))) / 3600;
  for (const [a, b] of [
    [0, 1],
    [10.5, 599.25],
    [1_700_000_000, 1_700_000_600],
    [1_700_000_123.4, 1_700_086_400.9],
    [1_767_225_600, 1_767_225_600 + 365 * 86_400],
  ] as const) {
    assert.ok(Math.abs(energy(a, b) - exact(a, b)) < 1e-3, `${a}..${b}: ${energy(a, b)} vs ${exact(a, b)}`);
  }
  assert.equal(energy(5, 5), 0);
  assert.equal(energy(6, 5), 0);
  // Negative power counts as none: the parts of a signed power.
  const signed = (t: number) => 100 * Math.cos((2 * Math.PI * t) / periodS);
  const charged = periodicEnergy(signed, periodS);
  const discharged = periodicEnergy((t) => -signed(t), periodS);
  assert.ok(Math.abs(charged(0, periodS) - (100 * periodS) / Math.PI / 3600) < 1e-3);
  assert.ok(Math.abs(charged(0, 10 * periodS) - discharged(0, 10 * periodS)) < 1e-6);
  assert.throws(() => periodicEnergy(power, 0.5), /whole number/);
});

test('periodicEnergy samples one period once, on first use, however many and however long the spans', () => {
  let calls = 0;
  const energy = periodicEnergy(() => {
    calls++;
    return 100;
  }, 300);
  // Made, not yet asked: nothing is summed (the demo fleet makes many and reads few).
  assert.equal(calls, 0);
  energy(0, 10);
  assert.equal(calls, 300, 'one sample per 1 s step of the period');
  energy(1_700_000_000, 1_700_000_000 + 365 * 86_400);
  for (let t = 0; t < 1000; t++) energy(t, t + 0.5);
  assert.equal(calls, 300, 'later spans reuse the sum, a year-long one too');
});

test('periodicEnergy of whole periods is the same wherever they start, and spans add up', () => {
  const periodS = 120;
  // A power that jumps inside its steps and goes negative: whole periods must not care.
  const power = (t: number) => (Math.floor(t * 3.7) % 5) * 40 - 30;
  const energy = periodicEnergy(power, periodS);
  const onePeriod = energy(0, periodS);
  assert.ok(onePeriod > 0);
  for (const from of [0.25, 17, 59.999, 1_700_000_031.3]) {
    for (const periods of [1, 2, 7, 720]) {
      const span = energy(from, from + periods * periodS);
      assert.ok(Math.abs(span - periods * onePeriod) < 1e-6 * periods, `${periods} periods from ${from}: ${span} vs ${periods * onePeriod}`);
    }
  }
  // Additive and never negative: a counter built on it cannot run backwards.
  for (const [a, b, c] of [
    [0, 33.3, 500],
    [10.1, 10.2, 10.3],
    [1_700_000_000, 1_700_000_059.5, 1_700_003_600],
  ] as const) {
    assert.ok(Math.abs(energy(a, b) + energy(b, c) - energy(a, c)) < 1e-6, `${a}..${b}..${c}`);
    assert.ok(energy(a, b) >= 0 && energy(b, c) >= 0);
  }
});

test('periodicEnergy refuses a period that is not a whole number of 1 s steps', () => {
  for (const periodS of [0, 0.5, 1.5, -60]) assert.throws(() => periodicEnergy(() => 1, periodS), /is not a whole number of 1 s steps/, String(periodS));
  assert.doesNotThrow(() => periodicEnergy(() => 1, 1));
});

// --- constantEnergy, firstReading, lifetimeCounter ------------------------------------------

test('constantEnergy is watts times hours, none backwards and none for a negative power', () => {
  assert.equal(constantEnergy(360)(1000, 1000 + 3600), 360);
  assert.equal(constantEnergy(360)(0, 10), 1);
  assert.equal(constantEnergy(360)(10, 10), 0);
  assert.equal(constantEnergy(360)(10, 0), 0);
  assert.equal(constantEnergy(-500)(0, 3600), 0);
});

test('firstReading fixes the start at the first time it is asked; later and earlier times read that start', () => {
  const start = firstReading();
  assert.equal(start(5000), 5000);
  assert.equal(start(9000), 5000);
  assert.equal(start(1000), 5000);
  // Each call makes a fresh one: two devices read at different times start apart.
  assert.equal(firstReading()(7000), 7000);
});

test('lifetimeCounter: whole Wh from the captured value at the first reading, never less', () => {
  const counter = lifetimeCounter(firstReading(), 100, constantEnergy(360));
  assert.equal(counter(1000), 100);
  assert.equal(counter(999), 100);
  assert.equal(counter(1009), 100);
  assert.equal(counter(1010), 101);
  assert.equal(counter(1000 + 3600), 460);
});

test('counters sharing a start start together, whichever is read first', () => {
  const start = firstReading();
  const a = lifetimeCounter(start, 10, constantEnergy(3600));
  const b = lifetimeCounter(start, 20, constantEnergy(7200));
  assert.equal(a(100), 10);
  // b is first read 50 s later, but counts from the device's first reading at 100.
  assert.equal(b(150), 20 + 100);
  assert.equal(a(150), 10 + 50);
});

test('capturedNumber returns a captured number and names the key when it is anything else', () => {
  const quotas = { 'pd.chgPowerAC': 1234, text: '12', nan: Number.NaN, inf: Number.POSITIVE_INFINITY, none: null };
  assert.equal(capturedNumber(quotas, 'pd.chgPowerAC'), 1234);
  assert.throws(() => capturedNumber(quotas, 'text'), /captured text is not a number: "12"/);
  assert.throws(() => capturedNumber(quotas, 'nan'), /captured nan is not a number/);
  assert.throws(() => capturedNumber(quotas, 'inf'), /captured inf is not a number/);
  assert.throws(() => capturedNumber(quotas, 'none'), /captured none is not a number: null/);
  assert.throws(() => capturedNumber(quotas, 'missing'), /captured missing is not a number/);
});
