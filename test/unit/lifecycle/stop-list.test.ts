import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartCutShort, StopList } from '../../../src/lifecycle/stop-list.js';

const ORDER = ['sources', 'push', 'server'] as const;

/** A part that notes its name when stopped, after a turn of the event loop (stops are async). */
function part(name: string, stopped: string[]) {
  return { stop: () => new Promise<void>((resolve) => setImmediate(() => resolve(void stopped.push(name)))) };
}

test('parts stop in the list order, whatever order they came up in, each once', async () => {
  const stopped: string[] = [];
  const list = new StopList(ORDER);
  list.keep('server', part('server', stopped));
  list.keep('sources', part('sources', stopped));
  list.keep('push', undefined);
  await list.stop();
  assert.deepEqual(stopped, ['sources', 'server']);
  await list.stop();
  assert.deepEqual(stopped, ['sources', 'server'], 'a second stop() stops nothing again');
});

test('every stop() call gets the one stop under way: none resolves before the parts stopped', async () => {
  const stopped: string[] = [];
  const list = new StopList(ORDER);
  list.keep('sources', part('sources', stopped));
  const first = list.stop();
  assert.equal(list.stop(), first);
  await first;
  assert.deepEqual(stopped, ['sources']);
});

test('a part kept once stopping has begun cuts the start short; stopLate() stops it after the others', async () => {
  const stopped: string[] = [];
  const list = new StopList(ORDER);
  list.keep('server', part('server', stopped));
  assert.equal(list.stopping, false);
  list.cutShortIfStopping();
  const stopping = list.stop();
  assert.equal(list.stopping, true);
  // A start under way brings its sources up after the stop began.
  assert.throws(() => list.keep('sources', part('sources', stopped)), StartCutShort);
  assert.throws(() => list.cutShortIfStopping(), StartCutShort);
  await list.stopLate();
  await stopping;
  assert.deepEqual(stopped, ['server', 'sources']);
});

test('a part that fails to stop does not keep the others running: each is asked, then the failure is thrown', async () => {
  const stopped: string[] = [];
  const list = new StopList(ORDER);
  list.keep('sources', {
    stop: () => {
      throw new Error('stream would not close');
    },
  });
  list.keep('push', part('push', stopped));
  list.keep('server', part('server', stopped));
  await assert.rejects(list.stop(), /stream would not close/);
  assert.deepEqual(stopped, ['push', 'server']);
});
