/**
 * The fleet bench's processes: the exporter's environment in the bench, the Node scripts it
 * starts beside the exporter (the straightforward path, the floor) with the options the exporter
 * runs with, so that their RSS compares with the exporter's, and memory and Node options read
 * from /proc the same way for every process it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_KEY_ENV } from '../helpers/simulated-fleet.js';
import { sleep } from './scrape-load.js';

/** The exporter against the bench's simulator at `api`, serving on `port`, REST only, quiet; the settings tried (`tried`) passed through. */
export function exporterEnv(api: string, port: number, tried: NodeJS.ProcessEnv = passThrough()): NodeJS.ProcessEnv {
  return {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: api,
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_PORT: String(port),
    ECOFLOW_MQTT: 'off',
    LOG_LEVEL: 'warn',
    ...tried,
  };
}

/**
 * Memory and V8 settings to try on the exporter (and on what it is compared with), from the
 * bench's environment: MALLOC_ARENA_MAX, and EXPORTER_NODE_OPTIONS as its NODE_OPTIONS (the
 * bench's own NODE_OPTIONS would change the bench process instead); LARGE_FLEET_DEVICES (the
 * fleet size from which the exporter changes its memory options, node-options.ts; 0 never).
 */
export function passThrough(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.env.MALLOC_ARENA_MAX) env.MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX;
  if (process.env.EXPORTER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.EXPORTER_NODE_OPTIONS;
  if (process.env.LARGE_FLEET_DEVICES) env.LARGE_FLEET_DEVICES = process.env.LARGE_FLEET_DEVICES;
  return env;
}

/** Resident set size of a process, MB (MiB, as /proc counts it). */
export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** RSS once two readings 250 ms apart differ by less than 0.1 MB (at least `minMs` after the call, at most `maxMs`). */
export async function settledRssMb(pid: number, minMs = 1_000, maxMs = 6_000): Promise<number> {
  const started = Date.now();
  await sleep(minMs);
  let last = rssMb(pid);
  while (Date.now() - started < maxMs) {
    await sleep(250);
    const now = rssMb(pid);
    if (Math.abs(now - last) < 0.1) return now;
    last = now;
  }
  return last;
}

/**
 * The Node options a Node process runs with now, after any restart in place (the exporter sets
 * its memory options so, node-options.ts): its command line between the binary and the
 * script, and NODE_OPTIONS and MALLOC_ARENA_MAX of its environment. What a process compared with
 * it is given, so that the rule of which options the exporter picks lives in the exporter alone.
 */
export function nodeOptionsOf(pid: number): { flags: string[]; env: NodeJS.ProcessEnv } {
  const [, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const script = args.findIndex((a) => !a.startsWith('-'));
  const env: NodeJS.ProcessEnv = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const [name, ...value] = entry.split('=');
    if ((name === 'NODE_OPTIONS' || name === 'MALLOC_ARENA_MAX') && value.join('=') !== '') env[name] = value.join('=');
  }
  return { flags: args.slice(0, script < 0 ? args.length : script), env };
}

/** How nodeOptionsOf reads in a table: the flags, then the environment's options. */
export const describeNodeOptions = (o: { flags: readonly string[]; env: NodeJS.ProcessEnv }) =>
  [...o.flags, ...Object.entries(o.env).map(([k, v]) => `${k}=${v}`)].join(' ') || 'none';

export interface BenchChild {
  child: ChildProcess;
  /** The first line the script writes to stdout; rejects if it exits first. */
  ready: Promise<string>;
  exited: Promise<number | string>;
  output(): string;
}

/** Runs the compiled bench script `name` (of this folder) on this Node binary with `flags`, with only `env` (plus PATH). */
export function spawnBenchScript(name: string, args: string[], flags: readonly string[], env: NodeJS.ProcessEnv = {}): BenchChild {
  const script = fileURLToPath(new URL(name, import.meta.url));
  const child = spawn(process.execPath, [...flags, script, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was ready: ${err.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  ready.catch(() => {});
  return { child, ready, exited, output: () => out + err };
}
