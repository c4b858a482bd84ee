import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SN, TEST_KEY_ENV, closedPort, eventually, startSimulator } from '../helpers/simulated-fleet.js';
import { spawnAgainst, spawnExporter, withDeadline } from '../helpers/exporter-process.js';
import { needs, promQuery, startVictoriaMetrics } from '../helpers/external-servers.js';
import { realTime } from '../helpers/real-time.js';

test('OTLP protobuf push lands in a real VictoriaMetrics, queryable with the same labels', needs('victoriaMetrics'), async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const vm = await startVictoriaMetrics();
  t.after(() => vm.stop());
  // Push-only sidecar: no Prometheus endpoint at all.
  const p = spawnExporter([], {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: simulator.url,
    EXPORTER_PORT: '0',
    COLLECTING_INTERVAL: '0.5',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${vm.url}/opentelemetry/v1/metrics`,
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    OTEL_SERVICE_NAME: 'ecoflow-test',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci',
  });
  t.after(() => p.child.kill('SIGKILL'));

  const [soc] = await eventually(
    async () => {
      const r = await promQuery(vm.url, `ecoflow_pd_soc{device="${SN.delta2}"}`);
      return r.length === 1 && r;
    },
    `pd_soc in VictoriaMetrics\n${p.output()}`,
    30_000,
  );
  assert.equal(soc!.value[1], '46');
  assert.equal(soc!.metric.device_name, 'DELTA 2-Garage');
  assert.equal(soc!.metric.product_name, 'DELTA 2');
  assert.equal(soc!.metric['service.name'], 'ecoflow-test', 'resource attributes become labels');
  assert.equal(soc!.metric['deployment.environment'], 'ci');

  const online = await eventually(
    async () => {
      const r = await promQuery(vm.url, 'ecoflow_online');
      return r.length === 4 && r;
    },
    'online of every device',
    30_000,
  );
  assert.deepEqual(
    online.map((s) => `${s.metric.device}=${s.value[1]}`).sort(),
    [`${SN.powerStream}=1`, `${SN.delta2}=1`, `${SN.smartPlug}=1`, `${SN.river2}=0`].sort(),
  );
  // Energy counters arrive as counters: VictoriaMetrics keeps their name, and increase() works on them.
  await eventually(
    async () => {
      const r = await promQuery(vm.url, `increase(ecoflow_load_energy_joules_total{device="${SN.smartPlug}"}[1m])`);
      return r.length === 1 && Number(r[0]!.value[1]) > 0;
    },
    `plug energy growing in VictoriaMetrics\n${p.output()}`,
    30_000,
  );
  const cells = await promQuery(vm.url, `ecoflow_bms_bms_status_cell_vol{device="${SN.delta2}",index_0="2"}`);
  assert.equal(cells[0]?.value[1], '3261');
  assert.equal(cells.length, 1);

  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit'), 0);
});

interface JsonPush {
  names: Set<string>;
  devices: Set<string>;
}

/** A minimal OTLP/HTTP JSON receiver: records metric names and device attributes of each push. */
async function startJsonReceiver(t: import('node:test').TestContext) {
  const pushes: JsonPush[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    headers.push(req.headers);
    const names = new Set<string>();
    const devices = new Set<string>();
    const doc = JSON.parse(body);
    for (const rm of doc.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          for (const dp of m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []) {
            names.add(m.name);
            for (const a of dp.attributes ?? []) if (a.key === 'device') devices.add(`${m.name}:${a.value.stringValue}`);
          }
        }
    pushes.push({ names, devices });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pushes, headers };
}

test("http/json push with headers; an offline device's series leave the pushes; SIGTERM flushes", async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const receiver = await startJsonReceiver(t);
  const p = await spawnAgainst(t, simulator.url, {
    DEVICE_LIST_INTERVAL: '0.3',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-scope-orgid=home,authorization=Bearer%20t0ken-value',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  });

  await eventually(() => receiver.pushes.some((push) => push.devices.has(`ecoflow_2_1_watts:${SN.smartPlug}`)), 'plug pushed', 15_000);
  assert.equal(receiver.headers[0]!['x-scope-orgid'], 'home');
  assert.equal(receiver.headers[0]!.authorization, 'Bearer t0ken-value');
  assert.match(String(receiver.headers[0]!['content-type']), /application\/json/);

  simulator.setOnline(SN.smartPlug, false);
  const seen = receiver.pushes.length;
  await eventually(
    () => {
      const later = receiver.pushes.slice(seen);
      return later.length >= 2 && !later.at(-1)!.devices.has(`ecoflow_2_1_watts:${SN.smartPlug}`) && later.at(-1)!.devices.has(`ecoflow_pd_soc:${SN.delta2}`);
    },
    'plug series gone from pushes',
    15_000,
  );

  // The Prometheus side is unaffected by the push.
  const text = await (await fetch(p.metricsUrl)).text();
  assert.match(text, /ecoflow_online\{device="HW52ZDH4SF2E0002",device_name="Smart Plug-Fridge",product_name="Smart Plug"\} 0/);

  const before = receiver.pushes.length;
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit'), 0);
  assert.ok(receiver.pushes.length > before, 'a last push on shutdown');
  assert.ok(!p.output().includes('t0ken-value'), 'header values are never logged');
});

test('a collector that is down costs nothing but a logged, bounded failure', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const p = await spawnAgainst(t, simulator.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
  });
  await eventually(() => p.output().includes('OTLP export failed'), 'failure logged', 15_000);
  const text = await eventually(async () => {
    const body = await (await fetch(p.metricsUrl)).text();
    return body.includes('ecoflow_pd_soc{') && body;
  }, 'prometheus still serves');
  assert.ok(text);
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 7_000, 'exit'), 0);
});

test('a slow or refusing collector: failures counted, retries bounded, Prometheus side unaffected', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  // First it never answers, then it answers 503 (which the OTLP exporter retries).
  let mode: 'hang' | '503' = 'hang';
  let received = 0;
  const hanging = new Set<import('node:http').ServerResponse>();
  const collector = createServer((req, res) => {
    received++;
    req.resume();
    if (mode === 'hang') hanging.add(res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    for (const res of hanging) res.destroy();
    collector.close();
  });
  const p = await spawnAgainst(t, simulator.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    OTEL_METRIC_EXPORT_TIMEOUT: '300',
  });
  const failures = async () => {
    const body = await (await fetch(p.metricsUrl)).text();
    return Number(/^ecoflow_exporter_otlp_export_failures_total (\d+)/m.exec(body)?.[1] ?? 0);
  };
  await eventually(async () => (await failures()) >= 2, 'timed-out pushes counted', 15_000);
  const started = Date.now();
  await fetch(p.metricsUrl);
  assert.ok(Date.now() - started < 500, 'scrapes do not wait for the collector');

  mode = '503';
  const before = received;
  await realTime(3000);
  // Six pushes in 3 s; the exporter's retries stay inside each push's 300 ms budget.
  assert.ok(received - before <= 6 * 5, `${received - before} requests in 3 s`);
  assert.ok((await failures()) >= 4);
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit'), 0);
});
