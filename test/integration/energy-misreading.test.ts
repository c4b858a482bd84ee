/**
 * A device's lifetime energy counter misread for a few seconds, end to end: the simulator → the
 * exporter process → a real Prometheus scraping it every second.
 *
 * Why: a real DELTA 2 Max (REST every 2 s) read pd.chgPowerAC, its lifetime AC charging in Wh, as
 * 100 instead of 213 052 on two or more reads in a row, then right again, counting on. The
 * exporter took the low readings for a reset of the device: ecoflow_port_input_energy_joules_total
 * {port="ac"} fell from 766 987 200 J to 360 000 J and stayed there, every later reading refused
 * as a "jump"; Prometheus's increase() saw a reset, then nothing.
 *
 * What it proves, in what Prometheus stored: over such a misreading the counter never falls and
 * increase() is the 2 Wh the device counted meanwhile, and afterwards the exporter follows the
 * device; then the same over a window that spans a kill -9 and a restart with the same
 * ENERGY_STATE_FILE (written every second: ENERGY_STATE_INTERVAL; with a state file, counters are
 * published as of the last write, so a restart never publishes less than was scraped before the
 * kill), the misreading starting while the exporter is down.
 *
 * The test is paced by the device's polls (the simulator counts its quota/all requests) and by
 * time, never by waiting for the values it asserts: an exporter that gets it wrong fails with the
 * stored samples in the message rather than with a timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { spawnExporter, withDeadline, type ExporterProcess } from '../helpers/exporter-process.js';
import { needs, promQuery, startPrometheus, type RunningServer } from '../helpers/external-servers.js';
import { realTime } from '../helpers/real-time.js';
import { valueWith } from '../helpers/running-exporter.js';
import { TEST_KEY_ENV, closedPort, eventually, startSimulator, stillDemoFleet } from '../helpers/simulated-fleet.js';

/** The DELTA 2 Max's lifetime AC input: Wh on the device, J (× 3600) in the exporter's output. */
const KEY = 'pd.chgPowerAC';
const COUNTER = 'ecoflow_port_input_energy_joules_total';
const WH = 3600;
/** The real device's reading, and its misreading. */
const RIGHT = 213_052;
const MISREAD = 100;
/** Polls the misreading lasts: the rule before the rewrite let a decrease through on the second. */
const MISREAD_POLLS = 3;

interface Rig {
  simulator: CloudSimulator;
  prometheus: RunningServer;
  sn: string;
  /** The exporter's port, the same for every process: Prometheus keeps one target and one series. */
  port: number;
  stateFile: string;
  exporter: ExporterProcess;
}

/**
 * The exporter process on a fixed port. Not spawnAgainst: it picks a new port per process, and
 * the process started after the kill must answer where Prometheus already scrapes.
 */
function spawnOnPort(t: import('node:test').TestContext, rig: Omit<Rig, 'exporter' | 'prometheus'>): ExporterProcess {
  const p = spawnExporter([], {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: rig.simulator.url,
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_PORT: String(rig.port),
    COLLECTING_INTERVAL: '1',
    // REST alone: every reading is a poll the simulator counts.
    ECOFLOW_MQTT: 'off',
    ENERGY_STATE_FILE: rig.stateFile,
    ENERGY_STATE_INTERVAL: '1',
  });
  t.after(() => p.child.kill('SIGKILL'));
  return p;
}

/** The counter as the exporter's /metrics shows it now, in J. */
async function exported(rig: Rig): Promise<number | undefined> {
  const res = await fetch(`http://127.0.0.1:${rig.port}/metrics`);
  return valueWith(await res.text(), COUNTER, { device: rig.sn, port: 'ac' });
}

/**
 * Sets the device's reading, then waits until the exporter has polled `polls` times since: each
 * of those requests arrived after the change, so each read the new value.
 */
async function deviceReads(rig: Rig, wh: number, polls: number): Promise<void> {
  const from = rig.simulator.quotaRequests.get(rig.sn) ?? 0;
  rig.simulator.setQuota(rig.sn, KEY, wh);
  await eventually(
    () => (rig.simulator.quotaRequests.get(rig.sn) ?? 0) >= from + polls,
    `${polls} polls reading ${wh} Wh\n${rig.exporter.output().slice(-2000)}`,
    polls * 1000 + 10_000,
  );
  // The last answer is parsed and published just after the request is counted.
  await realTime(300);
}

