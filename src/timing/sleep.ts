/**
 * An abortable wait on the global `setTimeout`, not `node:timers/promises`: node:test's mock
 * timers replace the global but not the promise API (Node 20 and 24), and the waits of the
 * governor and the poller are what their tests drive with `t.mock.timers.tick()`.
 */

/** Resolves after `ms`; rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const aborted = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
