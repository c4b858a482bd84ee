import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EstablishError, Poller, type PollerOptions } from '../../../src/poller/poller.js';
import { API_CODES, EcoflowApiError, EcoflowCircuitOpenError, EcoflowHttpError } from '../../../src/ecoflow/errors.js';
import type { DeviceListEntry, QuotaMap } from '../../../src/ecoflow/types.js';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { flush, mockTime, settleTime } from '../../helpers/mock-time.js';

const COLLECTING_MS = 1_000;
const LIST_MS = 10_000;
const RETRY_MS = 500;
const DRAW = 0.5;
/** The backoff wait for a ceiling with the tests' jitter draw (backoff-delay.ts). */
const wait = (ceilingMs: number) => ceilingMs / 2 + (DRAW * ceilingMs) / 2;

const DEVICES: DeviceListEntry[] = [
  { sn: 'A', online: true },
  { sn: 'B', online: true },
  { sn: 'OFF', online: false },
];

/** A device source that records when it was asked; each answer comes from the script. */
function source(script: { list?: (call: number) => DeviceListEntry[]; quota?: (sn: string, call: number) => QuotaMap | undefined } = {}) {
  const listAt: number[] = [];
  const quotaAt = new Map<string, number[]>();
  return {
    listAt,
    quotaAt: (sn: string) => quotaAt.get(sn) ?? [],
    async listDevices() {
      listAt.push(Date.now());
      return (script.list ?? (() => DEVICES))(listAt.length);
    },
    async getAllQuotas(sn: string) {
      const calls = quotaAt.get(sn) ?? [];
      quotaAt.set(sn, [...calls, Date.now()]);
      return (script.quota ?? (() => ({ soc: 50 })))(sn, calls.length + 1);
    },
  };
}

function poller(t: TestContext, src: ReturnType<typeof source>, options: Partial<PollerOptions> = {}) {
  const failures: string[] = [];
  const p = new Poller({
    source: src,
    snapshot: new QuotaSnapshot(),
    logger: new Logger({ level: 'error', write: () => {} }),
    deviceSns: [],
    collectingIntervalMs: COLLECTING_MS,
    deviceListIntervalMs: LIST_MS,
    retryTimeoutMs: RETRY_MS,
    establishAttempts: 3,
    random: () => DRAW,
    reporter: { recordPoll: () => {}, recordPollFailure: (device) => failures.push(device.sn) },
    ...options,
  });
  t.after(() => p.stop());
  return { p, failures };
}

/**
 * Advances mocked time by `ms`, `stepMs` at a time, letting each poll finish before the next
 * step. Timers run with the clock at the end of their step, so the steps must divide the
 * expected times; the first tick is 0 ms for the timers due now.
 */
async function advance(t: TestContext, ms: number, stepMs = 1): Promise<void> {
  t.mock.timers.tick(0);
  await flush();
  for (let done = 0; done < ms; done += stepMs) {
    t.mock.timers.tick(stepMs);
    await flush();
  }
}

const every = (from: number, step: number, until: number) => Array.from({ length: Math.floor((until - from) / step) + 1 }, (_, i) => from + i * step);

test('the device list every DEVICE_LIST_INTERVAL; online devices every COLLECTING_INTERVAL, spread over it', async (t) => {
  mockTime(t);
  const src = source();
  const { p } = poller(t, src);
  await p.start();
  await flush();
  await advance(t, 2 * LIST_MS, 10);
  assert.deepEqual(src.listAt, [0, LIST_MS, 2 * LIST_MS]);
  assert.deepEqual(src.quotaAt('A'), every(0, COLLECTING_MS, 2 * LIST_MS));
  // Two online devices: the second starts half an interval after the first.
  assert.deepEqual(src.quotaAt('B'), every(COLLECTING_MS / 2, COLLECTING_MS, 2 * LIST_MS));
  assert.deepEqual(src.quotaAt('OFF'), [], 'offline devices are not read');
});

