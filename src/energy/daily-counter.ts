/**
 * Counters the device starts again each day (Smart Home Panel), made lifetime counters by
 * adding what the device added. Knows nothing of OpenTelemetry.
 */
import { plausibleGrowth } from './plausibility.js';

/** What a daily counter keeps between readings, and what the state file holds of it. */
export interface DailyState {
  /** Joules added up since `since`. */
  joules: number;
  /** Epoch ms the counting started (the counter's start time for OTLP). */
  since: number;
  /** The device day of the last reading. */
  day: string;
  /** The last reading's value(s) that day: the highest seen, so a dip then a recovery adds nothing twice. */
  baseline: number[];
  /** Epoch ms of the last reading. */
  at: number;
  /** A day before `day` seen at the last reading: seen again, it is the device's day now. */
  earlier?: string;
}

export type DailyVerdict = 'baseline' | 'added' | 'older-day' | 'jump';

/**
 * One daily counter, or a set of buckets of one day (24 hourly values), accumulated:
 * - the first reading is the baseline and adds nothing: a restart never counts today's partial
 *   total again (the state file carries the baseline across restarts);
 * - within the same device day, each value's increase is added, never a decrease;
 * - on a new day, the new day's values are added whole;
 * - a day before the last one adds nothing; seen on two readings in a row it becomes the day
 *   (the clock was set back, or one reading was misdated forward), as a new baseline;
 * - growth faster than the counter's rating allows (plausibility.ts) since the last reading adds nothing.
 */
export class DailyCounter {
  readonly #ratedWatts: number;
  readonly #scale: number;
  #state: DailyState | undefined;

  constructor(ratedWatts: number, scale: number, restored?: DailyState) {
    this.#ratedWatts = ratedWatts;
    this.#scale = scale;
    this.#state = restored && { ...restored, baseline: [...restored.baseline] };
  }

  get state(): Readonly<DailyState> | undefined {
    return this.#state;
  }

  /** `values`: one reading (one value, or one per bucket), all of day `day`, as quota-readings.ts reads them (available, ≥ 0). */
  offer(values: readonly number[], day: string, at: number): DailyVerdict {
    const clean = [...values];
    const state = this.#state;
    if (!state) {
      this.#state = { joules: 0, since: at, day, baseline: clean, at };
      return 'baseline';
    }
    const order = compareDays(day, state.day);
    if (order < 0) {
      if (state.earlier !== day) {
        state.earlier = day;
        return 'older-day';
      }
      this.#state = { joules: state.joules, since: state.since, day, baseline: clean, at };
      return 'baseline';
    }
    delete state.earlier;
    let added = 0;
    if (order > 0) {
      for (const v of clean) added += v;
    } else {
      for (let i = 0; i < clean.length; i++) added += Math.max(0, clean[i]! - (state.baseline[i] ?? 0));
    }
    if (!plausibleGrowth(added * this.#scale, this.#ratedWatts, at - state.at)) return 'jump';
    const joules = added * this.#scale;
    state.joules += joules;
    state.baseline = order > 0 ? clean : clean.map((v, i) => Math.max(v, state.baseline[i] ?? 0));
    state.day = day;
    state.at = at;
    return 'added';
  }
}

/**
 * Orders two device days: `2025-12-6` (rtc) or `2025-12-6` joined from year, month and day keys.
 * Days that are not three numbers compare equal when the same text, else the new one is later.
 */
function compareDays(a: string, b: string): number {
  if (a === b) return 0;
  const na = dayNumber(a);
  const nb = dayNumber(b);
  if (na === undefined || nb === undefined) return 1;
  return Math.sign(na - nb);
}

function dayNumber(day: string): number | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(day.trim());
  if (!m) return undefined;
  return Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3]);
}
