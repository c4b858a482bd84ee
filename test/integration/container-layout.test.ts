import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedPort, eventually } from '../helpers/simulated-fleet.js';
import { NODE_FLAGS, withDeadline } from '../helpers/exporter-process.js';
import { spawn } from 'node:child_process';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * No Docker engine runs here, so this replays the Dockerfile's steps in a scratch folder: only
 * the files it COPYs, `npm ci --ignore-scripts`, build, prune dev dependencies; then runs the
 * result as the runtime stage would, and probes it with the HEALTHCHECK command.
 */
test('the Dockerfile\'s build steps give a runnable app with production dependencies only', { timeout: 300_000 }, async (t) => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^FROM node:20-alpine AS build$/m);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^EXPOSE 9090$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/src\/main\.js"\]$/m);
  const nodeOptions = /^\s+NODE_OPTIONS=(\S+)$/m.exec(dockerfile)?.[1];
  assert.equal(nodeOptions, NODE_FLAGS.join(' '), 'the image runs the exporter with the Node options of `npm start`');
  assert.match(dockerfile, /CMD \["node", "dist\/src\/healthcheck\.js"\]/);

  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'src']) cpSync(join(REPO, path), join(dir, path), { recursive: true });
  const npm = (...args: string[]) => execFileSync('npm', args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
  npm('ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund');
  npm('run', 'build');
  npm('prune', '--omit=dev', '--no-audit', '--no-fund');
  assert.throws(() => readFileSync(join(dir, 'node_modules/typescript/package.json')), 'dev dependencies pruned');

  const port = await closedPort();
  const child = spawn(process.execPath, [join(dir, 'dist/src/main.js'), '--demo'], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', NODE_OPTIONS: nodeOptions, EXPORTER_PORT: String(port), EXPORTER_HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  await eventually(async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).includes('ecoflow_pd_soc{'), 'metrics from the pruned build', 20_000);

  const probe = (env: NodeJS.ProcessEnv, path?: string) => {
    try {
      execFileSync(process.execPath, [join(dir, 'dist/src/healthcheck.js'), ...(path ? [path] : [])], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
      return 0;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };
  assert.equal(probe({ EXPORTER_PORT: String(port) }), 0, 'healthy');
  assert.equal(probe({ EXPORTER_PORT: String(port) }, '/readyz'), 0, 'ready (compose.yaml probes this)');
  assert.equal(probe({ EXPORTER_PORT: String(await closedPort()) }), 1, 'nothing listening: unhealthy');
  assert.equal(probe({ EXPORTER_PORT: '0' }), 0, 'push-only sidecar');

  child.kill('SIGTERM');
  assert.equal(await withDeadline(exited, 5000, 'exit'), 0);
});
