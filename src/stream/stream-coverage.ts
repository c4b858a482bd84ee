export interface StreamCoverageOptions {
  /** The silence limit is never shorter than this. Default 60 s. */
  minSilenceMs?: number;
  /** A device is silent after this many of its usual gaps between messages. Default 3. */
  gapFactor?: number;
}

interface Heard {
  at: number;
  /** Smoothed gap between this device's messages, once two have arrived. */
  gapMs?: number;
}

/**
 * Which devices the stream keeps fresh: the stream is connected and the device has spoken on it
 * within its silence limit (3 × its usual message gap, at least a minute), counted from the
 * connect for a device not heard yet. The rest are REST's to poll at COLLECTING_INTERVAL.
 */
export class StreamCoverage {
  readonly #minSilenceMs: number;
  readonly #gapFactor: number;
  readonly #heard = new Map<string, Heard>();
  #connectedAt?: number;

  constructor(options: StreamCoverageOptions = {}) {
    this.#minSilenceMs = options.minSilenceMs ?? 60_000;
    this.#gapFactor = options.gapFactor ?? 3;
  }

  connected(at = Date.now()): void {
    this.#connectedAt = at;
  }

  disconnected(): void {
    this.#connectedAt = undefined;
  }

  get isConnected(): boolean {
    return this.#connectedAt !== undefined;
  }

  /** A message (quota or status) from the device. */
  heard(sn: string, at = Date.now()): void {
    const previous = this.#heard.get(sn);
    if (!previous) {
      this.#heard.set(sn, { at });
      return;
    }
    const gap = at - previous.at;
    // A moving average: one long pause does not make a chatty device look quiet for good.
    previous.gapMs = previous.gapMs === undefined ? gap : previous.gapMs * 0.8 + gap * 0.2;
    previous.at = at;
  }

  forget(sn: string): void {
    this.#heard.delete(sn);
  }

  silenceLimitMs(sn: string): number {
    const gap = this.#heard.get(sn)?.gapMs;
    return Math.max(this.#minSilenceMs, gap === undefined ? 0 : this.#gapFactor * gap);
  }

  /** True while the stream keeps this device fresh, so REST only reconciles. */
  covers(sn: string, now = Date.now()): boolean {
    if (this.#connectedAt === undefined) return false;
    const last = Math.max(this.#heard.get(sn)?.at ?? 0, this.#connectedAt);
    return now - last <= this.silenceLimitMs(sn);
  }
}