test('a failing device backs off, doubling up to maxBackoffMs, without slowing the others; a success restores the interval', async (t) => {
  mockTime(t);
  const maxBackoffMs = 4 * COLLECTING_MS;
  const failing = 6;
  const src = source({
    quota: (sn, call) => {
      if (sn === 'A' && call <= failing) throw new EcoflowHttpError('quota/all', 503);
      return { soc: 50 };
    },
  });
  const { p, failures } = poller(t, src, { maxBackoffMs, deviceListIntervalMs: 10 * 60_000 });
  await p.start();
  let expected = [0];
  for (let n = 1; n <= failing; n++) expected.push(expected.at(-1)! + Math.max(COLLECTING_MS, wait(Math.min(COLLECTING_MS * 2 ** n, maxBackoffMs))));
  expected = [...expected, expected.at(-1)! + COLLECTING_MS, expected.at(-1)! + 2 * COLLECTING_MS];
  await advance(t, expected.at(-1)!);
  assert.deepEqual(src.quotaAt('A'), expected);
  assert.deepEqual(failures, Array(failing).fill('A'));
  assert.deepEqual(src.quotaAt('B'), every(COLLECTING_MS / 2, COLLECTING_MS, expected.at(-1)!));
});

test('a failing device is read no more often than a healthy one, whatever maxBackoffMs says', async (t) => {
  mockTime(t);
  const src = source({ quota: () => Promise.reject(new EcoflowHttpError('quota/all', 503)) as never });
  const { p } = poller(t, src, { maxBackoffMs: 10, deviceListIntervalMs: 10 * 60_000, random: () => 0 });
  await p.start();
  await advance(t, 5 * COLLECTING_MS);
  const gaps = src
    .quotaAt('A')
    .slice(1)
    .map((at, i) => at - src.quotaAt('A')[i]!);
  assert.ok(gaps.length >= 3);
  // The lowest draw of a ceiling of one interval would be half an interval: the floor holds it at one.
  assert.deepEqual(gaps, Array(gaps.length).fill(COLLECTING_MS));
});

test("paused calls (circuit open) are not the device's failure: it comes back when calls resume", async (t) => {
  mockTime(t);
  const retryInMs = 3_500;
  const src = source({
    quota: (_sn, call) => {
      if (call === 1) throw new EcoflowCircuitOpenError('quota/all', retryInMs);
      return { soc: 50 };
    },
  });
  const { p, failures } = poller(t, src, { deviceSns: ['A'], deviceListIntervalMs: 10 * 60_000 });
  await p.start();
  await advance(t, retryInMs + COLLECTING_MS, 100);
  assert.deepEqual(src.quotaAt('A'), [0, retryInMs, retryInMs + COLLECTING_MS]);
  assert.deepEqual(failures, []);
});

test('a device the key may not read (1006) rests restrictedRetryMs', async (t) => {
  mockTime(t);
  const restrictedRetryMs = 7_000;
  const src = source({ quota: () => Promise.reject(new EcoflowApiError('quota/all', API_CODES.deviceNotAllowed, 'not allowed')) as never });
  const { p } = poller(t, src, { deviceSns: ['A'], restrictedRetryMs, deviceListIntervalMs: 10 * 60_000 });
  await p.start();
  await advance(t, 2 * restrictedRetryMs, 100);
  assert.deepEqual(src.quotaAt('A'), [0, restrictedRetryMs, 2 * restrictedRetryMs]);
});

test('while the stream covers a device, REST reads it every RECONCILE_INTERVAL instead', async (t) => {
  mockTime(t);
  const reconcileIntervalMs = 5 * COLLECTING_MS;
  const src = source();
  const { p } = poller(t, src, { deviceSns: ['A'], reconcileIntervalMs, streamCovers: () => true, deviceListIntervalMs: 10 * 60_000 });
  await p.start();
  await advance(t, 3 * reconcileIntervalMs, 100);
  assert.deepEqual(src.quotaAt('A'), every(0, reconcileIntervalMs, 3 * reconcileIntervalMs));
});

test('a stream-only model is never read over REST, and the others are read as before; with the stream off, one warning per device says it needs it', async (t) => {
  for (const stream of [false, true]) {
    await t.test(`stream ${stream ? 'on' : 'off'}`, (t) => streamOnly(t, stream));
  }
  async function streamOnly(t: TestContext, stream: boolean) {
    mockTime(t);
    const lines: string[] = [];
    const src = source({ list: () => [...DEVICES, { sn: 'BK21X', productName: 'Smart Meter', online: true }] });
    const { p } = poller(t, src, {
      logger: new Logger({ level: 'info', write: (line) => lines.push(line) }),
      streamOnly: (d) => d.productName === 'Smart Meter',
      ...(stream && { streamCovers: () => false }),
    });
    await p.start();
    await advance(t, 2 * LIST_MS, 10);
    assert.deepEqual(src.quotaAt('BK21X'), [], `stream ${stream}: not read`);
    assert.deepEqual(src.quotaAt('A'), every(0, COLLECTING_MS, 2 * LIST_MS), 'the others are read as before');
    const needs = lines.filter((l) => l.includes('only over the MQTT stream'));
    assert.equal(needs.length, stream ? 0 : 1, `stream ${stream}: ${needs.join(' | ')}`);
    if (!stream) assert.match(needs[0]!, /BK21X/);
  }
});

