import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SerializerMismatch } from '../../../src/export/checked-serializer.js';
import { PrometheusText } from '../../../src/export/prometheus-text.js';
import { startTelemetry } from '../../../src/export/telemetry.js';
import { Logger } from '../../../src/log/logger.js';

/** Telemetry serving /metrics alone, with no producer of its own. */
function prometheusOnly(logger: Logger) {
  return {
    producers: [],
    cardinalityLimit: 1000,
    prometheus: true,
    resource: { 'service.name': 'ecoflow-exporter' },
    scope: { name: 'test', version: '1' },
    logger,
  };
}

function logged(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)), repeatWindowMs: 0 }) };
}

test('the meter and the producers reach the Prometheus reader, with the resource', async () => {
  const { logger } = logged();
  const telemetry = await startTelemetry({
    ...prometheusOnly(logger),
  });
  telemetry.meter.createObservableGauge('probe_value').addCallback((r) => r.observe(42));
  const text = (await telemetry.prometheus.exposition()).body.toString('utf8');
  assert.match(text, /^probe_value(\{[^}]*\})? 42$/m);
  await telemetry.shutdown();
});

test('a collector that answers late cannot hold the exit up: the last push gives up after the budget, with one warning', async (t) => {
  // Answers a second late (past the budget), then with a refusal the exporter does not retry.
  const silent = createServer((_req, res) => void setTimeout(() => res.writeHead(400).end(), 1000));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const { logger, lines } = logged();
  const telemetry = await startTelemetry({
    producers: [],
    cardinalityLimit: 1000,
    prometheus: false,
    otlp: {
      url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/metrics`,
      protocol: 'http/json',
      headers: {},
      intervalMs: 60_000,
      timeoutMs: 30_000,
    },
    resource: { 'service.name': 'ecoflow-exporter' },
    scope: { name: 'test', version: '1' },
    logger,
    flushBudgetMs: 300,
  });
  telemetry.meter.createObservableGauge('probe_value').addCallback((r) => r.observe(1));
  const started = performance.now();
  await telemetry.shutdown();
  const took = performance.now() - started;
  assert.ok(took < 5_000, `shutdown took ${took} ms`);
  assert.equal(lines.filter((l) => l.msg === 'final OTLP push did not finish in time').length, 1);
  // Let the late answer arrive: a connection cut under the exporter would have it retry for seconds.
  await new Promise((r) => setTimeout(r, 1200));
});

test('a serializer mismatch is logged once and passed on once; the next check is asked through telemetry.prometheus', async (t) => {
  const write = PrometheusText.prototype.serialize;
  let corrupt = false;
  t.mock.method(PrometheusText.prototype, 'serialize', function (this: PrometheusText, resourceMetrics: ResourceMetrics) {
    const body = write.call(this, resourceMetrics);
    return corrupt ? Buffer.concat([body, Buffer.from('# extra\n')]) : body;
  });
  const theirs = t.mock.method(PrometheusSerializer.prototype, 'serialize');
  const { logger, lines } = logged();
  const mismatches: SerializerMismatch[] = [];
  const telemetry = await startTelemetry({
    ...prometheusOnly(logger),
    onSerializerMismatch: (m) => mismatches.push(m),
  });
  t.after(() => telemetry.shutdown());
  telemetry.meter.createObservableGauge('probe_value').addCallback((r) => r.observe(42));
  await telemetry.prometheus.render();
  corrupt = true;
  await telemetry.prometheus.render();
  assert.equal(theirs.mock.callCount(), 1);
  assert.equal(mismatches.length, 0);

  telemetry.prometheus.checkNextCollection();
  assert.equal(await telemetry.prometheus.render(), theirs.mock.calls.at(-1)!.result);
  telemetry.prometheus.checkNextCollection();
  await telemetry.prometheus.render();
  assert.equal(mismatches.length, 1);
  const logLines = lines.filter((l) => /differs from @opentelemetry\/exporter-prometheus/.test(String(l.msg)));
  assert.equal(logLines.length, 1);
  assert.equal(logLines[0]!.level, 'error');
  assert.equal(logLines[0]!.ours, '# extra');
  assert.equal(logLines[0]!.offset, mismatches[0]!.offset);
});
