import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestGovernor, type CircuitState } from '../../../src/ecoflow/request-governor.js';
import { EcoflowApiError, EcoflowCircuitOpenError, EcoflowHttpError, EcoflowRateLimitError } from '../../../src/ecoflow/errors.js';
import { flush, mockTime, settleTime } from '../../helpers/mock-time.js';

const fail = () => Promise.reject(new EcoflowHttpError('quota/all', 503));
const succeed = () => Promise.resolve('ok');

const BASE_MS = 40;
const OPEN_MS = 200;
/** The jitter draw every test uses: a wait of 3/4 of the ceiling (backoff-delay.ts). */
const DRAW = 0.5;
const wait = (ceilingMs: number) => ceilingMs / 2 + (DRAW * ceilingMs) / 2;

function governor(options: ConstructorParameters<typeof RequestGovernor>[0] = {}) {
  const states: CircuitState[] = [];
  const openFor: number[] = [];
  const g = new RequestGovernor({
    baseBackoffMs: BASE_MS,
    openMs: OPEN_MS,
    failureThreshold: 3,
    random: () => DRAW,
    onStateChange: (s, detail) => {
      states.push(s);
      if (detail.openForMs !== undefined) openFor.push(detail.openForMs);
    },
    ...options,
  });
  return { g, states, openFor };
}

test('healthy requests pass straight through: no wait at all', async (t) => {
  mockTime(t);
  const { g } = governor();
  for (let i = 0; i < 20; i++) assert.deepEqual(await settleTime(t, g.run('quota/all', succeed)), { ms: 0, value: 'ok' });
  assert.equal(g.state, 'closed');
  assert.equal(g.lastSuccessAt, 0);
});

test('after a failure, concurrent requests each take the next backoff slot instead of retrying at once', async (t) => {
  mockTime(t);
  const { g } = governor();
  await assert.rejects(g.run('quota/all', fail));
  const starts: number[] = [];
  const all = Promise.all(Array.from({ length: 3 }, () => g.run('quota/all', async () => void starts.push(Date.now()))));
  await settleTime(t, all);
  const slot = wait(BASE_MS);
  assert.deepEqual(starts, [slot, 2 * slot, 3 * slot]);
});

test('consecutive failures double the backoff up to maxBackoffMs; a success ends it', async (t) => {
  mockTime(t);
  const maxBackoffMs = 200;
  const { g } = governor({ failureThreshold: 100, maxBackoffMs });
  const sentAt: number[] = [];
  const failing = () => (sentAt.push(Date.now()), fail());
  for (let i = 0; i < 6; i++) assert.ok((await settleTime(t, g.run('quota/all', failing))).error instanceof EcoflowHttpError);
  const expected = [0];
  for (let failures = 1; failures < 6; failures++) expected.push(expected.at(-1)! + wait(Math.min(BASE_MS * 2 ** (failures - 1), maxBackoffMs)));
  assert.deepEqual(sentAt, expected);
  assert.equal(g.state, 'closed');

  const recovered = await settleTime(t, g.run('quota/all', succeed));
  assert.equal(recovered.ms, wait(maxBackoffMs), "the last failure's backoff");
  assert.equal((await settleTime(t, g.run('quota/all', succeed))).ms, 0, 'no backoff after a success');
});

test('repeated failures open the circuit: nothing is sent until one probe is allowed', async (t) => {
  mockTime(t);
  const { g, states, openFor } = governor();
  for (let i = 0; i < 3; i++) await settleTime(t, g.run('quota/all', fail));
  assert.equal(g.state, 'open');
  assert.deepEqual(openFor, [OPEN_MS]);
  const openedAt = Date.now();
  let sent = 0;
  const counted = () => {
    sent++;
    return succeed();
  };
  const refused = await g.run('quota/all', counted).catch((e) => e);
  assert.ok(refused instanceof EcoflowCircuitOpenError);
  assert.equal(refused.retryInMs, OPEN_MS);
  assert.match(refused.message, /paused for 1 s after repeated failures; last failure: EcoFlow API answered HTTP 503/);
  assert.equal(sent, 0);

  t.mock.timers.tick(OPEN_MS - 1);
  assert.equal((await g.run('quota/all', counted).catch((e) => e)).retryInMs, 1, 'still open 1 ms before the end');
  t.mock.timers.tick(1);
  assert.equal(Date.now() - openedAt, OPEN_MS);
  // Half-open: the first caller probes, a concurrent second one is refused.
  const [probe, second] = await Promise.allSettled([g.run('quota/all', counted), g.run('quota/all', counted)]);
  assert.equal(probe.status, 'fulfilled');
  assert.ok(second.status === 'rejected' && second.reason instanceof EcoflowCircuitOpenError);
  assert.equal(sent, 1);
  assert.equal(g.state, 'closed');
  assert.deepEqual(states, ['open', 'half_open', 'closed']);
});

