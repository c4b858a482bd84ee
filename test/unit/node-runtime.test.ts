import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NODE_FLOOR, nodeTooOld } from '../../src/node-runtime.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

test('`engines`, the start-up check and the bundled Node.js agree: the tests run on the bundled one, which engines accepts', () => {
  const floor = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
  assert.ok(floor, `engines.node is ">=N": ${pkg.engines.node}`);
  assert.deepEqual(NODE_FLOOR, [Number(floor), 0], 'the start-up check accepts what engines says');
  const lines = new Set(Object.values(pkg.optionalDependencies).map((v) => v.split('.')[0]));
  assert.equal(lines.size, 1, 'one Node.js line for every platform');
  const [bundled] = lines;
  assert.ok(Number(bundled) >= Number(floor), `the bundled ${bundled} is one engines accepts`);
  for (const name of Object.keys(pkg.optionalDependencies)) assert.match(name, /^node-(linux|win)-(x64|arm64)$/);
  assert.equal(process.versions.node.split('.')[0], bundled, 'npm test runs on the Node.js of node_modules/.bin');
});

test('the exporter refuses a Node.js older than the LTS lines it is tested on, and accepts 24 and up', () => {
  for (const old of ['v20.20.2', 'v22.15.0', 'v23.9.0', 'v18.0.0']) assert.equal(nodeTooOld(old), true, old);
  for (const ok of ['v24.0.0', 'v24.22.3', 'v26.12.1', 'v28.0.0']) assert.equal(nodeTooOld(ok), false, ok);
});

test("a machine's own old Node.js running the exporter directly is told how to start it", (t) => {
  const system = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
    try {
      return nodeTooOld(execFileSync(p, ['--version'], { encoding: 'utf8' }).trim());
    } catch {
      return false;
    }
  });
  // CI machines have Node.js 20 (the ground this test stands on): there it must run.
  if (!system && process.env.CI) assert.fail('no Node.js older than 24 at /usr/bin/node or /usr/local/bin/node; CI machines have Node.js 20');
  if (!system) return t.skip('no Node.js older than 24 on this machine to try');
  let stderr = '';
  let status = 0;
  try {
    execFileSync(system, [fileURLToPath(new URL('../../src/main.js', import.meta.url)), '--demo'], { stdio: 'pipe', encoding: 'utf8', timeout: 10_000 });
  } catch (err) {
    ({ stderr, status } = err as { stderr: string; status: number });
  }
  assert.equal(status, 1);
  assert.match(stderr, /runs on Node\.js 24\.0 or newer.* Start it with `npm start`/);
});
