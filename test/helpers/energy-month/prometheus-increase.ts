/**
 * The exported counters read the way Prometheus's increase() reads them, per UTC day: per
 * series, the sum of the differences between successive samples, a decrease counting as a
 * counter reset (the new value is added whole, as if the counter had restarted from 0).
 *
 * The month scrapes on whole minutes, so a sample falls on every UTC midnight while the exporter
 * runs: day d's increase is over the pairs of successive samples whose later one lies in
 * (midnight d, midnight d + 1], the first pair starting at the sample on midnight d. That is
 * increase(…[1d] @ midnight d + 1) with samples on both edges, so no extrapolation is needed,
 * and the days add up to the whole month. A series missing from some scrapes (the exporter down)
 * is a gap: the pair across it counts on the day of its later sample.
 */
import { DAY_MS } from './profiles.js';

export interface Decrease {
  at: number;
  series: string;
  fromJ: number;
  toJ: number;
}

export class IncreaseReader {
  readonly #fromMs: number;
  readonly #days: number;
  readonly #last = new Map<string, number>();
  readonly #increase = new Map<string, Float64Array>();
  /** Every sample below the one before it, in order. */
  readonly decreases: Decrease[] = [];

  /** Days counted from `fromMs` (a UTC midnight). */
  constructor(fromMs: number, days: number) {
    this.#fromMs = fromMs;
    this.#days = days;
  }

  scrape(at: number, samples: Iterable<[series: string, joules: number]>): void {
    const day = Math.ceil((at - this.#fromMs) / DAY_MS) - 1;
    for (const [series, joules] of samples) {
      const last = this.#last.get(series);
      this.#last.set(series, joules);
      if (last === undefined) continue;
      if (joules < last) this.decreases.push({ at, series, fromJ: last, toJ: joules });
      if (day < 0 || day >= this.#days) continue;
      let days = this.#increase.get(series);
      if (!days) this.#increase.set(series, (days = new Float64Array(this.#days)));
      days[day]! += joules >= last ? joules - last : joules;
    }
  }

  /** The series' increase over UTC day `day`; 0 for a series never seen. */
  increase(series: string, day: number): number {
    return this.#increase.get(series)?.[day] ?? 0;
  }

  /** Every series seen. */
  series(): Iterable<string> {
    return this.#last.keys();
  }
}
