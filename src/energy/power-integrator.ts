/**
 * Energy integrated from power, for what no device counter counts. The power is held between
 * updates (stream messages come on change; a REST read is the value until the next), and the
 * time since the last update is added at each update, never at collection time. Knows nothing
 * of OpenTelemetry.
 */
import { plausiblePower } from './plausibility.js';

/** What an integrated counter keeps, and what the state file holds of it. */
export interface IntegratedState {
  joules: number;
  /** Epoch ms the counting started (the counter's start time for OTLP). */
  since: number;
}

/** A power reading: W ≥ 0 (already split by sign), and whether it may be integrated further. */
export interface HeldPower {
  watts: number;
  /** Epoch ms its keys were written. */
  updatedAt: number;
  /** Its oldest key came from a REST read (see QuotaEntry.inRest). */
  rest?: true;
}

export type IntegratorVerdict = 'ok' | 'implausible';

export class PowerIntegrator {
  readonly #ratedWatts: number;
  readonly #state: IntegratedState;
  #held: HeldPower | undefined;
  #at: number | undefined;

  constructor(ratedWatts: number, restored?: IntegratedState) {
    this.#ratedWatts = ratedWatts;
    this.#state = restored ? { ...restored } : { joules: 0, since: Number.NaN };
  }

  /** Undefined until the first power was held (and nothing restored). */
  get state(): Readonly<IntegratedState> | undefined {
    return Number.isNaN(this.#state.since) ? undefined : this.#state;
  }

  /**
   * Adds the held power over the time since the last update, up to `at`, when `counts` says the
   * held value was still the device's (fresh, not silent for too long); the caller judges that.
   */
  advance(at: number, counts: (held: HeldPower, seconds: number) => boolean): void {
    if (this.#held && this.#at !== undefined && at > this.#at) {
      const seconds = (at - this.#at) / 1000;
      if (counts(this.#held, seconds)) this.#state.joules += this.#held.watts * seconds;
    }
    if (this.#at === undefined || at > this.#at) this.#at = at;
  }

  /** The power from now on; undefined: none (the key went, the value is out of range). */
  hold(power: HeldPower | undefined, at: number): IntegratorVerdict {
    if (power && !plausiblePower(power.watts, this.#ratedWatts)) {
      this.#held = undefined;
      return 'implausible';
    }
    // With nothing held until now, the interval starts now: no time before the power arrived counts.
    if (!this.#held || this.#at === undefined) this.#at = Math.max(this.#at ?? at, at);
    this.#held = power;
    if (power && Number.isNaN(this.#state.since)) this.#state.since = at;
    return 'ok';
  }

  /** Offline or gone: nothing is held, and the next update starts a new interval. */
  stop(): void {
    this.#held = undefined;
    this.#at = undefined;
  }
}
