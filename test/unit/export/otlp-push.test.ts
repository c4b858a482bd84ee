import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createOtlpReader, type OtlpPushOptions } from '../../../src/export/otlp-push.js';
import { closedPort, eventually } from '../../helpers/simulated-fleet.js';

type TestContext = import('node:test').TestContext;

interface Request {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the collector answers the n-th request (from 1): a status, or never. */
type Answer = (n: number) => { status: number; headers?: Record<string, string> } | 'hang';
const OK: Answer = () => ({ status: 200 });

interface Pushing {
  /** Every request the collector received, in order. */
  requests: Request[];
  /** What onExportFailure was called with, in order. */
  failures: Array<Error | undefined>;
  reader: PeriodicExportingMetricReader;
  provider: MeterProvider;
}

/**
 * A real OTLP/HTTP collector on 127.0.0.1:0 and a meter provider pushing to it through
 * createOtlpReader. The defaults push only when asked (forceFlush), with a 5 s budget.
 * After the test the collector answers again, so the provider's last push on shutdown ends at once.
 */
async function pushing(t: TestContext, o: { answer?: Answer; path?: string; options?: Partial<OtlpPushOptions> } = {}): Promise<Pushing> {
  let answer = o.answer ?? OK;
  const requests: Request[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    const a = answer(requests.length);
    if (a === 'hang') hanging.add(res);
    else res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  let provider: MeterProvider | undefined;
  // One hook, in this order: a reader that failed to be made must not leave the collector open.
  t.after(async () => {
    answer = OK;
    for (const res of hanging) res.destroy();
    await provider?.shutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = o.options?.url ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}${o.path ?? '/v1/metrics'}`;

  const failures: Array<Error | undefined> = [];
  const reader = await createOtlpReader({
    protocol: 'http/json',
    headers: {},
    intervalMs: 60_000,
    timeoutMs: 5_000,
    cardinalityLimit: 1000,
    onExportFailure: (error) => failures.push(error),
    ...o.options,
    url,
  });
  provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'otlp-push-test' }), readers: [reader] });
  return { requests, failures, reader, provider };
}

interface JsonPoint {
  attributes?: Array<{ key: string; value: { stringValue?: string; boolValue?: boolean } }>;
  asDouble?: number;
  asInt?: number | string;
}
interface JsonMetric {
  name: string;
  gauge?: { dataPoints: JsonPoint[] };
  sum?: { dataPoints: JsonPoint[]; aggregationTemporality: number; isMonotonic: boolean };
}
interface JsonPush {
  resourceMetrics: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeMetrics: Array<{ scope: { name: string }; metrics: JsonMetric[] }>;
  }>;
}

/** OTLP's AGGREGATION_TEMPORALITY_CUMULATIVE. */
const CUMULATIVE = 2;

const json = (request: Request) => JSON.parse(request.body.toString('utf8')) as JsonPush;
const metricsOf = (push: JsonPush) => push.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
const metric = (push: JsonPush, name: string) => metricsOf(push).find((m) => m.name === name);
const attribute = (point: JsonPoint, key: string) => point.attributes?.find((a) => a.key === key)?.value;
/** A gauge's points as device → value. */
const byDevice = (m: JsonMetric | undefined) =>
  Object.fromEntries((m?.gauge?.dataPoints ?? []).map((p) => [attribute(p, 'device')?.stringValue, p.asDouble ?? Number(p.asInt)]));

function gaugeOver(provider: MeterProvider, observed: Map<string, number>, name = 'probe_soc'): void {
  provider
    .getMeter('otlp-push-test')
    .createObservableGauge(name)
    .addCallback((result) => {
      for (const [device, value] of observed) result.observe(value, { device });
    });
}

// --- what a push is ---------------------------------------------------------------------------

test('http/protobuf: a push is a POST of protobuf to the URL as given, with the configured headers', async (t) => {
  const p = await pushing(t, {
    path: '/custom/prefix/v1/metrics',
    options: { protocol: 'http/protobuf', headers: { 'x-scope-orgid': 'home', authorization: 'Bearer t0ken-value' } },
  });
  gaugeOver(p.provider, new Map([['A', 46]]));
  await p.reader.forceFlush();
  assert.equal(p.requests.length, 1);
  const [push] = p.requests;
  assert.equal(push!.method, 'POST');
  assert.equal(push!.path, '/custom/prefix/v1/metrics', 'the URL is used whole, no /v1/metrics appended');
  assert.equal(push!.headers['content-type'], 'application/x-protobuf');
  assert.equal(push!.headers['x-scope-orgid'], 'home');
  assert.equal(push!.headers.authorization, 'Bearer t0ken-value');
  // Protobuf carries strings as their UTF-8 bytes: the metric, its attribute and the resource are in there.
  for (const text of ['probe_soc', 'device', 'otlp-push-test']) assert.ok(push!.body.includes(Buffer.from(text)), `${text} in the protobuf body`);
  assert.ok(!push!.body.subarray(0, 1).equals(Buffer.from('{')), 'not JSON');
  assert.deepEqual(p.failures, []);
});

test('http/json: a push is OTLP JSON with the resource, the scope and every data point', async (t) => {
  const p = await pushing(t, { options: { protocol: 'http/json', headers: { 'x-scope-orgid': 'home' } } });
  gaugeOver(
    p.provider,
    new Map([
      ['A', 46],
      ['B', 50.5],
    ]),
  );
  await p.reader.forceFlush();
  assert.equal(p.requests.length, 1);
  const [request] = p.requests;
  assert.equal(request!.path, '/v1/metrics');
  assert.match(String(request!.headers['content-type']), /^application\/json/);
  assert.equal(request!.headers['x-scope-orgid'], 'home');
  const push = json(request!);
  assert.deepEqual(
    push.resourceMetrics[0]!.resource.attributes.find((a) => a.key === 'service.name'),
    { key: 'service.name', value: { stringValue: 'otlp-push-test' } },
  );
  assert.equal(push.resourceMetrics[0]!.scopeMetrics[0]!.scope.name, 'otlp-push-test');
  assert.deepEqual(byDevice(metric(push, 'probe_soc')), { A: 46, B: 50.5 });
  assert.deepEqual(p.failures, []);
});

test('a gauge series the callback stops observing is gone from the next push; a counter stays cumulative', async (t) => {
  const p = await pushing(t);
  const observed = new Map([
    ['A', 40],
    ['B', 50],
  ]);
  gaugeOver(p.provider, observed);
  const energy = p.provider.getMeter('otlp-push-test').createCounter('probe_energy_total');
  energy.add(5, { device: 'A' });
  await p.reader.forceFlush();
  observed.delete('B');
  energy.add(3, { device: 'A' });
  await p.reader.forceFlush();

  const [first, second] = p.requests.map(json);
  assert.deepEqual(byDevice(metric(first!, 'probe_soc')), { A: 40, B: 50 });
  // Cumulative gauges would push B's 50 forever: a device gone offline frozen at its last values.
  assert.deepEqual(byDevice(metric(second!, 'probe_soc')), { A: 40 });
  const sum = metric(second!, 'probe_energy_total')!.sum!;
  assert.equal(sum.aggregationTemporality, CUMULATIVE);
  assert.equal(sum.isMonotonic, true);
  assert.equal(sum.dataPoints[0]!.asDouble, 8, 'the counter pushes its running total, not the last increase');
});

test('metric producers are pushed along with the meter provider’s own metrics', async (t) => {
  // A second SDK side, as the energy counters have: a reader of its own is a MetricProducer.
  class SideReader extends MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }
  const side = new SideReader();
  const sideProvider = new MeterProvider({ readers: [side] });
  t.after(() => sideProvider.shutdown());
  sideProvider
    .getMeter('side')
    .createObservableGauge('produced_value')
    .addCallback((result) => result.observe(7, { device: 'P' }));

  const p = await pushing(t, { options: { metricProducers: [side] } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  await p.reader.forceFlush();
  const push = json(p.requests[0]!);
  assert.deepEqual(byDevice(metric(push, 'probe_soc')), { A: 46 });
  assert.deepEqual(byDevice(metric(push, 'produced_value')), { P: 7 });
});

test('the cardinality limit bounds the series one instrument pushes', async (t) => {
  const p = await pushing(t, { options: { cardinalityLimit: 5 } });
  gaugeOver(p.provider, new Map(Array.from({ length: 20 }, (_, i) => [`D${i}`, i])));
  await p.reader.forceFlush();
  const points = metric(json(p.requests[0]!), 'probe_soc')!.gauge!.dataPoints;
  assert.equal(points.length, 5);
  // The SDK folds what is over the limit into one overflow series, so the excess is visible.
  assert.equal(points.filter((point) => attribute(point, 'otel.metric.overflow')?.boolValue === true).length, 1);
});

// --- failures, retries and the budget ---------------------------------------------------------

test('a refused push (400) is reported once, with its status, and not retried', async (t) => {
  const p = await pushing(t, { answer: () => ({ status: 400 }) });
  gaugeOver(p.provider, new Map([['A', 46]]));
  await p.reader.forceFlush();
  assert.equal(p.requests.length, 1);
  assert.equal(p.failures.length, 1);
  assert.equal((p.failures[0] as Error & { code?: number }).code, 400);
});

test('a 503 is retried within the budget, the same push again, and then succeeds with no failure reported', async (t) => {
  const p = await pushing(t, { answer: (n) => (n === 1 ? { status: 503 } : { status: 200 }) });
  gaugeOver(p.provider, new Map([['A', 46]]));
  await p.reader.forceFlush();
  assert.equal(p.requests.length, 2);
  assert.ok(p.requests[1]!.body.equals(p.requests[0]!.body), 'a retry, not a new collection');
  assert.deepEqual(p.failures, []);
});

test('a collector that keeps answering 503 is retried only while the budget lasts, then the failure is reported once', async (t) => {
  // Retry-After: 1 makes each wait 1 s: in a 1.5 s budget there is room for one retry, not two.
  const p = await pushing(t, { answer: () => ({ status: 503, headers: { 'retry-after': '1' } }), options: { timeoutMs: 1_500 } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  const started = performance.now();
  await p.reader.forceFlush();
  await eventually(() => p.failures.length > 0, 'the failure', 5_000);
  const took = performance.now() - started;
  assert.equal(p.requests.length, 2);
  assert.equal(p.failures.length, 1);
  assert.ok(took < 2_500, `the push gave up after ${took} ms`);
});

test('a collector that never answers fails the push after timeoutMs', async (t) => {
  const p = await pushing(t, { answer: () => 'hang', options: { timeoutMs: 300 } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  const started = performance.now();
  await p.reader.forceFlush();
  await eventually(() => p.failures.length > 0, 'the failure', 5_000);
  const took = performance.now() - started;
  assert.ok(took >= 250 && took < 2_000, `failed after ${took} ms`);
  assert.match(String(p.failures[0]?.message), /timed out/i);
});

test('when the interval is shorter than timeoutMs, the interval bounds a push instead (retries included)', async (t) => {
  // A 60 s timeout with pushes every 400 ms: a push may not outlive the interval.
  const p = await pushing(t, { answer: () => 'hang', options: { timeoutMs: 60_000, intervalMs: 400 } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  const started = performance.now();
  await eventually(() => p.failures.length > 0, 'the failure', 5_000);
  const took = performance.now() - started;
  assert.ok(took < 2_000, `the first push failed after ${took} ms`);
});

test('a collector that is down: the failure is reported, never thrown', async (t) => {
  const p = await pushing(t, { options: { url: `http://127.0.0.1:${await closedPort()}/v1/metrics`, timeoutMs: 500 } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  await p.reader.forceFlush();
  await eventually(() => p.failures.length > 0, 'the failure', 5_000);
  assert.equal((p.failures[0] as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('pushes run every intervalMs without being asked', async (t) => {
  const p = await pushing(t, { options: { intervalMs: 200, timeoutMs: 200 } });
  gaugeOver(p.provider, new Map([['A', 46]]));
  const started = performance.now();
  await eventually(() => p.requests.length >= 3, 'three pushes', 5_000);
  const took = performance.now() - started;
  assert.ok(took >= 500, `three pushes after ${took} ms: not faster than the interval`);
  assert.deepEqual(byDevice(metric(json(p.requests[2]!), 'probe_soc')), { A: 46 });
  assert.deepEqual(p.failures, []);
});
