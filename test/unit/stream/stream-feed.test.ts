import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot, type DeviceIdentity } from '../../../src/snapshot/quota-snapshot.js';
import { StreamCoverage } from '../../../src/stream/stream-coverage.js';
import { StreamFeed } from '../../../src/stream/stream-feed.js';

const SN = 'R331ZEB4ZE000001';

function message(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}

/** A feed over a snapshot with one online device, recording what it reports and logs. */
function world() {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ sn: SN, name: 'garage', productName: 'DELTA 2', online: true }]);
  const coverage = new StreamCoverage();
  const lines: Array<Record<string, any>> = [];
  const messages: string[] = [];
  const unknown: string[] = [];
  const merged: number[] = [];
  const seen: DeviceIdentity[] = [];
  const feed = new StreamFeed({
    snapshot,
    coverage,
    logger: new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)), repeatWindowMs: 0 }),
    onMessage: (device, kind) => (seen.push(device), messages.push(kind)),
    onUnknown: (device, reason) => (seen.push(device), unknown.push(reason)),
    onMerged: (seconds) => merged.push(seconds),
  });
  return { snapshot, coverage, feed, lines, messages, unknown, merged, seen };
}

/** True once the device has been heard: a connection old enough that silence since it no longer covers. */
function heard(coverage: StreamCoverage, sn: string): boolean {
  const now = Date.now();
  coverage.connected(now - 45_000);
  return coverage.covers(sn, now);
}

test('a quota message is merged under the keys REST uses, counted by shape, and times its merge', () => {
  const w = world();
  w.feed.handle(SN, 'quota', message({ typeCode: 'pdStatus', params: { soc: 46, wattsOutSum: 196 } }));
  const device = w.snapshot.get(SN)!;
  assert.equal(device.quotas.get('pd.soc')?.value, 46);
  assert.equal(device.quotas.get('pd.wattsOutSum')?.value, 196);
  assert.ok(device.streamedAt !== undefined);
  assert.deepEqual(w.messages, ['type_code']);
  assert.equal(w.seen[0]?.sn, SN);
  assert.equal(w.merged.length, 1);
  assert.ok(w.merged[0]! >= 0 && w.merged[0]! < 1, `${w.merged[0]} s`);
  assert.equal(heard(w.coverage, SN), true);
  assert.deepEqual(w.unknown, []);
});

test('messages of a device not on the list are dropped without a trace', () => {
  const w = world();
  w.feed.handle('NOT-LISTED', 'quota', message({ params: { soc: 1 } }));
  w.feed.handle('NOT-LISTED', 'quota', Buffer.from('garbage'));
  w.feed.handle('NOT-LISTED', 'status', message({ params: { status: 0 } }));
  assert.equal(w.snapshot.get('NOT-LISTED'), undefined);
  assert.deepEqual([w.messages, w.unknown, w.merged, w.lines], [[], [], [], []]);
  assert.equal(heard(w.coverage, 'NOT-LISTED'), false);
});

test('a status message sets online state at once and logs only a change', () => {
  const w = world();
  w.feed.handle(SN, 'quota', message({ params: { 'pd.soc': 46 } }));
  w.feed.handle(SN, 'status', message({ params: { status: 0 } }));
  assert.equal(w.snapshot.get(SN)!.online, false);
  assert.equal(w.snapshot.get(SN)!.quotas.size, 0, "an offline device's values are dropped");
  w.feed.handle(SN, 'status', message({ params: { status: 0 } }));
  w.feed.handle(SN, 'status', message({ params: { status: '1' } }));
  assert.equal(w.snapshot.get(SN)!.online, true);
  assert.deepEqual(w.messages, ['params', 'status', 'status', 'status']);
  assert.deepEqual(
    w.lines.map((l) => [l.level, l.msg, l.sn]),
    [
      ['info', 'device went offline (stream status)', SN],
      ['info', 'device went online (stream status)', SN],
    ],
  );
  assert.equal(w.merged.length, 1, 'status messages merge no values');
});

test('a message not understood is counted every time, logged once per device, topic and reason, and keeps nothing fresh', () => {
  const w = world();
  const garbage = Buffer.from('<html>502 Bad Gateway</html>');
  w.feed.handle(SN, 'quota', garbage);
  w.feed.handle(SN, 'quota', garbage);
  w.feed.handle(SN, 'quota', message({ typeCode: 'noSuchStatus', params: { x: 1 } }));
  w.feed.handle(SN, 'status', garbage);
  w.feed.handle(SN, 'status', message({ params: { status: 'maybe' } }));
  assert.deepEqual(w.unknown, ['not_json', 'not_json', 'unknown_type_code', 'not_json', 'bad_status']);
  assert.deepEqual(
    w.lines.map((l) => [l.level, l.msg, l.topic, l.reason]),
    [
      ['warn', 'stream message skipped; counted', 'quota', 'not_json'],
      ['warn', 'stream message skipped; counted', 'quota', 'unknown_type_code'],
      ['warn', 'stream message skipped; counted', 'status', 'not_json'],
      ['warn', 'stream message skipped; counted', 'status', 'bad_status'],
    ],
  );
  assert.equal(w.lines[0]!.sample, '<html>502 Bad Gateway</html>', 'a sample to see what came');
  assert.equal(w.lines[0]!.sn, SN);
  assert.equal(w.snapshot.get(SN)!.quotas.size, 0);
  assert.equal(w.snapshot.get(SN)!.online, true);
  assert.deepEqual(w.messages, []);
  assert.equal(heard(w.coverage, SN), false);
});

test('a merge that throws (a bug downstream) is counted and logged with its error, and the feed goes on', () => {
  const w = world();
  let fail = true;
  w.snapshot.subscribe(() => {
    if (fail) throw new Error('listener broke');
  });
  w.feed.handle(SN, 'quota', message({ params: { 'pd.soc': 46 } }));
  w.feed.handle(SN, 'quota', message({ params: { 'pd.soc': 47 } }));
  assert.deepEqual(w.unknown, ['merge_failed', 'merge_failed']);
  assert.deepEqual(
    w.lines.map((l) => [l.msg, l.reason, l.error]),
    [['stream message skipped; counted', 'merge_failed', 'listener broke']],
  );
  assert.deepEqual(w.merged, [], 'not counted as merged');
  fail = false;
  w.feed.handle(SN, 'quota', message({ params: { 'pd.soc': 48 } }));
  assert.equal(w.snapshot.get(SN)!.quotas.get('pd.soc')?.value, 48);
  assert.equal(w.merged.length, 1);
});

test('forget() lets the next skipped message of that device be logged again, and drops its coverage', () => {
  const w = world();
  w.snapshot.setDevices([
    { sn: SN, name: 'garage', productName: 'DELTA 2', online: true },
    { sn: 'OTHER', name: 'shed', productName: 'DELTA 2', online: true },
  ]);
  const garbage = Buffer.from('nope');
  w.feed.handle(SN, 'quota', garbage);
  w.feed.handle('OTHER', 'quota', garbage);
  w.feed.handle(SN, 'quota', message({ params: { 'pd.soc': 46 } }));
  assert.equal(heard(w.coverage, SN), true);
  w.feed.forget(SN);
  assert.equal(heard(w.coverage, SN), false);
  w.feed.handle(SN, 'quota', garbage);
  w.feed.handle('OTHER', 'quota', garbage);
  assert.deepEqual(
    w.lines.map((l) => l.sn),
    [SN, 'OTHER', SN],
    'the other device is still logged once',
  );
});
