import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SEMI_SPACE_MB,
  describeHeapGrowth,
  describeSemiSpace,
  isLargeFleet,
  memoryOptionsOf,
  memoryRestart,
  SMALL_FLEET_HEAP_GROWING_PERCENT,
  SMALL_SEMI_SPACE_MB,
  withFleetSetting,
} from '../../src/node-options.js';
import { inFreshProcess } from '../helpers/fresh-process.js';

const SMALL = { semiSpaceMb: SMALL_SEMI_SPACE_MB, heapGrowingPercent: SMALL_FLEET_HEAP_GROWING_PERCENT };

test('the memory options given are found on the command line or in NODE_OPTIONS, the command line winning; none given is none', () => {
  assert.deepEqual(memoryOptionsOf([], undefined), {});
  assert.deepEqual(memoryOptionsOf(['--max-semi-space-size=2'], undefined), { semiSpaceMb: 2 });
  assert.deepEqual(memoryOptionsOf([], '--enable-source-maps --max-semi-space-size=16'), { semiSpaceMb: 16 });
  assert.deepEqual(
    memoryOptionsOf(['--max_semi_space_size=0'], '--max-semi-space-size=16'),
    { semiSpaceMb: 0 },
    'V8 takes either spelling; the command line wins',
  );
  assert.deepEqual(memoryOptionsOf(['--heap_growing_percent=50', '--max-semi-space-size=2'], undefined), { semiSpaceMb: 2, heapGrowingPercent: 50 });
  assert.deepEqual(memoryOptionsOf(['--max-old-space-size=512', '--heap-growing-percent-x=1'], '--max-semi-space-size-x=3'), {});
});

test("a restart puts the setting's options on the command line in place of any managed one, from either source, leaving the rest", () => {
  assert.deepEqual(
    withFleetSetting(
      ['--enable-source-maps', '--max-semi-space-size=2', '--heap-growing-percent=30'],
      '--max-semi-space-size=2  --max-old-space-size=512',
      'large',
    ),
    { execArgv: ['--enable-source-maps', '--max-semi-space-size=0'], nodeOptions: '--max-old-space-size=512' },
  );
  const small = withFleetSetting([], undefined, 'small');
  assert.deepEqual(small, { execArgv: ['--max-semi-space-size=2', `--heap-growing-percent=${SMALL_FLEET_HEAP_GROWING_PERCENT}`], nodeOptions: '' });
  assert.deepEqual(memoryOptionsOf(small.execArgv, small.nodeOptions), SMALL, 'what it sets is what is read back');
});

test("at start a process given neither option gets a small fleet's; an option the user gave, either one, is kept, and so is what a restart set", () => {
  assert.equal(memoryRestart({}, undefined, 200, false), 'small');
  assert.equal(memoryRestart(SMALL, undefined, 200, true), undefined);
  assert.equal(memoryRestart({ semiSpaceMb: DEFAULT_SEMI_SPACE_MB }, undefined, 200, false), undefined);
  assert.equal(memoryRestart({ semiSpaceMb: 8 }, undefined, 200, false), undefined);
  assert.equal(memoryRestart({ heapGrowingPercent: 100 }, undefined, 200, false), undefined);
});

test("after the first device list a large fleet gets Node's defaults, once; a small one, a user's options or LARGE_FLEET_DEVICES=0 stay", () => {
  assert.equal(memoryRestart(SMALL, 200, 200, true), 'large');
  assert.equal(memoryRestart(SMALL, 199, 200, true), undefined);
  assert.equal(memoryRestart({ semiSpaceMb: DEFAULT_SEMI_SPACE_MB }, 5_000, 200, true), undefined, 'restarted already');
  assert.equal(memoryRestart({ semiSpaceMb: 8 }, 5_000, 200, false), undefined, "the user's");
  assert.equal(memoryRestart({ heapGrowingPercent: 80 }, 5_000, 200, false), undefined, "the user's heap growth");
  assert.equal(memoryRestart(SMALL, 5_000, 200, false), undefined, "the user's, though the same as the exporter's own");
  assert.equal(memoryRestart(SMALL, 10_000, 0, true), undefined);
  assert.equal(isLargeFleet(10_000, 0), false);
});

test('the start-up line names the settings', () => {
  assert.deepEqual([SMALL_SEMI_SPACE_MB, DEFAULT_SEMI_SPACE_MB, undefined, 8].map(describeSemiSpace), ['small', 'default', 'default', '8 MB']);
  assert.deepEqual([SMALL_FLEET_HEAP_GROWING_PERCENT, undefined, 0].map(describeHeapGrowth), [`${SMALL_FLEET_HEAP_GROWING_PERCENT} %`, 'default', 'default']);
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
