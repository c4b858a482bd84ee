/**
 * A device's own lifetime energy counter, followed by a counter of ours. Ours starts at the
 * device's reading (the figure the app shows) and from then on grows only by plausible
 * increases of that reading, so no misreading, reset or restart can move it backwards or
 * make it count energy that never flowed. Knows nothing of OpenTelemetry.
 *
 * The rules, per pack (a message that names its battery pack is counted per pack; one that
 * does not is the pack last named, or the device's only one):
 * - a reading above the trusted one by no more than the counter can count in the time since
 *   the trusted one last changed (twice its rating) is trusted: ours grows by the difference;
 * - any other reading (lower, or faster than the device can deliver) adds nothing. If such a
 *   level persists (PERSIST_READINGS readings over PERSIST_MS, growing like a counter), the
 *   device really reset or moved on: we re-baseline on it and count its growth from there;
 * - after a re-baseline, a reading that is a plausible continuation of the level left behind
 *   returns to it, counting what the device counted since its last trusted reading there;
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
  /** Epoch ms of the level's last change (whole-Wh counters stand still between steps). */
  changedAt: number;
  lastAt: number;
  readings: number;
}

/** One pack's trusted reading, and what is pending against it. */
export interface Anchor {
  /** The last trusted reading, in joules. */
  baseline: number;
  /** Epoch ms the trusted reading last changed. */
  at: number;
  /** Epoch ms of the last reading offered: the same reading offered again is not a new one. */
  readAt: number;
  pending?: Level;
  /** The anchor the last re-baseline left, and our counter then. */
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
  readonly #takeOver: { joules: number; since: number } | undefined;
  #state: DeviceCounterState | undefined;
  /** Levels not confirmed yet, by pack: not kept across restarts (a reading or two, re-read). */
  readonly #unconfirmed = new Map<string, Level>();
  #lastPack: string | undefined;

  /**
   * `restored`: from the state file. `takeOver`: the integrated counter this one replaces (the
   * device's counter appeared later): ours continues from it, without a jump.
   */
  constructor(ratedWatts: number, restored?: DeviceCounterState, takeOver?: { joules: number; since: number }) {
    this.#ratedWatts = ratedWatts;
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
    if (previous && plausibleGrowth(joules - previous.baseline, this.#ratedWatts, at - previous.at)) {
      state.joules = Math.max(state.joules, previous.joules + (joules - previous.baseline));
      state.anchors[id] = { baseline: joules, at, readAt: at };
      return 'recovered';
    }
    const growth = joules - anchor.baseline;
    if (growth === 0) {
      delete anchor.pending;
      return 'unchanged';
    }
    if (plausibleGrowth(growth, this.#ratedWatts, at - anchor.at)) {
      state.joules += growth;
      state.anchors[id] = { baseline: joules, at, readAt: at, ...(anchor.previous && { previous: anchor.previous }) };
      return 'accepted';
    }
    const level = this.#extend(anchor.pending, joules, at);
    anchor.pending = level;
    if (!persists(level)) return growth < 0 ? 'held' : 'jump';
    const left = { baseline: anchor.baseline, at: anchor.at, joules: state.joules };
    state.joules += level.last - level.first;
    state.anchors[id] = { baseline: level.last, at: level.changedAt, readAt: at, previous: left };
    return growth < 0 ? 'reset' : 'rebaselined';
  }

  /** The pack a reading is of: as named; unnamed, the one last named (or the only one). */
  #packOf(pack: string | undefined): string {
    if (pack === undefined || pack === '') return this.#lastPack ?? '';
    const state = this.#state;
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
    const anchor: Anchor = { baseline: level.last, at: level.changedAt, readAt: at };
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
    if (level && at > level.lastAt && plausibleGrowth(joules - level.last, this.#ratedWatts, at - level.changedAt)) {
      return { ...level, last: joules, changedAt: joules === level.last ? level.changedAt : at, lastAt: at, readings: level.readings + 1 };
    }
    return { first: joules, last: joules, firstAt: at, changedAt: at, lastAt: at, readings: 1 };
  }
}

function persists(level: Level): boolean {
  return level.readings >= PERSIST_READINGS && level.lastAt - level.firstAt >= PERSIST_MS;
}
