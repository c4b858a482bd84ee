/**
 * The one exponential backoff with jitter of the exporter: the request governor, the poller's
 * failing devices and the MQTT reconnects all wait `backoffDelay(...)`.
 *
 * Jitter is "equal jitter" from AWS's "Exponential Backoff And Jitter"
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): the wait is drawn
 * uniformly from [ceiling / 2, ceiling], where ceiling = min(max, base · 2^(attempt − 1)).
 * - The article's favourite, full jitter ([0, ceiling]), minimises the work of clients racing
 *   for one contended resource; here the aim is to go easy on a failing cloud or broker. Full
 *   jitter may retry at once, and the poller's base is its collecting interval, so it would read
 *   a failing device more often than a healthy one. Half the ceiling is a floor that keeps
 *   backing off meaning slowing down.
 * - Half the window is still random, so exporters (or devices) that failed together spread over
 *   it instead of coming back in lock step (the ±10 % and ±20 % used before left them bunched).
 * - `max` is a true ceiling: no jitter above it, and no pile-up on it either, as clipping a
 *   centred jitter (the ±50 % used before) did for half the draws once the ceiling was reached.
 */

export interface BackoffOptions {
  /** The ceiling of the first wait, in ms; it doubles per attempt. */
  baseMs: number;
  /** The longest wait, in ms. */
  maxMs: number;
  /** Uniform in [0, 1); injectable so tests know the delay. Default Math.random. */
  random?: () => number;
}

/** The wait before the next try, in ms, after `attempt` (1, 2, …) consecutive failures. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { baseMs, maxMs, random = Math.random } = options;
  // The exponent stops growing long before 2^n overflows; the ceiling caps it anyway.
  const ceiling = Math.min(baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30), maxMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
