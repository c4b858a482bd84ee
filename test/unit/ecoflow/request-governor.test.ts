import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestGovernor, type CircuitState } from '../../../src/ecoflow/request-governor.js';
import { EcoflowApiError, EcoflowCircuitOpenError, EcoflowHttpError, EcoflowRateLimitError } from '../../../src/ecoflow/errors.js';

const fail = () => Promise.reject(new EcoflowHttpError('quota/all', 503));
const succeed = () => Promise.resolve('ok');

function governor(options: ConstructorParameters<typeof RequestGovernor>[0] = {}) {
  const states: CircuitState[] = [];
  const g = new RequestGovernor({ baseBackoffMs: 40, openMs: 200, failureThreshold: 3, random: () => 0.5, onStateChange: (s) => states.push(s), ...options });
  return { g, states };
}

test('healthy requests pass straight through', async () => {
  const { g } = governor();
  const started = Date.now();
  for (let i = 0; i < 20; i++) assert.equal(await g.run('quota/all', succeed), 'ok');
  assert.ok(Date.now() - started < 100);
  assert.equal(g.state, 'closed');
});

test('after a failure, requests are spaced by the backoff instead of retrying at once', async () => {
  const { g } = governor();
  await assert.rejects(g.run('quota/all', fail));
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 3 }, () => g.run('quota/all', async () => void starts.push(Date.now()))));
  starts.sort((a, b) => a - b);
  assert.ok(starts[1]! - starts[0]! >= 35 && starts[2]! - starts[1]! >= 35, `starts ${starts.map((s) => s - starts[0]!)}`);
});

test('repeated failures open the circuit: nothing is sent until one probe is allowed', async () => {
  const { g, states } = governor();
  for (let i = 0; i < 3; i++) await assert.rejects(g.run('quota/all', fail));
  assert.equal(g.state, 'open');
  let sent = 0;
  const counted = () => {
    sent++;
    return succeed();
  };
  const refused = await g.run('quota/all', counted).catch((e) => e);
  assert.ok(refused instanceof EcoflowCircuitOpenError);
  assert.match(refused.message, /paused for 1 s after repeated failures; last failure: EcoFlow API answered HTTP 503/);
  assert.equal(sent, 0);

  await new Promise((r) => setTimeout(r, 220));
  // Half-open: the first caller probes, a concurrent second one is refused.
  const [probe, second] = await Promise.allSettled([g.run('quota/all', counted), g.run('quota/all', counted)]);
  assert.equal(probe.status, 'fulfilled');
  assert.equal(second.status, 'rejected');
  assert.equal(sent, 1);
  assert.equal(g.state, 'closed');
  assert.deepEqual(states, ['open', 'half_open', 'closed']);
});

test('a failed probe reopens for twice as long', async () => {
  const { g } = governor();
  for (let i = 0; i < 3; i++) await assert.rejects(g.run('quota/all', fail));
  await new Promise((r) => setTimeout(r, 220));
  await assert.rejects(g.run('quota/all', fail));
  assert.equal(g.state, 'open');
  const refused = (await g.run('quota/all', succeed).catch((e) => e)) as EcoflowCircuitOpenError;
  assert.ok(refused.retryInMs > 250 && refused.retryInMs <= 400, String(refused.retryInMs));
});

test('device-specific refusals (1006) neither open the circuit nor slow the others', async () => {
  const { g } = governor();
  for (let i = 0; i < 10; i++) {
    await assert.rejects(g.run('quota/all', () => Promise.reject(new EcoflowApiError('quota/all', '1006', 'current device is not allowed to get device info'))));
  }
  assert.equal(g.state, 'closed');
  const started = Date.now();
  await g.run('quota/all', succeed);
  assert.ok(Date.now() - started < 30);
});

test('Retry-After of a 429 is honoured', async () => {
  const { g } = governor();
  await assert.rejects(g.run('quota/all', () => Promise.reject(new EcoflowRateLimitError('quota/all', '429', 'slow down', 300))));
  const started = Date.now();
  await g.run('quota/all', succeed);
  assert.ok(Date.now() - started >= 280, `${Date.now() - started} ms`);
});

test('a request that would queue past the longest backoff is refused at once', async () => {
  const { g } = governor({ baseBackoffMs: 100, maxBackoffMs: 150 });
  await assert.rejects(g.run('quota/all', fail));
  const results = await Promise.allSettled(Array.from({ length: 4 }, () => g.run('quota/all', succeed)));
  assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof EcoflowCircuitOpenError));
});

test('close() ends backoff waits at once', async () => {
  const { g } = governor({ baseBackoffMs: 5_000 });
  await assert.rejects(g.run('quota/all', fail));
  const waiting = g.run('quota/all', succeed);
  g.close();
  await assert.rejects(waiting, EcoflowCircuitOpenError);
});
