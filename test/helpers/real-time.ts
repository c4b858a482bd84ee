/**
 * A window of real time in an integration test. The exporter under test is another process (or
 * a real server) on the wall clock, so node:test's mock timers cannot move its time: a test
 * that must see something happen, or not happen, within a span (a rate, a backoff, "asked once
 * and not again") waits the span out. Where the test only waits for a state, use `eventually()`
 * (simulated-fleet.ts) instead: it returns as soon as the state is there.
 */
export function realTime(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
