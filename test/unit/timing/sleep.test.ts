import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { sleep } from '../../../src/timing/sleep.js';
import { flush, mockTime, settleTime } from '../../helpers/mock-time.js';

test("resolves after the time given, on node:test's mock timers", async (t) => {
  mockTime(t);
  const { ms, error } = await settleTime(t, sleep(250));
  assert.equal(error, undefined);
  assert.equal(ms, 250);
});

test('an abort during the wait rejects at once with the signal reason', async (t) => {
  mockTime(t);
  const controller = new AbortController();
  let outcome: unknown = 'pending';
  sleep(60_000, controller.signal).then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  t.mock.timers.tick(59_999);
  await flush();
  assert.equal(outcome, 'pending');
  const reason = new Error('stopping');
  controller.abort(reason);
  await flush();
  assert.equal(outcome, reason);
});

test('a signal already aborted rejects without waiting', async (t) => {
  mockTime(t);
  const controller = new AbortController();
  controller.abort('gone');
  const { ms, error } = await settleTime(t, sleep(60_000, controller.signal));
  assert.equal(error, 'gone');
  assert.equal(ms, 0);
});

test('a finished wait leaves no listener on the signal', async (t) => {
  mockTime(t);
  // The poller's and governor's signal lives as long as the process, and they sleep on it over and over.
  const controller = new AbortController();
  for (let i = 0; i < 3; i++) await settleTime(t, sleep(10, controller.signal));
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  const pending = sleep(10, controller.signal);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1, 'listening while it waits');
  await settleTime(t, pending);
});
