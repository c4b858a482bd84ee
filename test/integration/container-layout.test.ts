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

/** The build stage's `RUN` commands, each split at `&&` into npm argument lists. */
function buildStageNpmCommands(dockerfile: string): string[][] {
  const build = dockerfile.split(/^FROM /m)[1] ?? '';
  const commands = [...build.matchAll(/^RUN (.+)$/gm)].flatMap((m) => m[1]!.split('&&').map((c) => c.trim().split(/\s+/)));
  for (const c of commands) assert.equal(c[0], 'npm', `the build stage runs only npm: ${c.join(' ')}`);
  return commands.map((c) => c.slice(1));
}

/**
 * No Docker engine runs here, so this replays the Dockerfile's steps in a scratch folder: only
 * the files it COPYs, then the build stage's own RUN commands; then runs the result as the
 * runtime stage would, and probes it with the HEALTHCHECK command.
 */
test("the Dockerfile's build steps give a runnable app with production dependencies only", { timeout: 300_000 }, async (t) => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  const tested = `node:${process.versions.node}-alpine`;
  assert.deepEqual(bases, [tested, tested], 'both stages on the very Node.js version the tests run on (the bundled one), pinned in full');
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^EXPOSE 9090$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/src\/main\.js"\]$/m);
  // The exporter sets its own memory options, however started: the image must not set them for it.
  assert.doesNotMatch(dockerfile, /^\s*(ENV\s+)?NODE_OPTIONS=|--max-semi-space-size|--heap-growing-percent/m);
  assert.deepEqual(NODE_FLAGS, [], '`npm start` gives no Node option either');
  assert.match(dockerfile, /CMD \["node", "dist\/src\/healthcheck\.js"\]/);

  const dir = mkdtempSync(join(tmpdir(), 'image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'src']) cpSync(join(REPO, path), join(dir, path), { recursive: true });
  const npm = (...args: string[]) => execFileSync('npm', args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
  const quiet = ['--prefer-offline', '--no-audit', '--no-fund'];
  for (const args of buildStageNpmCommands(dockerfile)) npm(...args, ...(args[0] === 'run' ? [] : quiet));
  assert.throws(() => readFileSync(join(dir, 'node_modules/typescript/package.json')), 'dev dependencies pruned');
  // The glibc Node.js binaries `npm start` uses elsewhere would not run on Alpine and weigh 100 MB.
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  assert.ok(Object.keys(pkg.optionalDependencies ?? {}).length > 0);
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    assert.throws(() => readFileSync(join(dir, 'node_modules', name, 'package.json')), `${name} stays out of the image`);
  }

  const port = await closedPort();
  const child = spawn(process.execPath, [join(dir, 'dist/src/main.js'), '--demo'], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', EXPORTER_PORT: String(port), EXPORTER_HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  await eventually(
    async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).includes('ecoflow_pd_soc{'),
    'metrics from the pruned build',
    20_000,
  );

  const probe = (env: NodeJS.ProcessEnv, path?: string) => {
    try {
      execFileSync(process.execPath, [join(dir, 'dist/src/healthcheck.js'), ...(path ? [path] : [])], {
        env: { PATH: process.env.PATH, ...env },
        stdio: 'ignore',
      });
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