test('a failed probe reopens for twice as long, and again, up to maxOpenMs', async (t) => {
  mockTime(t);
  const maxOpenMs = 3 * OPEN_MS;
  const { g, openFor } = governor({ maxOpenMs });
  for (let i = 0; i < 3; i++) await settleTime(t, g.run('quota/all', fail));
  for (let probe = 0; probe < 3; probe++) {
    t.mock.timers.tick(openFor.at(-1)!);
    await assert.rejects(g.run('quota/all', fail));
    assert.equal(g.state, 'open');
  }
  assert.deepEqual(openFor, [OPEN_MS, 2 * OPEN_MS, maxOpenMs, maxOpenMs]);
  const refused = (await g.run('quota/all', succeed).catch((e) => e)) as EcoflowCircuitOpenError;
  assert.equal(refused.retryInMs, maxOpenMs);
});

test('a successful probe closes the circuit and starts the open periods over', async (t) => {
  mockTime(t);
  const { g, openFor } = governor();
  for (let i = 0; i < 3; i++) await settleTime(t, g.run('quota/all', fail));
  t.mock.timers.tick(OPEN_MS);
  await assert.rejects(g.run('quota/all', fail));
  t.mock.timers.tick(2 * OPEN_MS);
  await g.run('quota/all', succeed);
  for (let i = 0; i < 3; i++) await settleTime(t, g.run('quota/all', fail));
  assert.deepEqual(openFor, [OPEN_MS, 2 * OPEN_MS, OPEN_MS]);
});

test('device-specific refusals (1006) neither open the circuit nor slow the others', async (t) => {
  mockTime(t);
  const { g } = governor();
  for (let i = 0; i < 10; i++) {
    const refused = await settleTime(
      t,
      g.run('quota/all', () => Promise.reject(new EcoflowApiError('quota/all', '1006', 'current device is not allowed to get device info'))),
    );
    assert.equal(refused.ms, 0);
  }
  assert.equal(g.state, 'closed');
  assert.equal((await settleTime(t, g.run('quota/all', succeed))).ms, 0);
});

test('Retry-After of a 429 is honoured when longer than the backoff, never beyond maxBackoffMs', async (t) => {
  mockTime(t);
  const retryAfterMs = 300;
  const { g } = governor({ maxBackoffMs: 1_000 });
  await assert.rejects(g.run('quota/all', () => Promise.reject(new EcoflowRateLimitError('quota/all', '429', 'slow down', retryAfterMs))));
  assert.equal((await settleTime(t, g.run('quota/all', succeed))).ms, retryAfterMs);

  const capped = governor({ maxBackoffMs: 250 }).g;
  await assert.rejects(capped.run('quota/all', () => Promise.reject(new EcoflowRateLimitError('quota/all', '429', 'slow down', retryAfterMs))));
  assert.equal((await settleTime(t, capped.run('quota/all', succeed))).ms, 250);
});

test('a request that would queue past the longest backoff is refused at once', async (t) => {
  mockTime(t);
  const maxBackoffMs = 150;
  const { g } = governor({ baseBackoffMs: 100, maxBackoffMs });
  await assert.rejects(g.run('quota/all', fail));
  const slot = wait(100);
  const runs = Array.from({ length: 4 }, () =>
    g.run('quota/all', succeed).then(
      (value) => ({ value, at: Date.now() }),
      (error: unknown) => ({ value: error instanceof EcoflowCircuitOpenError ? 'refused' : error, at: Date.now() }),
    ),
  );
  const { value: results } = await settleTime(t, Promise.all(runs));
  // Slots at 1, 2, 3 … backoffs from now; those further than maxBackoffMs away are refused at once.
  const queued = Math.floor(maxBackoffMs / slot);
  assert.deepEqual(
    results,
    Array.from({ length: 4 }, (_, i) => (i < queued ? { value: 'ok', at: (i + 1) * slot } : { value: 'refused', at: 0 })),
  );
});

test('close() ends backoff waits at once', async (t) => {
  mockTime(t);
  const { g } = governor({ baseBackoffMs: 5_000 });
  await assert.rejects(g.run('quota/all', fail));
  const waiting = g.run('quota/all', succeed);
  await flush();
  g.close();
  const ended = await settleTime(t, waiting);
  assert.equal(ended.ms, 0);
  assert.ok(ended.error instanceof EcoflowCircuitOpenError);
});
