/**
 * One REST full read of a device under a budget, planned before its answer is parsed: which keys
 * of the answer are worth building. JSON.parse builds every key of an answer before anything can
 * look at it, so a device sending 200,000 keys put 200,000 properties in the old generation at
 * each poll, though the snapshot keeps no more than the keys its tables read and
 * MAX_METRICS_PER_DEVICE others. A reader given this plan (src/ecoflow/quota-reader.ts) asks
 * `take` for each key in payload order and keeps only those; it parses each other key's value,
 * shows it to `leaveOut` and lets it go while young, so that what is missing is still counted
 * exactly.
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
  readonly #room: number;
  #roomLeft: number;
  readonly #stored: ReadonlyMap<string, unknown>;
  readonly #budget: QuotaBudget;
  /** Keys left out, with their values, by name as far as the budget remembers names. */
  readonly #leftOut = new Map<string, number>();
  /** Values of the keys left out past those named. */
  #unnamed = 0;
  /**
   * Keys the snapshot knows (stored, or refused before) left out by this read, named or not: it
   * lets a stored one go, and a refusal is not counted again as one of the unnamed.
   */
  readonly #knownLeftOut = new Set<string>();

  /** `room`: how many 'cap' keys to take; `stored`: the device's stored keys; `budget`: its budget. */
  constructor(policy: KeyPolicy, room: number, stored: ReadonlyMap<string, unknown>, budget: QuotaBudget) {
    this.#policy = policy;
    this.#room = room;
    this.#roomLeft = room;
    this.#stored = stored;
    this.#budget = budget;
  }

  /** An object of keys begins: what an earlier one was told no longer counts (JSON keeps the last). */
  begin(): void {
    this.#roomLeft = this.#room;
    this.#leftOut.clear();
    this.#unnamed = 0;
    this.#knownLeftOut.clear();
  }

  /** Whether the reader builds `key` (asked once per key, in payload order). */
  take(key: string): boolean {
    const fate = this.#policy(key);
    if (fate === 'keep') return true;
    if (fate === 'drop') return false;
    if (this.#roomLeft > 0) {
      this.#roomLeft--;
      return true;
    }
    return false;
  }

  /** `key`, not taken, held `value`. */
  leaveOut(key: string, value: unknown): void {
    // Keys nothing reads are not missing: not counted (as in the snapshot).
    if (this.#policy(key) !== 'cap') return;
    const values = quotaValues(value);
    const known = this.#stored.has(key) || this.#budget.refuses(key);
    if (known) this.#knownLeftOut.add(key);
    if (this.#leftOut.size < REFUSED_NAMES || this.#leftOut.has(key)) this.#leftOut.set(key, values);
    // A key the budget names already is counted through that name (refuseLeftOut), not here.
    else if (known) this.#leftOut.set(key, values);
    else this.#unnamed += values;
  }

  /** Whether the answer held `key` though the reader left it out (as far as it can say). */
  delivered(key: string): boolean {
    return this.#leftOut.has(key) || this.#knownLeftOut.has(key);
  }

  /** Counts what the reader left out as refused by the full read at `at`, in the budget it was planned for. */
  refuseLeftOut(at: number): void {
    for (const [key, values] of this.#leftOut) this.#budget.refuse(key, values, at, true);
    if (this.#unnamed > 0) this.#budget.refuseUnnamed(this.#unnamed);
  }
}
