/**
 * A device's own lifetime energy counter, followed by a counter of ours. Ours starts at the
 * device's reading (the figure the app shows) and from then on grows only by plausible
 * increases of that reading, so no misreading, reset or restart can move it backwards or
 * make it count energy that never flowed. Knows nothing of OpenTelemetry.
 *
 * The rules, per pack (a message that names its battery pack is counted per pack; one that
 * does not is the pack last named, or the one read last):
 * - a reading above the trusted one by no more than the counter can count in the time since
 *   the trusted reading (twice its rating, plus one counting step) is trusted: ours grows by
 *   the difference;
 * - any other reading (lower, or faster than the device can deliver) adds nothing. If such a
 *   level persists (PERSIST_READINGS readings over PERSIST_MS, growing like a counter), the
 *   device really reset or moved on: we re-baseline on it and count its growth from there;
 * - until the new level has counted anything, a reading that is a plausible continuation of
 *   the level left behind returns to it, counting what the device counted since its last
 *   trusted reading there (a long misreading taken for a reset); once the new level grows, the
 *   old one is let go, so a later reading can never bring a whole jump back;
 * - a counter starts once two readings agree, so a single misread first value is never the start.
 */
import { plausibleGrowth } from './plausibility.js';

/** Readings a new level needs before it is believed (with PERSIST_MS). */
export const PERSIST_READINGS = 3;
/** Time a new level needs before it is believed (with PERSIST_READINGS): ten minutes. */
export const PERSIST_MS = 10 * 60_000;

/** A level of readings not trusted (yet): where it started, where it is, how often seen. */
export interface Level {
  first: number;
  last: number;
  firstAt: number;
  lastAt: number;
  readings: number;
}

/** One pack's trusted reading, and what is pending against it. */
export interface Anchor {
  /** The last trusted reading, in joules. */
  baseline: number;
  /** Epoch ms of the last trusted reading: the time growth is judged over. */
  at: number;
  /** Epoch ms of the last reading offered: the same reading offered again is not a new one. */
  readAt: number;
  pending?: Level;
  /** The anchor the last re-baseline left, and our counter then: kept until the new level grows. */
  previous?: { baseline: number; at: number; joules: number };
}

/** What a device counter keeps, and what the state file holds of it. */
export interface DeviceCounterState {
  /** Ours: what is exported. */
  joules: number;
  /** Epoch ms the counting started (the counter's start time for OTLP): it never changes. */
  since: number;
  /** By pack identity; '' for readings that name none. */
  anchors: Record<string, Anchor>;
}

export type DeviceCounterVerdict = 'unconfirmed' | 'started' | 'accepted' | 'unchanged' | 'held' | 'jump' | 'reset' | 'rebaselined' | 'recovered';

export class DeviceCounter {
  readonly #ratedWatts: number;
  readonly #stepJoules: number;
  readonly #takeOver: { joules: number; since: number } | undefined;
  #state: DeviceCounterState | undefined;
  /** Levels not confirmed yet, by pack: not kept across restarts (a reading or two, re-read). */
  readonly #unconfirmed = new Map<string, Level>();
  #lastPack: string | undefined;

  /**
   * `stepJoules`: the counter's resolution (a whole-Wh counter: 3600 J per key added up).
   * `restored`: from the state file. `takeOver`: the integrated counter this one replaces (the
   * device's counter appeared later): ours continues from it, without a jump.
   */
  constructor(o: { ratedWatts: number; stepJoules: number; restored?: DeviceCounterState; takeOver?: { joules: number; since: number } }) {
    const { ratedWatts, restored, takeOver } = o;
    this.#ratedWatts = ratedWatts;
    this.#stepJoules = o.stepJoules;
    this.#state = restored && structuredClone(restored);
    this.#takeOver = takeOver;
  }

  get state(): Readonly<DeviceCounterState> | undefined {
    return this.#state;
  }

