import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedPort, eventually } from './simulated-fleet.js';

/**
 * Real Prometheus and VictoriaMetrics on loopback, for the tests that prove our output reaches
 * its consumers, and the real tools that check what we ship (promtool, kubectl). `.ci/run`
 * installs them; elsewhere a missing binary skips those tests with the reason, except under CI,
 * where it fails them.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The first `name` on PATH, else `fallback`. */
function onPath(name: string, fallback: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return fallback;
}

export const BINARIES = {
  prometheus: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
  promtool: process.env.PROMTOOL_BIN ?? '/usr/bin/promtool',
  victoriaMetrics: process.env.VICTORIA_METRICS_BIN ?? join(REPO, '.cache/victoria-metrics/usr/bin/victoria-metrics'),
  mosquitto: process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto',
  // On PATH, else the one `.ci/run` unpacks from Debian trixie when the machine has none.
  kubectl: process.env.KUBECTL_BIN ?? onPath('kubectl', join(REPO, '.cache/kubectl/usr/bin/kubectl')),
};

/** Options for `test()`: skips with a reason when a binary is missing outside CI. */
export function needs(binary: keyof typeof BINARIES): { skip?: string } {
  if (existsSync(BINARIES[binary]) || process.env.CI) return {};
  return { skip: `${BINARIES[binary]} not installed (bash .ci/run installs it; see CONTRIBUTING.md)` };
}

export interface RunningServer {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

async function run(command: string, args: string[], readyUrl: string, dataDir: string): Promise<RunningServer> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout!.on('data', (d) => (logs += d));
  child.stderr!.on('data', (d) => (logs += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => (await fetch(readyUrl)).ok, `${command} ready`, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${logs.slice(-2000)}`);
  }
  return { url: new URL(readyUrl).origin, logs: () => logs, stop };
}

export async function startPrometheus(
  scrapeTarget: string,
  scrape = { intervalS: 1, timeoutS: 1 },
  options: { ruleFiles?: string[]; evaluationIntervalS?: number } = {},
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const port = await closedPort();
  const rules = options.ruleFiles ?? [];
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${scrape.intervalS}s`,
      `  scrape_timeout: ${scrape.timeoutS}s`,
      `  evaluation_interval: ${options.evaluationIntervalS ?? 1}s`,
      ...(rules.length > 0 ? ['rule_files:', ...rules.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      '  - job_name: ecoflow',
      '    static_configs:',
      `      - targets: ['${scrapeTarget}']`,
      '',
    ].join('\n'),
  );
  return run(
    BINARIES.prometheus,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    `http://127.0.0.1:${port}/-/ready`,
    dir,
  );
}

export async function startVictoriaMetrics(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'victoria-metrics-'));
  const port = await closedPort();
  return run(
    BINARIES.victoriaMetrics,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(dir, 'data')}`,
      '-retentionPeriod=1d',
      // Fresh samples are hidden from queries for 30 s by default.
      '-search.latencyOffset=0s',
    ],
    `http://127.0.0.1:${port}/health`,
    dir,
  );
}

/** Instant PromQL query; returns the result vector. */
export async function promQuery(baseUrl: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(`query ${query}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Runs promtool; on failure the test fails with what promtool printed (on stdout: its error alone would hide it). */
export function promtool(...args: string[]): string {
  try {
    return execFileSync(BINARIES.promtool, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
