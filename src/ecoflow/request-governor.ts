import type { Logger } from '../log/logger.js';
import { backoffDelay } from '../timing/backoff-delay.js';
import { sleep } from '../timing/sleep.js';
import { EcoflowCircuitOpenError, EcoflowRateLimitError, isDeviceSpecific, type EcoflowEndpoint } from './errors.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface RequestGovernorOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** Ceiling of the first backoff after a failure (backoff-delay.ts); doubles per consecutive failure. Default 1 s. */
  baseBackoffMs?: number;
  /** Longest backoff; a request that would queue longer is refused at once. Default 60 s. */
  maxBackoffMs?: number;
  /** First open period; doubles each time a probe fails. Default 30 s. */
  openMs?: number;
  /** Longest open period. Default 10 min. */
  maxOpenMs?: number;
  onStateChange?: (state: CircuitState, detail: { cause?: unknown; openForMs?: number }) => void;
  /** The backoff's jitter source, uniform in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * One gate for every EcoFlow request of the process. Healthy: requests pass untouched. After a
 * failure, requests are spaced by an exponential, jittered backoff, so a fleet of devices does
 * not retry in a storm. After `failureThreshold` consecutive failures the circuit opens: no
 * request is sent until the open period ends, then a single probe decides whether it closes.
 * Device-specific refusals (1006 …) say nothing about the cloud and count as neither.
 */
export class RequestGovernor {
  readonly #o: Required<Omit<RequestGovernorOptions, 'onStateChange'>> & Pick<RequestGovernorOptions, 'onStateChange'>;
  readonly #abort = new AbortController();
  #state: CircuitState = 'closed';
  #failures = 0;
  #opens = 0;
  #openUntil = 0;
  #backoffMs = 0;
  #nextSlotAt = 0;
  #probeInFlight = false;
  #lastError: unknown;
  #lastSuccessAt: number | undefined;

  constructor(options: RequestGovernorOptions = {}) {
    this.#o = {
      failureThreshold: 5,
      baseBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      openMs: 30_000,
      maxOpenMs: 10 * 60_000,
      random: Math.random,
      ...options,
    };
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Epoch ms of the last request that succeeded. */
  get lastSuccessAt(): number | undefined {
    return this.#lastSuccessAt;
  }

  /** Ends every wait at once (on shutdown). */
  close(): void {
    this.#abort.abort();
  }

  async run<T>(endpoint: EcoflowEndpoint, request: () => Promise<T>): Promise<T> {
    const now = Date.now();
    if (this.#state === 'open') {
      if (now < this.#openUntil) throw new EcoflowCircuitOpenError(endpoint, this.#openUntil - now, { cause: this.#lastError });
      this.#setState('half_open', {});
    }
    let probe = false;
    if (this.#state === 'half_open') {
      if (this.#probeInFlight) throw new EcoflowCircuitOpenError(endpoint, this.#o.baseBackoffMs, { cause: this.#lastError });
      this.#probeInFlight = probe = true;
    } else if (this.#failures > 0) {
      // Space requests while failing: each takes the next backoff slot.
      const slot = Math.max(now, this.#nextSlotAt);
      if (slot - now > this.#o.maxBackoffMs) throw new EcoflowCircuitOpenError(endpoint, slot - now, { cause: this.#lastError });
      this.#nextSlotAt = slot + this.#backoffMs;
      if (slot > now) {
        try {
          await sleep(slot - now, this.#abort.signal);
        } catch {
          throw new EcoflowCircuitOpenError(endpoint, 0, { cause: this.#lastError });
        }
        if (this.#state === 'open') throw new EcoflowCircuitOpenError(endpoint, this.#openUntil - Date.now(), { cause: this.#lastError });
      }
    }
    try {
      const result = await request();
      this.#succeeded();
      return result;
    } catch (err) {
      if (!isDeviceSpecific(err)) this.#failed(err, probe);
      throw err;
    } finally {
      if (probe) this.#probeInFlight = false;
    }
  }

  #succeeded(): void {
    this.#lastSuccessAt = Date.now();
    this.#failures = 0;
    this.#backoffMs = 0;
    this.#nextSlotAt = 0;
    this.#opens = 0;
    if (this.#state !== 'closed') this.#setState('closed', {});
  }

  #failed(err: unknown, probe: boolean): void {
    this.#failures++;
    this.#lastError = err;
    let backoff = backoffDelay(this.#failures, { baseMs: this.#o.baseBackoffMs, maxMs: this.#o.maxBackoffMs, random: this.#o.random });
    if (err instanceof EcoflowRateLimitError && err.retryAfterMs) backoff = Math.max(backoff, err.retryAfterMs);
    this.#backoffMs = Math.min(backoff, this.#o.maxBackoffMs);
    this.#nextSlotAt = Date.now() + this.#backoffMs;
    // Requests already under way when the circuit opened must not extend it.
    if (probe || (this.#state === 'closed' && this.#failures >= this.#o.failureThreshold)) {
      const openForMs = Math.min(this.#o.openMs * 2 ** this.#opens, this.#o.maxOpenMs);
      this.#opens++;
      this.#openUntil = Date.now() + openForMs;
      this.#setState('open', { cause: err, openForMs });
    }
  }

  #setState(state: CircuitState, detail: { cause?: unknown; openForMs?: number }): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.onStateChange?.(state, detail);
  }
}

/** The log lines of the circuit's changes: once per change, in words an operator acts on. */
export function circuitLog(log: Logger): NonNullable<RequestGovernorOptions['onStateChange']> {
  return (state, detail) => {
    if (state === 'open') {
      log.warn('EcoFlow API calls paused after repeated failures', {
        circuit: state,
        pause_s: Math.round((detail.openForMs ?? 0) / 1000),
        error: detail.cause instanceof Error ? detail.cause.message : undefined,
      });
    } else if (state === 'half_open') log.info('EcoFlow API pause over; probing with one request', { circuit: state });
    else log.info('EcoFlow API calls resumed', { circuit: state });
  };
}