/** The device misread for MISREAD_POLLS polls, then right (`wh`) for two, then +2 Wh for two; then time for the last to be scraped. */
async function misreadRightThenTwoWh(rig: Rig, wh: number): Promise<void> {
  await deviceReads(rig, MISREAD, MISREAD_POLLS);
  await deviceReads(rig, wh, 2);
  await deviceReads(rig, wh + 2, 2);
  await realTime(SETTLE_MS);
}

/** "766987200 J ×4 → 360000 J ×9": the stored samples, run by run, for assertion messages. */
function runs(samples: Array<[number, number]>): string {
  const out: Array<{ value: number; n: number }> = [];
  for (const [, value] of samples) {
    const last = out.at(-1);
    if (last?.value === value) last.n++;
    else out.push({ value, n: 1 });
  }
  return out.map((r) => `${r.value} J ×${r.n}`).join(' → ');
}

/**
 * What Prometheus stored of the counter between two wall-clock times, and what it makes of it:
 * raw samples (a range selector), resets() and increase() over exactly those samples.
 */
async function stored(rig: Rig, fromS: number, toS: number) {
  const series = `${COUNTER}{device="${rig.sn}",port="ac"}`;
  const range = await promQuery(rig.prometheus.url, `${series}[${Math.round((toS - fromS) * 1000)}ms] @ ${toS.toFixed(3)}`);
  const matrix = range as unknown as Array<{ values: Array<[number, string]> }>;
  assert.equal(matrix.length, 1, `one series of ${series} in Prometheus: ${JSON.stringify(range)}`);
  const samples = matrix[0]!.values.map(([at, v]): [number, number] => [at, Number(v)]);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  // increase() extrapolates from the first and last samples to the edges of its window. Evaluated
  // at the last sample, with the window reaching 10 ms past the first (a range is open on its
  // left), it covers these very samples and extrapolates by 10 ms in some ten seconds.
  const window = `${Math.round((last[0] - first[0]) * 1000) + 10}ms] @ ${last[0].toFixed(3)}`;
  const [resets] = await promQuery(rig.prometheus.url, `resets(${series}[${window})`);
  const [increase] = await promQuery(rig.prometheus.url, `increase(${series}[${window})`);
  return { samples, resets: Number(resets?.value[1]), increase: Number(increase?.value[1]), runs: runs(samples) };
}

/** The counter, as stored between `fromS` and `toS`, went from `fromWh` to `fromWh` + 2 Wh without ever falling. */
async function assertTwoWhNeverFalling(t: import('node:test').TestContext, rig: Rig, fromS: number, toS: number, fromWh: number): Promise<void> {
  const { samples, resets, increase, runs } = await stored(rig, fromS, toS);
  t.diagnostic(`stored: ${runs}; resets() ${resets}, increase() ${increase} J`);
  // The test's own timing: several samples, flat at both ends, so the window holds the whole story.
  assert.ok(samples.length >= 8, `only ${samples.length} samples stored: ${runs}`);
  assert.ok(samples[0]![1] === samples[1]![1] && samples.at(-1)![1] === samples.at(-2)![1], `the window is not flat at its ends: ${runs}`);

  for (let i = 1; i < samples.length; i++) {
    assert.ok(
      samples[i]![1] >= samples[i - 1]![1],
      `the counter stored in Prometheus fell (${fromWh} Wh = ${fromWh * WH} J, misread as ${MISREAD} Wh): ${runs}`,
    );
  }
  assert.equal(resets, 0, `resets() over the window: ${runs}`);
  assert.equal(samples[0]![1], fromWh * WH, `first stored sample: ${runs}`);
  assert.equal(samples.at(-1)![1], (fromWh + 2) * WH, `last stored sample: ${runs}`);
  // 2 Wh = 7200 J. The window is fitted to the samples (see stored()), so increase() should be
  // 7200 J within a fraction of a per cent; ±10 % leaves room for Prometheus's extrapolation
  // rules and still fails on what a misreading makes of it: 0, negative, or hundreds of MJ.
  assert.ok(Math.abs(increase - 2 * WH) <= 0.1 * 2 * WH, `increase() = ${increase} J, expected 2 Wh = ${2 * WH} J ± 10 %: ${runs}`);
}

