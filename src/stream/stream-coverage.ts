export interface StreamCoverageOptions {
  /** The silence limit is never shorter than this. Default 60 s. */
  minSilenceMs?: number;
  /** Nor longer than this, however slow a device usually is. Default 10 min. */
  maxSilenceMs?: number;
  /** A device is silent after this many of its usual gaps between messages. Default 3. */
  gapFactor?: number;
}

interface Heard {
  /** Last message since the current connection; absent: none yet. */
  at?: number;
  /** Smoothed gap between this device's messages, once two have arrived on one connection. */
  gapMs?: number;
}

/**
 * Which devices the stream keeps fresh: the stream is connected and the device has spoken on it
 * within its silence limit (3 × its usual message gap, at least a minute). The rest are REST's to
 * poll at COLLECTING_INTERVAL.
 */
export class StreamCoverage {
  readonly #minSilenceMs: number;
  readonly #maxSilenceMs: number;
  readonly #gapFactor: number;
  readonly #heard = new Map<string, Heard>();
  #connectedAt?: number;

  constructor(options: StreamCoverageOptions = {}) {
    this.#minSilenceMs = options.minSilenceMs ?? 60_000;
    this.#maxSilenceMs = Math.max(this.#minSilenceMs, options.maxSilenceMs ?? 600_000);
    this.#gapFactor = options.gapFactor ?? 3;
  }

  connected(at = Date.now()): void {
    this.#connectedAt = at;
  }

  disconnected(): void {
    this.#connectedAt = undefined;
    // A gap that spans an outage is not the device's rhythm.
    for (const heard of this.#heard.values()) heard.at = undefined;
  }

  get isConnected(): boolean {
    return this.#connectedAt !== undefined;
  }

  /** A message from the device that was understood (quota or status). */
  heard(sn: string, at = Date.now()): void {
    const heard = this.#heard.get(sn);
    if (!heard) {
      this.#heard.set(sn, { at });
      return;
    }
    if (heard.at !== undefined) {
      const gap = at - heard.at;
      // A moving average: one long pause does not make a chatty device look quiet for good.
      heard.gapMs = heard.gapMs === undefined ? gap : heard.gapMs * 0.8 + gap * 0.2;
    }
    heard.at = at;
  }

  forget(sn: string): void {
    this.#heard.delete(sn);
  }

  silenceLimitMs(sn: string): number {
    const gap = this.#heard.get(sn)?.gapMs;
    return Math.min(this.#maxSilenceMs, Math.max(this.#minSilenceMs, gap === undefined ? 0 : this.#gapFactor * gap));
  }

  /** True while the stream keeps this device fresh, so REST only reconciles. */
  covers(sn: string, now = Date.now()): boolean {
    if (this.#connectedAt === undefined) return false;
    const last = this.#heard.get(sn)?.at;
    // Not heard since the connect: half the limit, so that a device that never speaks on the
    // stream is read over REST again before the values of its first read go stale.
    if (last === undefined) return now - this.#connectedAt <= this.silenceLimitMs(sn) / 2;
    return now - last <= this.silenceLimitMs(sn);
  }
}
