/**
 * Energy counters for the demo fleet: a device's own energy keys (lifetime Wh) made to grow with
 * the integral of the power the same device shows, so the counters and the powers agree. The
 * powers are the fleet's motion functions of the simulator's clock (seconds since the epoch);
 * a counter starts at its captured value at its device's first reading and only grows from there.
 */

/** A value function of time: t in seconds since the epoch (the simulator's clock). */
export type Motion = (t: number) => unknown;

/** Energy in Wh a power moves from `from` to `to` (seconds); 0 when `to` is not after `from`. */
export type Energy = (from: number, to: number) => number;

/** The integration step, in seconds: the demo's powers are published once a second. */
const STEP_S = 1;

/**
 * ∫ max(power, 0) dt in Wh, for a power that repeats every `periodS` seconds (whole seconds):
 * one period is summed once, lazily, in 1 s steps at their midpoints; a span is whole periods
 * times that sum plus the parts at either end. Stateless and O(1) per call, however long the
 * span; a span in whole periods is exact whatever `power` does within a step.
 */
export function periodicEnergy(power: (t: number) => number, periodS: number): Energy {
  const steps = Math.round(periodS / STEP_S);
  if (steps < 1 || steps * STEP_S !== periodS) throw new Error(`period ${periodS} s is not a whole number of ${STEP_S} s steps`);
  let cumulative: Float64Array | undefined;
  const table = (): Float64Array => {
    if (cumulative) return cumulative;
    const c = new Float64Array(steps + 1);
    for (let i = 0; i < steps; i++) c[i + 1] = c[i]! + (Math.max(0, power((i + 0.5) * STEP_S)) * STEP_S) / 3600;
    cumulative = c;
    return c;
  };
  /** Wh from the start of a period to `s` seconds into it (0 ≤ s ≤ periodS, clamped against rounding). */
  const into = (c: Float64Array, s: number): number => {
    const x = Math.min(Math.max(s / STEP_S, 0), steps);
    const i = Math.min(Math.floor(x), steps - 1);
    return Math.min(c[i + 1]!, c[i]! + (c[i + 1]! - c[i]!) * (x - i));
  };
  return (from, to) => {
    if (!(to > from)) return 0;
    const c = table();
    const pf = Math.floor(from / periodS);
    const pt = Math.floor(to / periodS);
    const wh = (pt - pf) * c[steps]! + into(c, to - pt * periodS) - into(c, from - pf * periodS);
    return Math.max(0, wh);
  };
}

/** A constant power's energy. */
export function constantEnergy(watts: number): Energy {
  return (from, to) => (to > from ? (Math.max(0, watts) * (to - from)) / 3600 : 0);
}

/**
 * When a device's counters start: the time of its first reading. Shared by the keys of one
 * device (they are read together, at one time), so they start together; each `demoFleet()`
 * makes fresh ones. A reading before that time reads the start.
 */
export type Start = (t: number) => number;

export function firstReading(): Start {
  let start: number | undefined;
  return (t) => (start ??= t);
}

/**
 * A lifetime counter in whole Wh, as the devices count: `captured` at the device's first
 * reading, then that plus the energy since, rounded down (so it never runs ahead of the power,
 * and never decreases).
 */
export function lifetimeCounter(start: Start, captured: number, energy: Energy): (t: number) => number {
  return (t) => Math.floor(captured + energy(start(t), t));
}

/** The captured value of a numeric key, for counters that start from it. */
export function capturedNumber(quotas: Record<string, unknown>, key: string): number {
  const value = quotas[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`captured ${key} is not a number: ${JSON.stringify(value)}`);
  return value;
}