/** The exporter's own /metrics shows `wh` (it may lag one state-file write behind the device). */
async function exporterShows(rig: Rig, wh: number): Promise<void> {
  let seen: number | undefined;
  try {
    await eventually(async () => (seen = await exported(rig)) === wh * WH, `${wh} Wh on /metrics`, 6_000);
  } catch {
    assert.fail(`the exporter does not follow the device: /metrics shows ${seen} J, the device reads ${wh} Wh = ${wh * WH} J`);
  }
}

/** Scrapes keep coming every second: waiting this long after the last change leaves the window flat at its end. */
const SETTLE_MS = 3_500;

test('a DELTA 2 Max lifetime counter misread for a few seconds never falls in Prometheus, before and after a kill -9', {
  ...needs('prometheus'),
  timeout: 120_000,
}, async (t) => {
  const fleet = stillDemoFleet().filter((d) => d.productName === 'DELTA 2 Max');
  assert.equal(fleet.length, 1, 'one DELTA 2 Max in the demo fleet');
  const device = fleet[0]!;
  // Still: no value moves by itself, so only the test changes the counter.
  assert.equal(device.motion, undefined);
  device.quotas[KEY] = RIGHT;
  const simulator = await startSimulator(fleet);
  t.after(() => simulator.stop());
  const dir = mkdtempSync(join(tmpdir(), 'energy-misreading-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const base = { simulator, sn: device.sn, port: await closedPort(), stateFile: join(dir, 'energy-state.json') };
  const exporter = spawnOnPort(t, base);
  const prometheus = await startPrometheus(`127.0.0.1:${base.port}`, { intervalS: 1, timeoutS: 1 });
  t.after(() => prometheus.stop());
  const rig: Rig = { ...base, exporter, prometheus };

  await eventually(
    async () => Number((await promQuery(prometheus.url, `${COUNTER}{device="${rig.sn}",port="ac"}`))[0]?.value[1]) === RIGHT * WH,
    `${RIGHT} Wh stored in Prometheus\n${exporter.output().slice(-2000)}`,
    30_000,
  );

  await t.test('misread on 3 polls, right again, then +2 Wh: the counter never falls, increase() is 2 Wh, and it follows the device', async (st) => {
    const from = Date.now() / 1000;
    await realTime(2_000);
    await misreadRightThenTwoWh(rig, RIGHT);
    await assertTwoWhNeverFalling(st, rig, from, Date.now() / 1000, RIGHT);

    await exporterShows(rig, RIGHT + 2);
    await deviceReads(rig, RIGHT + 3, 1);
    await exporterShows(rig, RIGHT + 3);
  });

  await t.test(
    'the same across a kill -9 and a restart with the state file, the misreading starting while it was down: never falls, increase() is 2 Wh',
    async (st) => {
      const start = RIGHT + 3;
      // Where the first part left the device, whatever it proved.
      await deviceReads(rig, start, 1);
      await realTime(1_500);
      const from = Date.now() / 1000;
      await realTime(2_000);

      rig.exporter.child.kill('SIGKILL');
      assert.equal(await withDeadline(rig.exporter.exited, 5_000, 'the exporter dying of SIGKILL'), 'SIGKILL');
      // The misreading starts while the exporter is down: the restarted one's first readings are wrong.
      rig.simulator.setQuota(rig.sn, KEY, MISREAD);
      rig.exporter = spawnOnPort(t, rig);
      await eventually(async () => (await exported(rig)) !== undefined, `the restarted exporter serves the counter\n${rig.exporter.output()}`, 15_000);
      await realTime(2_000);

      await misreadRightThenTwoWh(rig, start);
      await assertTwoWhNeverFalling(st, rig, from, Date.now() / 1000, start);
      await exporterShows(rig, start + 2);
    },
  );
});
