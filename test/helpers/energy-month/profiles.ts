/**
 * Power profiles whose energy is known exactly: a power is linear within each five-minute
 * segment (it may step at a segment's edge), so the energy between any two times, and that of
 * its positive or negative part, is a closed form (trapezoids, split where the power crosses 0).
 * Sums and differences of profiles are profiles again, so a device's balance (battery = in − out)
 * holds at every instant, not only at the knots. The month's ground truth is computed from these;
 * the devices report them rounded to their units, as real ones do.
 */

export const SEGMENT_MS = 300_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Which part of a signed power a counter counts. */
export type Part = 'all' | 'positive' | 'negative';

export class Profile {
  readonly startMs: number;
  /** Watts at each segment's start, and approaching its end from inside. */
  readonly #from: Float64Array;
  readonly #to: Float64Array;
  /** Joules from startMs to each segment's start, per part (made on first use). */
  readonly #cumulative: Partial<Record<Part, Float64Array>> = {};

  constructor(startMs: number, from: Float64Array, to: Float64Array) {
    this.startMs = startMs;
    this.#from = from;
    this.#to = to;
  }

  get segments(): number {
    return this.#from.length;
  }

  /** The watts of segment k at its start and end. */
  ends(k: number): [number, number] {
    return [this.#from[k]!, this.#to[k]!];
  }

  watts(t: number): number {
    const [k, x] = this.#locate(t);
    return this.#from[k]! + (this.#to[k]! - this.#from[k]!) * (x / SEGMENT_MS);
  }

  /** Exact joules of `part` of the power from `a` to `b` (0 when b ≤ a). */
  joules(a: number, b: number, part: Part = 'all'): number {
    if (!(b > a)) return 0;
    return this.#upTo(b, part) - this.#upTo(a, part);
  }

  #upTo(t: number, part: Part): number {
    const cumulative = this.#cumulativeOf(part);
    const [k, x] = this.#locate(t);
    return cumulative[k]! + segmentJoules(this.#from[k]!, this.#to[k]!, x, part);
  }

  #cumulativeOf(part: Part): Float64Array {
    let c = this.#cumulative[part];
    if (c) return c;
    c = new Float64Array(this.segments + 1);
    for (let k = 0; k < this.segments; k++) c[k + 1] = c[k]! + segmentJoules(this.#from[k]!, this.#to[k]!, SEGMENT_MS, part);
    this.#cumulative[part] = c;
    return c;
  }

  /** Segment index and ms into it; a time past the end is the end of the last segment. */
  #locate(t: number): [number, number] {
    const into = t - this.startMs;
    if (into < 0 || into > this.segments * SEGMENT_MS) throw new Error(`time ${new Date(t).toISOString()} is outside the profile`);
    const k = Math.min(Math.floor(into / SEGMENT_MS), this.segments - 1);
    return [k, into - k * SEGMENT_MS];
  }
}

/**
 * ∫₀ˣ of `part` of the power that goes linearly from `a` W to `b` W over one segment, in joules
 * (x in ms). The positive part of a line is a triangle or a trapezoid: split at the zero.
 */
function segmentJoules(a: number, b: number, xMs: number, part: Part): number {
  if (part === 'negative') return segmentJoules(-a, -b, xMs, 'positive');
  const s = xMs / 1000;
  const w = a + ((b - a) * xMs) / SEGMENT_MS;
  if (part === 'all' || (a >= 0 && w >= 0)) return ((a + w) / 2) * s;
  if (a <= 0 && w <= 0) return 0;
  // One zero crossing, at z seconds.
  const z = (a / (a - b)) * (SEGMENT_MS / 1000);
  return a > 0 ? (a * z) / 2 : (w * (s - z)) / 2;
}

/** The time span every profile of the month covers. */
export interface Span {
  startMs: number;
  segments: number;
}

/** A continuous power through the values of `g` at every segment edge (linear in between). */
export function knots(span: Span, g: (t: number) => number): Profile {
  return build(span, (k) => {
    const t = span.startMs + k * SEGMENT_MS;
    return [g(t), g(t + SEGMENT_MS)];
  });
}

/** A power constant within each segment: `h` at the segment's start (it steps at edges). */
export function steps(span: Span, h: (t: number) => number): Profile {
  return build(span, (k) => {
    const w = h(span.startMs + k * SEGMENT_MS);
    return [w, w];
  });
}

/** Σ cᵢ·pᵢ: exact at every instant, since each segment stays linear. */
export function linear(...terms: Array<[number, Profile]>): Profile {
  const [, first] = terms[0]!;
  return build({ startMs: first.startMs, segments: first.segments }, (k) => {
    let a = 0;
    let b = 0;
    for (const [c, p] of terms) {
      const [pa, pb] = p.ends(k);
      a += c * pa;
      b += c * pb;
    }
    return [a, b];
  });
}

/**
 * f of the profiles' values at each segment's ends, linear in between: for what a device
 * derives from its powers by a rule that is not linear (a charger that takes half of what the
 * sun gives above 150 W). Exact as a profile of its own; combine it with `linear`.
 */
export function mapEnds(f: (...watts: number[]) => number, ...profiles: Profile[]): Profile {
  const first = profiles[0]!;
  return build({ startMs: first.startMs, segments: first.segments }, (k) => {
    const ends = profiles.map((p) => p.ends(k));
    return [f(...ends.map(([a]) => a)), f(...ends.map(([, b]) => b))];
  });
}

function build(span: Span, ends: (k: number) => [number, number]): Profile {
  const from = new Float64Array(span.segments);
  const to = new Float64Array(span.segments);
  for (let k = 0; k < span.segments; k++) [from[k], to[k]] = ends(k);
  return new Profile(span.startMs, from, to);
}

/** A small seeded generator (mulberry32): the same month on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hours since the UTC midnight of t, as a fraction. */
export function utcHour(t: number): number {
  return (((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Whether t's UTC hour is in [from, to) (hours, to may pass 24). */
export function between(t: number, from: number, to: number): boolean {
  const h = utcHour(t);
  return (h >= from && h < to) || h + 24 < to;
}

/**
 * A PV string: a half sine from sunrise to sunset (UTC hours) times the day's weather and the
 * hour's clouds (0–1, from `sky`).
 */
export function solar(span: Span, o: { peakW: number; rise: number; set: number; sky: Sky }): Profile {
  return knots(span, (t) => {
    const h = utcHour(t);
    if (h <= o.rise || h >= o.set) return 0;
    return o.peakW * Math.sin((Math.PI * (h - o.rise)) / (o.set - o.rise)) * o.sky(t);
  });
}

/** The share of the clear-sky sun that gets through at t. */
export type Sky = (t: number) => number;

/** A month of weather: each day clear, hazy or cloudy, each hour of it a little different. */
export function weather(seed: number, fromMs: number, days: number): Sky {
  const random = seeded(seed);
  const hourly: number[] = [];
  for (let d = 0; d < days; d++) {
    const r = random();
    const day = r < 0.5 ? 1 : r < 0.8 ? 0.7 : 0.35;
    for (let h = 0; h < 24; h++) hourly.push(day * (0.75 + 0.25 * random()));
  }
  return (t) => hourly[Math.floor((t - fromMs) / HOUR_MS)] ?? 1;
}
