/**
 * How much of a device's quotas the snapshot may hold, and what it left out. Each stored key costs
 * its leaves (a flat value: 1; `[{a, b}, {a, b}]`: 4), at least 1, and the metric names the raw
 * metrics make of it (array positions are labels, so `[{a, b}, {a, b}]` makes 2), at least 1; a
 * device's keys together may cost `limit` leaves and `nameLimit` names. Names have their own
 * bound because each is an instrument of its own, which costs far more than a series under a name
 * already made: with five devices, one of them sending 200,000 flat keys, RSS went from 135 MB
 * to × 2.2–2.4 when 5,000 were kept, × 1.21–1.31 when 1,000 names were, × 1.15–1.22 at 750
 * and × 1.13–1.19 at 500 (three runs each, 2026-12-07, Node v26.12.1, 2-core Xeon). A `QuotaBudget` keeps the running cost of
 * one device's stored keys, so a stream message pays for its own keys only, and the keys refused
 * for want of room, so that the count of what is missing neither grows with every message that
 * repeats a refused key nor falls between the reads that refuse it. The snapshot decides which
 * keys to store; this file counts.
 */
import { type LeafWalk, visitLeaves } from './quota-path.js';
import { numericValue } from './quota-value.js';

/**
 * What the output makes of a key. 'keep': it reads the key by name (a family's table, the energy
 * ledger, device detection), so it is stored whatever the room, and takes its room first. 'cap':
 * stored while the device's budget has room, in payload order. 'drop': nothing reads it (raw
 * metrics switched off, say): never stored, and not counted as dropped. The same key must always
 * get the same answer: the running cost of a device assumes it.
 */
export type KeyPolicy = (key: string) => 'keep' | 'cap' | 'drop';

/**
 * Nodes nested deeper than this are not read: nothing real nests this far, and the recursion must
 * stay bounded on values from the network. The raw metrics walk to the same depth (a leaf past it
 * makes no series, so it costs nothing here).
 */
export const MAX_QUOTA_DEPTH = 16;

interface Count {
  leaves: number;
}

const COUNT_NUMERIC_LEAVES: LeafWalk<undefined, Count> = {
  // No path is built: only the count is wanted.
  step: () => undefined,
  leaf(value, _at, _segments, count) {
    if (numericValue(value) !== undefined) count.leaves++;
  },
  maxDepth: MAX_QUOTA_DEPTH,
  // An empty array or object holds no measurement (as in the raw metrics).
  emptyContainersAreLeaves: false,
};

const COUNT_LEAVES: LeafWalk<undefined, Count> = {
  ...COUNT_NUMERIC_LEAVES,
  leaf(_value, _at, _segments, count) {
    count.leaves++;
  },
};

/**
 * The room storing `value` takes: its leaves, numbers or not, at least 1. Strings count: a key
 * holding 200 000 of them makes no series but would take the memory of 200 000 values.
 *
 * A nested value is counted whole, never stopped at the room left, for three reasons. The count
 * of what is missing must not depend on the room: a walk stopped there would report the same
 * refused key as 5 000 values on one read and 3 000 on the next, and every change is a new log
 * line. A key the output reads by name, and a key already stored, are stored whatever they cost,
 * so their cost is needed whole anyway. And the walk costs less than the JSON.parse that made the
 * value, already paid: on 200 000 leaves, 1.8 ms against 2.1 ms for an array of numbers, 6.5 against
 * 23 ms for numeric strings, 49 against 82 ms for an object of 200 000 keys (Node v26.12.1, 2 Xeon cores, 2026-12-07).
 */
export function quotaCost(value: unknown): number {
  return count(value, COUNT_LEAVES);
}

/** The values the raw metrics would make of `value` (its numeric leaves), at least 1: what a refusal leaves out. */
export function quotaValues(value: unknown): number {
  return count(value, COUNT_NUMERIC_LEAVES);
}

/**
 * The raw metric names `value` makes: its numeric leaves' paths without array positions, each
 * once, at least 1 (a flat value: 1, a number or not, as it is 1 value).
 */
export function quotaNames(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  const names = new Set<string>();
  visitLeaves(value, '', NAME_PATHS, names);
  return Math.max(1, names.size);
}

const NAME_PATHS: LeafWalk<string, Set<string>> = {
  // As the raw metrics name a leaf: positions left to the labels.
  step: (path, segment) => (typeof segment === 'number' ? path : `${path}.${segment}`),
  leaf(value, path, _segments, names) {
    if (numericValue(value) !== undefined) names.add(path);
  },
  maxDepth: MAX_QUOTA_DEPTH,
  emptyContainersAreLeaves: false,
};

function count(value: unknown, walk: LeafWalk<undefined, Count>): number {
  // A flat value: no walk, no allocation.
  if (value === null || typeof value !== 'object') return 1;
  const counted: Count = { leaves: 0 };
  visitLeaves(value, undefined, walk, counted);
  return Math.max(1, counted.leaves);
}

