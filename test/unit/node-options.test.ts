import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SEMI_SPACE_MB,
  describeSemiSpace,
  isLargeFleet,
  SMALL_SEMI_SPACE_MB,
  semiSpaceOf,
  semiSpaceRestart,
  withSemiSpace,
} from '../../src/node-options.js';
import { inFreshProcess } from '../helpers/fresh-process.js';

test('the young generation given is found on the command line or in NODE_OPTIONS, the command line winning; none given is undefined', () => {
  assert.equal(semiSpaceOf([], undefined), undefined);
  assert.equal(semiSpaceOf(['--max-semi-space-size=2'], undefined), 2);
  assert.equal(semiSpaceOf([], '--enable-source-maps --max-semi-space-size=16'), 16);
  assert.equal(semiSpaceOf(['--max_semi_space_size=0'], '--max-semi-space-size=16'), 0, 'V8 takes either spelling; the command line wins');
  assert.equal(semiSpaceOf(['--max-old-space-size=512'], '--max-semi-space-size-x=3'), undefined);
});

test('a restart sets the young generation on the command line and takes it out of NODE_OPTIONS, leaving the rest', () => {
  assert.deepEqual(withSemiSpace(['--enable-source-maps', '--max-semi-space-size=2'], '--max-semi-space-size=2  --max-old-space-size=512', 0), {
    execArgv: ['--enable-source-maps', '--max-semi-space-size=0'],
    nodeOptions: '--max-old-space-size=512',
  });
  assert.deepEqual(withSemiSpace([], undefined, SMALL_SEMI_SPACE_MB), { execArgv: ['--max-semi-space-size=2'], nodeOptions: '' });
});

test('at start a process without a young generation gets the small one; a size the user gave is kept, and so is the one a restart set', () => {
  assert.equal(semiSpaceRestart(undefined, undefined, 200, false), SMALL_SEMI_SPACE_MB);
  assert.equal(semiSpaceRestart(SMALL_SEMI_SPACE_MB, undefined, 200, true), undefined);
  assert.equal(semiSpaceRestart(DEFAULT_SEMI_SPACE_MB, undefined, 200, false), undefined);
  assert.equal(semiSpaceRestart(8, undefined, 200, false), undefined);
});

test("after the first device list a large fleet gets Node's default, once; a small one, a user's size or LARGE_FLEET_DEVICES=0 stay", () => {
  assert.equal(semiSpaceRestart(SMALL_SEMI_SPACE_MB, 200, 200, true), DEFAULT_SEMI_SPACE_MB);
  assert.equal(semiSpaceRestart(SMALL_SEMI_SPACE_MB, 199, 200, true), undefined);
  assert.equal(semiSpaceRestart(DEFAULT_SEMI_SPACE_MB, 5_000, 200, true), undefined, 'restarted already');
  assert.equal(semiSpaceRestart(8, 5_000, 200, false), undefined, "the user's");
  assert.equal(semiSpaceRestart(SMALL_SEMI_SPACE_MB, 5_000, 200, false), undefined, "the user's, though the same size as the exporter's own");
  assert.equal(semiSpaceRestart(SMALL_SEMI_SPACE_MB, 10_000, 0, true), undefined);
  assert.equal(isLargeFleet(10_000, 0), false);
});

test('the start-up line names the setting', () => {
  assert.deepEqual([SMALL_SEMI_SPACE_MB, DEFAULT_SEMI_SPACE_MB, undefined, 8].map(describeSemiSpace), ['small', 'default', 'default', '8 MB']);
});

test("node:http imported as an ES module after importHttpWithoutUndici() leaves undici unloaded; the module's WebSocket still loads it when asked", async () => {
  const url = new URL('../../src/node-options.js', import.meta.url).href;
  const seen = await inFreshProcess<{ control: boolean; after: boolean; namespace: boolean; asked: string; thenLoaded: boolean }>(`
    const undici = () => process.moduleLoadList.some((m) => m.includes('undici'));
    const { execFileSync } = await import('node:child_process');
    // Control: in another fresh process, a plain import of node:http loads undici.
    const control = execFileSync(process.execPath, ['--input-type=module', '--eval', "await import('node:http'); process.stdout.write(String(process.moduleLoadList.some((m) => m.includes('undici'))))"]).toString() === 'true';
    const { importHttpWithoutUndici } = await import(${JSON.stringify(url)});
    await importHttpWithoutUndici();
    const http = await import('node:http');
    const after = undici();
    const namespace = typeof http.createServer === 'function';
    const asked = typeof http.default.WebSocket;
    process.stdout.write(JSON.stringify({ control, after, namespace, asked, thenLoaded: undici() }));
  `);
  assert.deepEqual(seen, { control: true, after: false, namespace: true, asked: 'function', thenLoaded: true });
});
