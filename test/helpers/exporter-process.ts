import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_KEY_ENV, closedPort } from './simulated-fleet.js';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/**
 * The Node options the exporter runs with, as `npm start` gives them (the Dockerfile's
 * ENTRYPOINT must give the same: container-layout.test.ts).
 */
export const NODE_FLAGS: string[] = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const start = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js$/.exec(pkg.scripts.start ?? '');
  if (!start) throw new Error(`package.json "start" is not "node [--options] dist/src/main.js": ${pkg.scripts.start}`);
  return start[1]!.trim().split(' ').filter(Boolean);
})();

export interface ExporterProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** NODE_FLAGS, or other options to try in the bench: EXPORTER_NODE_FLAGS ("none" for none). */
export function nodeFlags(): string[] {
  const tried = process.env.EXPORTER_NODE_FLAGS;
  if (tried === undefined) return NODE_FLAGS;
  return tried === 'none' ? [] : tried.split(' ').filter(Boolean);
}

/** Runs the built exporter as users do (`npm start`), with only the given environment (plus PATH); `flags`: its Node options. */
export function spawnExporter(args: string[], env: NodeJS.ProcessEnv, flags: readonly string[] = nodeFlags()): ExporterProcess {
  return captured(
    spawn(process.execPath, [...flags, MAIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** A child spawned with stdout and stderr piped: what it writes, and how it ends. */
export function captured(child: ChildProcess): ExporterProcess {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}

export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The exporter process polling `apiUrl` with the test keys, serving /metrics on a free
 * loopback port; killed when the test ends.
 */
export async function spawnAgainst(
  t: import('node:test').TestContext,
  apiUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ExporterProcess & { metricsUrl: string }> {
  const port = await closedPort();
  const p = spawnExporter([], {
    ...TEST_KEY_ENV,
    ECOFLOW_API_HOST: apiUrl,
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_PORT: String(port),
    COLLECTING_INTERVAL: '0.3',
    ECOFLOW_MQTT: 'off',
    ...env,
  });
  t.after(() => p.child.kill('SIGKILL'));
  return { ...p, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}