test("an answer with no data is the device's failure: it backs off and keeps its last data, the others are read as before", async (t) => {
  mockTime(t);
  const snapshot = new QuotaSnapshot();
  const src = source({ quota: (sn, call) => (sn === 'A' && call > 1 ? undefined : { soc: 50 }) });
  const { p, failures } = poller(t, src, { snapshot, deviceListIntervalMs: 10 * 60_000 });
  await p.start();
  await advance(t, 4 * COLLECTING_MS);
  // The first answer has data; the next ones none: the backoff of a failing device.
  assert.deepEqual(src.quotaAt('A'), [0, COLLECTING_MS, COLLECTING_MS + wait(2 * COLLECTING_MS)]);
  assert.ok(failures.length >= 1 && failures.every((sn) => sn === 'A'));
  assert.equal(snapshot.get('A')?.quotas.get('soc')?.value, 50, 'the last data stays');
  assert.deepEqual(src.quotaAt('B'), every(COLLECTING_MS / 2, COLLECTING_MS, 4 * COLLECTING_MS));
});

test('a failed device-list refresh keeps the devices and tries again one interval later', async (t) => {
  mockTime(t);
  const src = source({
    list: (call) => {
      if (call === 2) throw new EcoflowHttpError('device/list', 503);
      if (call === 3) throw new EcoflowCircuitOpenError('device/list', 3 * LIST_MS);
      return DEVICES;
    },
  });
  const { p } = poller(t, src, { collectingIntervalMs: 60 * 60_000 });
  await p.start();
  await advance(t, 5 * LIST_MS, 100);
  // Call 3 was refused unsent: the next one waits until calls resume.
  assert.deepEqual(src.listAt, [0, LIST_MS, 2 * LIST_MS, 5 * LIST_MS]);
  assert.equal(p.ready, true);
});

test('start() retries the device list RETRY_TIMEOUT apart, ESTABLISH_ATTEMPTS times, then rejects', async (t) => {
  mockTime(t);
  const src = source({ list: () => Promise.reject(new EcoflowHttpError('device/list', 503)) as never });
  const { p } = poller(t, src);
  const started = await settleTime(t, p.start());
  assert.ok(started.error instanceof EstablishError);
  assert.match(started.error.message, /failed 3 time\(s\)/);
  assert.equal(started.ms, 2 * RETRY_MS);
  assert.deepEqual(src.listAt, [0, RETRY_MS, 2 * RETRY_MS]);
});

test('start() succeeds on a later attempt; an unknown key (8513) fails at once', async (t) => {
  mockTime(t);
  const flaky = source({
    list: (call) => {
      if (call < 3) throw new EcoflowHttpError('device/list', 503);
      return DEVICES;
    },
  });
  assert.deepEqual(await settleTime(t, poller(t, flaky).p.start()), { ms: 2 * RETRY_MS, value: undefined });

  const badKey = source({ list: () => Promise.reject(new EcoflowApiError('device/list', API_CODES.accessKeyInvalid, 'accessKey is invalid')) as never });
  const refused = await settleTime(t, poller(t, badKey).p.start());
  assert.equal(refused.ms, 0);
  assert.ok(refused.error instanceof EstablishError);
  assert.deepEqual(badKey.listAt, [Date.now()]);
});

test('stop() cancels every timer: no read after it, and a start-up retry wait ends at once', async (t) => {
  mockTime(t);
  const src = source();
  const { p } = poller(t, src);
  await p.start();
  await advance(t, COLLECTING_MS, 10);
  const reads = [src.listAt.length, src.quotaAt('A').length, src.quotaAt('B').length];
  p.stop();
  await advance(t, 3 * LIST_MS, 100);
  assert.deepEqual([src.listAt.length, src.quotaAt('A').length, src.quotaAt('B').length], reads);

  const failing = source({ list: () => Promise.reject(new EcoflowHttpError('device/list', 503)) as never });
  const waiting = poller(t, failing).p;
  const starting = waiting.start();
  await flush();
  waiting.stop();
  assert.deepEqual(await settleTime(t, starting), { ms: 0, value: undefined });
  assert.equal(failing.listAt.length, 1);
  assert.equal(waiting.ready, false);
});
