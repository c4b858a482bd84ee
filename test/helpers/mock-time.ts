import type { TestContext } from 'node:test';

/**
 * Helpers for tests that drive time with node:test's mock timers. They mock `setTimeout`,
 * `setInterval` and `Date` only: `setImmediate` stays real, so `flush()` can let promise
 * callbacks run between ticks.
 */

/** Mocks the timers and the clock for this test; time starts at 0. */
export function mockTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
}

/** Lets everything already resolved run: promise callbacks and the I/O they wait on, once. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Advances mocked time `stepMs` at a time until `promise` settles and says how long that took,
 * in mocked ms. Fails the test past `limitMs`, so a wait that never ends is reported, not hung.
 */
export async function settleTime<T>(
  t: TestContext,
  promise: Promise<T>,
  o: { stepMs?: number; limitMs?: number } = {},
): Promise<{ ms: number; value?: T; error?: unknown }> {
  const { stepMs = 1, limitMs = 60_000 } = o;
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  const start = Date.now();
  for (;;) {
    await flush();
    if (outcome) return { ms: Date.now() - start, ...outcome };
    if (Date.now() - start >= limitMs) throw new Error(`still pending after ${limitMs} mocked ms`);
    t.mock.timers.tick(stepMs);
  }
}
