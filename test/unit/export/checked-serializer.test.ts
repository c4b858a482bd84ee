import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CheckedSerializer, type SerializerMismatch } from '../../../src/export/checked-serializer.js';
import { PrometheusText } from '../../../src/export/prometheus-text.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';

type TestContext = import('node:test').TestContext;

/** A real collection: a gauge with three series and a counter, from the SDK. */
async function collection(t: TestContext): Promise<ResourceMetrics> {
  const side = new RenewableMeter({ name: 'test', version: '1', cardinalityLimit: 1000 });
  t.after(() => side.shutdown());
  side.meter.createObservableGauge('g', { description: 'a gauge', unit: 'W' }).addCallback((r) => {
    for (let i = 0; i < 3; i++) r.observe(i * 10, { i: String(i) });
  });
  side.meter.createCounter('c', { description: 'a counter' }).add(5);
  const { resourceMetrics } = await side.collect();
  return resourceMetrics;
}

/** What the package writes, as the checked serializer compares it. */
const reference = (resourceMetrics: ResourceMetrics) => new PrometheusSerializer(undefined, false, undefined, true, true).serialize(resourceMetrics);

/** Our writer, made to write `corrupt` of what it writes; returns its calls. */
function corruptOurWriter(t: TestContext, corrupt: (text: string) => string) {
  const write = PrometheusText.prototype.serialize;
  return t.mock.method(PrometheusText.prototype, 'serialize', function (this: PrometheusText, resourceMetrics: ResourceMetrics) {
    return Buffer.from(corrupt(write.call(this, resourceMetrics).toString('utf8')), 'utf8');
  });
}

test("the package's serializer runs only when asked to check, and an equal text is ours", async (t) => {
  const resourceMetrics = await collection(t);
  const theirs = t.mock.method(PrometheusSerializer.prototype, 'serialize');
  const ours = t.mock.method(PrometheusText.prototype, 'serialize');
  const mismatches: SerializerMismatch[] = [];
  const serializer = new CheckedSerializer({ onMismatch: (m) => mismatches.push(m) });

  const unchecked = serializer.serialize(resourceMetrics);
  assert.equal(theirs.mock.callCount(), 0, 'a scrape that is not checked pays for one serialisation');
  const checked = serializer.serialize(resourceMetrics, true);
  assert.equal(theirs.mock.callCount(), 1);
  assert.equal(ours.mock.callCount(), 2);
  assert.equal(checked.toString('utf8'), theirs.mock.calls[0]!.result);
  assert.ok(checked.equals(unchecked));
  assert.equal(checked, ours.mock.calls[1]!.result, 'the body served is the one our writer made');
  assert.equal(mismatches.length, 0);
});

test("on a difference the package's text serves from then on, our writer is no longer used, and the callback fires once", async (t) => {
  const resourceMetrics = await collection(t);
  const expected = reference(resourceMetrics);
  assert.match(expected, /^g\{i="1"\} 10$/m);
  const ours = corruptOurWriter(t, (text) => text.replace('g{i="1"} 10', 'g{i="1"} 11'));
  const mismatches: SerializerMismatch[] = [];
  const serializer = new CheckedSerializer({ onMismatch: (m) => mismatches.push(m) });

  assert.notEqual(serializer.serialize(resourceMetrics).toString('utf8'), expected, 'unchecked, the corrupted text goes out: the check is what catches it');
  assert.equal(serializer.serialize(resourceMetrics, true).toString('utf8'), expected);
  assert.equal(mismatches.length, 1);
  const calls = ours.mock.callCount();
  for (const check of [false, true, false]) assert.equal(serializer.serialize(resourceMetrics, check).toString('utf8'), expected);
  assert.equal(ours.mock.callCount(), calls, 'our writer is not asked again');
  assert.equal(mismatches.length, 1, 'told once');
});

test('the mismatch names the first differing byte, its line and that line from each side, not the body', async (t) => {
  const resourceMetrics = await collection(t);
  const expected = reference(resourceMetrics);
  corruptOurWriter(t, (text) => text.replace('g{i="1"} 10', 'g{i="1"} 11'));
  const mismatches: SerializerMismatch[] = [];
  new CheckedSerializer({ onMismatch: (m) => mismatches.push(m) }).serialize(resourceMetrics, true);

  const lines = expected.split('\n');
  const index = lines.indexOf('g{i="1"} 10');
  assert.ok(index > 0);
  const offset = Buffer.byteLength(`${lines.slice(0, index).join('\n')}\ng{i="1"} 1`);
  assert.deepEqual(mismatches, [{ offset, line: index + 1, ours: 'g{i="1"} 11', theirs: 'g{i="1"} 10' }]);
});

test('a text that stops short differs where it ends', async (t) => {
  const resourceMetrics = await collection(t);
  const expected = reference(resourceMetrics);
  const mismatches: SerializerMismatch[] = [];
  corruptOurWriter(t, (text) => text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
  new CheckedSerializer({ onMismatch: (m) => mismatches.push(m) }).serialize(resourceMetrics, true);
  const lastLine = expected.trimEnd().split('\n').at(-1)!;
  assert.deepEqual(mismatches, [{ offset: expected.length - lastLine.length - 1, line: expected.trimEnd().split('\n').length, ours: '', theirs: lastLine }]);
});

test('the lines in a mismatch are cut to 200 characters', async (t) => {
  const resourceMetrics = await collection(t);
  const expected = reference(resourceMetrics);
  const mismatches: SerializerMismatch[] = [];
  corruptOurWriter(t, () => `x${'y'.repeat(500)}\n`);
  new CheckedSerializer({ onMismatch: (m) => mismatches.push(m) }).serialize(resourceMetrics, true);
  assert.equal(mismatches.length, 1);
  assert.deepEqual({ ...mismatches[0], ours: mismatches[0]!.ours.length }, { offset: 0, line: 1, ours: 200, theirs: expected.split('\n')[0] });
});