/**
 * Names of refused keys remembered per device. Enough to count exactly a device that is a few
 * hundred keys over its budget; past it, a full read still counts each key it refuses (it lists
 * each key once), but a stream message refusing a key not remembered is not counted: it may be a
 * key a full read refused and counted already, and counting each repeat would grow the count with
 * every message. The count is then at least what is missing, and steady.
 */
export const REFUSED_NAMES = 1_000;

interface Refusal {
  cost: number;
  /** Epoch ms of the last write that refused the key. */
  at: number;
  /** Refused by a full read (REST): the next full read decides it again. */
  rest: boolean;
}

/** One device's budget: the cost of its stored keys and what was refused for want of room. */
export class QuotaBudget {
  readonly limit: number;
  readonly nameLimit: number;
  #used = 0;
  #names = 0;
  /** Costs of the stored keys that cost more than 1; a flat key costs 1 and has no entry. */
  readonly #costs = new Map<string, number>();
  /** Names of the stored keys that make more than 1. */
  readonly #nameCounts = new Map<string, number>();
  readonly #refused = new Map<string, Refusal>();
  #refusedCost = 0;
  /** Refused by the last full read past the names remembered. */
  #unnamed = 0;

  constructor(limit: number, nameLimit = Infinity) {
    this.limit = limit;
    this.nameLimit = nameLimit;
  }

  /** The cost of the stored keys. */
  get used(): number {
    return this.#used;
  }

  /** The metric names of the stored keys. */
  get names(): number {
    return this.#names;
  }

  /** Numeric values of the keys refused and not stored since (each at least 1). */
  get dropped(): number {
    return this.#refusedCost + this.#unnamed;
  }

  /** Whether a new key costing `cost` and making `names` fits beside the stored ones. */
  fits(cost: number, names = 1): boolean {
    return this.#used + cost <= this.limit && this.#names + names <= this.nameLimit;
  }

  /** `key`, not stored before, is stored at `cost`, making `names`; it is no longer missing. */
  charge(key: string, cost: number, names = 1): void {
    this.#used += cost;
    this.#names += names;
    if (cost !== 1) this.#costs.set(key, cost);
    if (names !== 1) this.#nameCounts.set(key, names);
    if (this.#refused.size === 0) return;
    const refusal = this.#refused.get(key);
    if (refusal === undefined) return;
    this.#refused.delete(key);
    this.#refusedCost -= refusal.cost;
  }

  /** `key`, stored already, now holds a value costing `cost` and making `names`. */
  recharge(key: string, cost: number, names = 1): void {
    this.#used += cost - swap(this.#costs, key, cost);
    this.#names += names - swap(this.#nameCounts, key, names);
  }

  /** `key` is no longer stored. */
  release(key: string): void {
    this.#used -= swap(this.#costs, key, 1);
    this.#names -= swap(this.#nameCounts, key, 1);
  }

  /** `key`, costing `cost`, was refused for want of room by the write at `at`. */
  refuse(key: string, cost: number, at: number, rest: boolean): void {
    const refusal = this.#refused.get(key);
    if (refusal !== undefined) {
      this.#refusedCost += cost - refusal.cost;
      refusal.cost = cost;
      refusal.at = at;
      return;
    }
    if (this.#refused.size < REFUSED_NAMES) {
      this.#refused.set(key, { cost, at, rest });
      this.#refusedCost += cost;
    } else if (rest) this.#unnamed += cost;
  }

  /** Whether `key` is refused now and remembered by name. */
  refuses(key: string): boolean {
    return this.#refused.has(key);
  }

  /** Values refused by a full read without their names (the reader left them out past those it names). */
  refuseUnnamed(cost: number): void {
    this.#unnamed += cost;
  }

  /**
   * A full read begins: what it delivers is decided again, what REST refused before and not now
   * is not missing any more, and a key only the stream brought is forgotten as a stored one would
   * be (refused before `pruneBefore`). `delivers` says whether the read holds a key.
   */
  startFullRead(delivers: (key: string) => boolean, pruneBefore: number): void {
    this.#unnamed = 0;
    for (const [key, refusal] of this.#refused) {
      if (!refusal.rest && refusal.at >= pruneBefore && !delivers(key)) continue;
      this.#refused.delete(key);
      this.#refusedCost -= refusal.cost;
    }
  }

  /** Nothing stored, nothing missing (the device's values were dropped). */
  clear(): void {
    this.#used = 0;
    this.#names = 0;
    this.#costs.clear();
    this.#nameCounts.clear();
    this.#refused.clear();
    this.#refusedCost = 0;
    this.#unnamed = 0;
  }
}

/** Sets `key`'s count in `counts` (where 1, the common case, has no entry); returns the one before. */
function swap(counts: Map<string, number>, key: string, now: number): number {
  // The common case, flat values only: nothing to look up.
  if (counts.size === 0) {
    if (now !== 1) counts.set(key, now);
    return 1;
  }
  const before = counts.get(key) ?? 1;
  if (now !== 1) counts.set(key, now);
  else if (before !== 1) counts.delete(key);
  return before;
}