  /** A reading of the device's counter, in joules, as of `at`, from pack `pack` if it said. */
  offer(joules: number, at: number, pack?: string): DeviceCounterVerdict {
    const id = this.#packOf(pack);
    const state = this.#state;
    const anchor = state?.anchors[id];
    if (!state || !anchor) return this.#confirm(id, joules, at);
    if (at <= anchor.readAt) return 'unchanged';
    anchor.readAt = at;

    const previous = anchor.previous;
    if (previous && this.#plausible(joules - previous.baseline, at - previous.at)) {
      state.joules = Math.max(state.joules, previous.joules + (joules - previous.baseline));
      state.anchors[id] = { baseline: joules, at, readAt: at };
      return 'recovered';
    }
    const growth = joules - anchor.baseline;
    if (growth === 0) {
      anchor.at = at;
      delete anchor.pending;
      return 'unchanged';
    }
    if (this.#plausible(growth, at - anchor.at)) {
      state.joules += growth;
      // The new level counts: the one a re-baseline left is let go.
      state.anchors[id] = { baseline: joules, at, readAt: at };
      return 'accepted';
    }
    const level = this.#extend(anchor.pending, joules, at);
    anchor.pending = level;
    if (!persists(level)) return growth < 0 ? 'held' : 'jump';
    const left = { baseline: anchor.baseline, at: anchor.at, joules: state.joules };
    state.joules += level.last - level.first;
    state.anchors[id] = { baseline: level.last, at: level.lastAt, readAt: at, ...(level.last === level.first && { previous: left }) };
    return growth < 0 ? 'reset' : 'rebaselined';
  }

  /** The pack a reading is of: as named; unnamed, the one last named, else the one read last. */
  #packOf(pack: string | undefined): string {
    const state = this.#state;
    if (pack === undefined || pack === '') return this.#lastPack ?? lastRead(state) ?? '';
    // The first pack named takes over what was counted while no message named one.
    if (this.#lastPack === undefined && state?.anchors[''] && !state.anchors[pack]) {
      state.anchors[pack] = state.anchors['']!;
      delete state.anchors[''];
    }
    this.#lastPack = pack;
    return pack;
  }

  /** No trusted reading for this pack yet: two readings that agree start it. */
  #confirm(id: string, joules: number, at: number): DeviceCounterVerdict {
    const before = this.#unconfirmed.get(id);
    if (before && at <= before.lastAt) return 'unconfirmed';
    const level = this.#extend(before, joules, at);
    if (level.readings < 2) {
      this.#unconfirmed.set(id, level);
      return 'unconfirmed';
    }
    this.#unconfirmed.delete(id);
    const anchor: Anchor = { baseline: level.last, at: level.lastAt, readAt: at };
    if (this.#state) {
      // Another pack: its own lifetime is not ours to add, only what it counts from now on.
      this.#state.joules += level.last - level.first;
      this.#state.anchors[id] = anchor;
    } else {
      const start = this.#takeOver ?? { joules: level.last, since: level.firstAt };
      this.#state = { joules: start.joules, since: start.since, anchors: { [id]: anchor } };
    }
    return 'started';
  }

  /** The level a reading continues (growing like a counter), or a new one from it. */
  #extend(level: Level | undefined, joules: number, at: number): Level {
    if (level && this.#continues(level, joules, at)) return { ...level, last: joules, lastAt: at, readings: level.readings + 1 };
    return { first: joules, last: joules, firstAt: at, lastAt: at, readings: 1 };
  }

  #continues(level: Level, joules: number, at: number): boolean {
    return at > level.lastAt && this.#plausible(joules - level.last, at - level.lastAt);
  }

  #plausible(growth: number, elapsedMs: number): boolean {
    return plausibleGrowth(growth, this.#ratedWatts, elapsedMs, this.#stepJoules);
  }
}

/** The pack whose reading came last: where an unnamed reading goes when no pack was named since the start. */
function lastRead(state: DeviceCounterState | undefined): string | undefined {
  let last: [string, number] | undefined;
  for (const [id, anchor] of Object.entries(state?.anchors ?? {})) if (!last || anchor.readAt > last[1]) last = [id, anchor.readAt];
  return last?.[0];
}

function persists(level: Level): boolean {
  return level.readings >= PERSIST_READINGS && level.lastAt - level.firstAt >= PERSIST_MS;
}
