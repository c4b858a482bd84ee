/**
 * What a device counts by itself, modelled exactly as it counts: a lifetime counter in whole Wh
 * (DELTA 2 Max `pd.chgPowerAC`), and day totals that start again at the device's own midnight
 * (Smart Home Panel `heartbeat.gridDayWatth`, its hourly buckets). A device counter or a daily
 * counter owes what the device counted, so the month's truth for them is read from these models,
 * rounding and all, not from the power: a panel that floors each hour's bucket to whole Wh has
 * counted the floors.
 */
import { DAY_MS, HOUR_MS } from './profiles.js';

/** Energy in joules from a to b. */
export type Energy = (a: number, b: number) => number;

/** A stretch of time over which a device's counter runs on from one base. */
interface Piece {
  start: number;
  end: number;
  baseWh: number;
}

/**
 * A lifetime counter in whole Wh: `startWh` at `fromMs`, then that plus the energy since,
 * rounded down (the device counts each Wh once it is complete); after each true reset it starts
 * again at 0 and grows the same way.
 */
export class LifetimeWh {
  readonly #energy: Energy;
  readonly #pieces: Piece[];

  constructor(o: { energy: Energy; startWh: number; fromMs: number; toMs: number; resets: readonly number[] }) {
    this.#energy = o.energy;
    const starts = [o.fromMs, ...[...o.resets].sort((a, b) => a - b)];
    this.#pieces = starts.map((start, i) => ({ start, end: starts[i + 1] ?? o.toMs, baseWh: i === 0 ? o.startWh : 0 }));
  }

  /** The counter's reading at t. */
  wh(t: number): number {
    return this.#whIn(holding(this.#pieces, t), t);
  }

  /** Joules the device counted from a to b: each piece's growth (a reset forgets nothing it counted before). */
  countedJ(a: number, b: number): number {
    let wh = 0;
    for (const p of this.#pieces) {
      if (p.end <= a || p.start >= b) continue;
      wh += this.#whIn(p, Math.min(b, p.end)) - this.#whIn(p, Math.max(a, p.start));
    }
    return wh * 3600;
  }

  #whIn(piece: Piece, t: number): number {
    return Math.floor(piece.baseWh + this.#energy(piece.start, t) / 3600);
  }
}

/** A device calendar date, as its keys write it. */
export interface DeviceDate {
  year: number;
  month: number;
  day: number;
}

/** One device day: its totals start at 0 at `start` (a midnight, or a change of the clock). */
export interface DaySegment {
  start: number;
  end: number;
  date: DeviceDate;
  /** Device-local time minus UTC during this segment. */
  offsetMs: number;
}

/**
 * The days of a device whose clock runs at UTC + `utcOffsetMs`, set back a whole day during
 * each of `setBack`. Its day totals start again at each local midnight and at each change of
 * date by its clock (it treats the new date as a new day): segments of constant date.
 */
export class DeviceDays {
  readonly segments: readonly DaySegment[];

  constructor(o: { fromMs: number; toMs: number; utcOffsetMs: number; setBack: ReadonlyArray<{ fromMs: number; toMs: number }> }) {
    const edges = [o.fromMs, ...o.setBack.flatMap((s) => [s.fromMs, s.toMs]), o.toMs].sort((a, b) => a - b);
    const segments: DaySegment[] = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      const [a, b] = [edges[i]!, edges[i + 1]!];
      if (b <= a) continue;
      const offsetMs = o.utcOffsetMs - (o.setBack.some((s) => s.fromMs <= a && a < s.toMs) ? DAY_MS : 0);
      // Local midnights within [a, b): where (t + offset) is a whole day.
      let start = a;
      for (let m = Math.floor((a + offsetMs) / DAY_MS + 1) * DAY_MS - offsetMs; start < b; m += DAY_MS) {
        const end = Math.min(m, b);
        segments.push({ start, end, date: dateOf(start + offsetMs), offsetMs });
        start = end;
      }
    }
    this.segments = segments;
  }

  at(t: number): DaySegment {
    return holding(this.segments, t);
  }
}

/** The last of `spans` (in time order) starting at or before t; the first one before them all. */
function holding<T extends { start: number }>(spans: readonly T[], t: number): T {
  let i = 0;
  while (i + 1 < spans.length && spans[i + 1]!.start <= t) i++;
  return spans[i]!;
}

function dateOf(local: number): DeviceDate {
  const d = new Date(local);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `2025-6-12`, as the panel's `rtc` keys write a date (no leading zeros). */
export function rtc(date: DeviceDate): string {
  return `${date.year}-${date.month}-${date.day}`;
}

/**
 * A day total as the device reports it: `value(segment, t)` Wh counted since the segment's start
 * (0 there). Owed over [a, b]: the growth within each segment, up to each segment's final value.
 */
export class DayTotal {
  readonly #days: DeviceDays;
  readonly #value: (segment: DaySegment, t: number) => number;

  constructor(days: DeviceDays, value: (segment: DaySegment, t: number) => number) {
    this.#days = days;
    this.#value = value;
  }

  countedJ(a: number, b: number): number {
    let wh = 0;
    for (const s of this.#days.segments) {
      if (s.end <= a || s.start >= b) continue;
      const from = Math.max(a, s.start);
      wh += this.#value(s, Math.min(b, s.end)) - (from === s.start ? 0 : this.#value(s, from));
    }
    return wh * 3600;
  }
}

/**
 * The 24 hourly buckets of one circuit within a day segment up to t: each local hour's energy
 * in whole Wh (floored, as the panel's integer arrays hold it), hours not reached yet 0. Local
 * hours start on UTC hours: the month's device clocks are off UTC by whole hours.
 */
export function hourlyBuckets(segment: DaySegment, t: number, energy: Energy): number[] {
  const buckets = Array<number>(24).fill(0);
  const end = Math.min(t, segment.end);
  for (let s = segment.start; s < end; ) {
    const e = Math.min(end, (Math.floor(s / HOUR_MS) + 1) * HOUR_MS);
    const hour = Math.floor(((((s + segment.offsetMs) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    buckets[hour] = Math.floor(energy(s, e) / 3600);
    s = e;
  }
  return buckets;
}
