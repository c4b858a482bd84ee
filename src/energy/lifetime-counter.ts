/**
 * A device's own lifetime energy counter, read by us: the raw sum of its keys, trusted only
 * when it behaves like a counter. Knows nothing of OpenTelemetry.
 */
import type { LifetimeCounterRow } from '../devices/device-family.js';
import type { QuotaEntry } from '../snapshot/quota-snapshot.js';
import { readQuota } from '../snapshot/quota-value.js';

/** uint32 "n/a", seen on neighbouring capacity fields: never a reading. */
export const UINT32_NOT_AVAILABLE = 4294967295;

/** A counter may grow at most this many times the device's rated power over the time elapsed. */
export const JUMP_MARGIN = 2;

/**
 * A reading of the row: its keys' raw values added up, × scale (joules), with the time of the
 * newest (the stream may bring one key of a sum without the others: the sum is as of then).
 * Undefined when a key is absent or not available, or the sum is 0: a key the model
 * leaves unfilled reads 0 for ever, and a counter that counted nothing yet has nothing to say.
 */
export function readLifetime(
  row: Pick<LifetimeCounterRow, 'keys' | 'scale'>,
  quotas: ReadonlyMap<string, QuotaEntry>,
): { joules: number; at: number } | undefined {
  let sum = 0;
  let at = -Infinity;
  for (const key of row.keys) {
    const reading = readQuota(quotas, key);
    if (reading === undefined || reading.value < 0 || reading.value >= UINT32_NOT_AVAILABLE) return undefined;
    sum += reading.value;
    at = Math.max(at, reading.updatedAt);
  }
  if (sum === 0) return undefined;
  return { joules: sum * row.scale, at };
}

export type CounterVerdict = 'accepted' | 'unchanged' | 'held' | 'reset' | 'jump';

/**
 * What we export of one lifetime counter:
 * - a decrease that lasts one reading is a glitch: the last value holds;
 * - a decrease that persists (the next reading is below the held value too) is a real reset,
 *   and is let through (Prometheus's increase() sees a reset), with a new start time (OTLP
 *   receivers see one);
 * - growth beyond `maxWatts` over the time since the last accepted reading is a misreading:
 *   dropped (a later reading, with more time elapsed, is judged again).
 */
export class LifetimeCounter {
  readonly #maxWatts: number;
  #joules: number | undefined;
  #at = 0;
  #since = 0;
  #lowSeen = false;

  constructor(maxWatts: number) {
    this.#maxWatts = maxWatts;
  }

  /** Joules so far; undefined before the first accepted reading. */
  get joules(): number | undefined {
    return this.#joules;
  }

  /** Epoch ms of the first accepted reading (the counter's start time for OTLP). */
  get since(): number {
    return this.#since;
  }

  offer(joules: number, at: number): CounterVerdict {
    const last = this.#joules;
    if (last === undefined) {
      this.#accept(joules, at);
      this.#since = at;
      return 'accepted';
    }
    if (joules < last) {
      if (!this.#lowSeen) {
        this.#lowSeen = true;
        return 'held';
      }
      this.#accept(joules, at);
      this.#since = at;
      return 'reset';
    }
    this.#lowSeen = false;
    // The time counts from the last change: a counter in whole Wh stands still between steps.
    if (joules === last) return 'unchanged';
    const seconds = Math.max(0, at - this.#at) / 1000;
    if (joules - last > this.#maxWatts * JUMP_MARGIN * seconds) return 'jump';
    this.#accept(joules, at);
    return 'accepted';
  }

  #accept(joules: number, at: number): void {
    this.#joules = joules;
    this.#at = at;
    this.#lowSeen = false;
  }
}
