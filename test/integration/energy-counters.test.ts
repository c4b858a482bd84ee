/**
 * The energy counters from the outside: as users' collectors receive them over OTLP, and across
 * a restart of the process with ENERGY_STATE_FILE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SN, eventually, startSimulator } from '../helpers/simulated-fleet.js';
import { spawnAgainst, withDeadline } from '../helpers/exporter-process.js';

interface SumPoint {
  name: string;
  device: string;
  value: number;
  start: bigint;
  time: bigint;
  monotonic: boolean;
  temporality: number;
}

/** An OTLP/HTTP JSON receiver keeping every data point of the energy counters. */
async function startReceiver(t: import('node:test').TestContext) {
  const points: SumPoint[][] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const push: SumPoint[] = [];
    for (const rm of JSON.parse(body).resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          if (!String(m.name).endsWith('_joules_total')) continue;
          for (const dp of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []) {
            push.push({
              name: m.name,
              device: dp.attributes?.find((a: { key: string }) => a.key === 'device')?.value.stringValue,
              value: dp.asDouble ?? Number(dp.asInt),
              start: BigInt(dp.startTimeUnixNano ?? 0),
              time: BigInt(dp.timeUnixNano ?? 0),
              monotonic: m.sum?.isMonotonic === true,
              temporality: m.sum?.aggregationTemporality ?? 0,
            });
          }
        }
    points.push(push);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, points };
}

test('over OTLP the energy counters are monotonic cumulative sums with a start time that stays', async (t) => {
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const receiver = await startReceiver(t);
  const p = await spawnAgainst(t, simulator.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  });
  const plug = (push: SumPoint[]) => push.find((x) => x.name === 'ecoflow_load_energy_joules_total' && x.device === SN.smartPlug);
  const first = await eventually(() => receiver.points.map(plug).find((x) => x !== undefined && x.value > 0), `plug energy pushed\n${p.output()}`, 15_000);
  await eventually(() => receiver.points.map(plug).filter((x) => x !== undefined).length >= 6, 'more pushes', 15_000);
  const series = receiver.points.map(plug).filter((x): x is SumPoint => x !== undefined);
  for (const point of series) {
    assert.equal(point.monotonic, true);
    assert.equal(point.temporality, 2, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
    assert.ok(point.start > 0n && point.start <= point.time, 'a start time before the point');
    assert.equal(point.start, series[0]!.start, 'the same start time on every push');
  }
  for (let i = 1; i < series.length; i++) assert.ok(series[i]!.value >= series[i - 1]!.value, 'never decreasing');
  assert.ok(series.at(-1)!.value > first.value, 'growing: the plug draws power');
  // Every energy metric that is pushed is a monotonic cumulative sum.
  for (const point of receiver.points.flat()) assert.ok(point.monotonic && point.temporality === 2, `${point.name} is a counter`);

  const text = await (await fetch(p.metricsUrl)).text();
  assert.match(text, /^# TYPE ecoflow_load_energy_joules_total counter$/m);
  assert.match(text, /^# UNIT ecoflow_load_energy_joules_total J$/m);
});

function scrapeValue(text: string, name: string, sn: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{device="${sn}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('ENERGY_STATE_FILE: counters continue after a restart; a corrupt file is one log line and counters from 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'energy-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'energy.json');
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const load = 'ecoflow_load_energy_joules_total';

  const first = await spawnAgainst(t, simulator.url, { ENERGY_STATE_FILE: file, ENERGY_STATE_INTERVAL: '1' });
  const before = await eventually(
    async () => {
      const v = scrapeValue(await (await fetch(first.metricsUrl)).text(), load, SN.smartPlug);
      return v !== undefined && v >= 2 && v;
    },
    `plug energy grows\n${first.output()}`,
    15_000,
  );
  first.child.kill('SIGTERM');
  assert.equal(await withDeadline(first.exited, 5_000, 'exit'), 0);
  const saved = JSON.parse(readFileSync(file, 'utf8')).devices[SN.smartPlug].integrated.loadEnergy.joules as number;
  assert.ok(saved >= before, `saved at shutdown: ${saved} ≥ ${before}`);

  const second = await spawnAgainst(t, simulator.url, { ENERGY_STATE_FILE: file, ENERGY_STATE_INTERVAL: '1' });
  const resumed = await eventually(
    async () => scrapeValue(await (await fetch(second.metricsUrl)).text(), load, SN.smartPlug),
    `plug energy after the restart\n${second.output()}`,
    15_000,
  );
  assert.ok(resumed >= saved, `continues: ${resumed} ≥ ${saved}`);
  assert.match(second.output(), /energy counters continue from the state file/);
  second.child.kill('SIGTERM');
  assert.equal(await withDeadline(second.exited, 5_000, 'exit'), 0);

  writeFileSync(file, '{"format":"ecoflow-exporter energy state","version":1,"devi');
  const third = await spawnAgainst(t, simulator.url, { ENERGY_STATE_FILE: file, ENERGY_STATE_INTERVAL: '1' });
  const fresh = await eventually(
    async () => scrapeValue(await (await fetch(third.metricsUrl)).text(), load, SN.smartPlug),
    `plug energy after a corrupt file\n${third.output()}`,
    15_000,
  );
  assert.ok(fresh < saved, `from 0: ${fresh} < ${saved}`);
  const lines = third
    .output()
    .split('\n')
    .filter((l) => l.includes('energy state file not used'));
  assert.equal(lines.length, 1, third.output());
  assert.ok(lines[0]!.includes(file) && lines[0]!.includes('not valid JSON'));
  third.child.kill('SIGTERM');
  assert.equal(await withDeadline(third.exited, 5_000, 'exit'), 0);
});

test('npm start keeps energy state by default, in the per-user location (XDG state home), and an empty ENERGY_STATE_FILE turns it off', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'energy-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const simulator = await startSimulator();
  t.after(() => simulator.stop());
  const file = join(home, '.local', 'state', 'ecoflow-exporter', 'energy-state.json');

  const p = await spawnAgainst(t, simulator.url, { HOME: home, ENERGY_STATE_INTERVAL: '1' });
  await eventually(
    async () => scrapeValue(await (await fetch(p.metricsUrl)).text(), 'ecoflow_load_energy_joules_total', SN.smartPlug),
    `plug energy exported\n${p.output()}`,
    15_000,
  );
  p.child.kill('SIGTERM');
  assert.equal(await withDeadline(p.exited, 5_000, 'exit'), 0);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(saved.devices[SN.smartPlug].integrated.loadEnergy.joules >= 0, 'the plug is in the per-user state file');
  assert.match(p.output(), new RegExp(`no energy state file yet.*${file.replaceAll('.', '\\.')}`));

  rmSync(file);
  const off = await spawnAgainst(t, simulator.url, { HOME: home, ENERGY_STATE_FILE: '' });
  await eventually(
    async () => scrapeValue(await (await fetch(off.metricsUrl)).text(), 'ecoflow_load_energy_joules_total', SN.smartPlug),
    `plug energy exported without a state file\n${off.output()}`,
    15_000,
  );
  off.child.kill('SIGTERM');
  assert.equal(await withDeadline(off.exited, 5_000, 'exit'), 0);
  assert.ok(!existsSync(file), 'no state file written when ENERGY_STATE_FILE is empty');
});
