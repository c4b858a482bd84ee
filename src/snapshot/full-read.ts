/**
 * One REST full read of a device under a budget, planned before its answer is parsed: which keys
 * of the answer are worth building. JSON.parse builds every key of an answer before anything can
 * look at it, so a device sending 200,000 keys put 200,000 properties in the old generation at
 * each poll, though the snapshot keeps a few thousand at most. A reader given this plan
 * (src/ecoflow/quota-reader.ts) asks `take` for each key in payload order and builds only those;
 * it shows each other key's value to `leaveOut` and lets it go, so that what is missing is still
 * counted exactly.
 *
 * The keys the output reads by name are always taken; others ('cap') while fewer than `room` have
 * been: each stored key costs at least 1 of the room and makes at least 1 name, so no more could
 * be stored. The snapshot then decides on what was taken as on a whole answer. (An answer whose
 * first keys are too large to fit, followed by small ones, stores fewer of the small ones than a
 * whole answer would; each is counted as left out.)
 */
import { type KeyPolicy, type QuotaBudget, quotaValues, REFUSED_NAMES } from './quota-budget.js';

export class FullRead {
  readonly #policy: KeyPolicy;
  #room: number;
  readonly #stored: ReadonlyMap<string, unknown>;
  /** Keys left out, with their values, by name as far as the budget remembers names. */
  readonly #leftOut = new Map<string, number>();
  /** Values of the keys left out past those named. */
  #unnamed = 0;
  /** Keys stored now and left out by this read: the snapshot lets them go. */
  readonly #storedLeftOut = new Set<string>();

  constructor(policy: KeyPolicy, room: number, stored: ReadonlyMap<string, unknown>) {
    this.#policy = policy;
    this.#room = room;
    this.#stored = stored;
  }

  /** Whether the reader builds `key` (asked once per key, in payload order). */
  take(key: string): boolean {
    const fate = this.#policy(key);
    if (fate === 'keep') return true;
    if (fate === 'drop') return false;
    if (this.#room > 0) {
      this.#room--;
      return true;
    }
    return false;
  }

  /** `key`, not taken, held `value`. */
  leaveOut(key: string, value: unknown): void {
    // Keys nothing reads are not missing: not counted (as in the snapshot).
    if (this.#policy(key) !== 'cap') return;
    const values = quotaValues(value);
    if (this.#leftOut.size < REFUSED_NAMES || this.#leftOut.has(key)) this.#leftOut.set(key, values);
    else this.#unnamed += values;
    if (this.#stored.has(key)) this.#storedLeftOut.add(key);
  }

  /** Whether the answer held `key` though the reader left it out (as far as it can say). */
  delivered(key: string): boolean {
    return this.#leftOut.has(key) || this.#storedLeftOut.has(key);
  }

  /** Counts what the reader left out as refused by the full read at `at`. */
  refuseLeftOut(budget: QuotaBudget, at: number): void {
    for (const [key, values] of this.#leftOut) budget.refuse(key, values, at, true);
    if (this.#unnamed > 0) budget.refuseUnnamed(this.#unnamed);
  }
}
