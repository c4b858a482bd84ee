import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsServer } from '../../../src/http/metrics-server.js';

async function serve(t: import('node:test').TestContext, options: Partial<ConstructorParameters<typeof MetricsServer>[0]> = {}) {
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => 'm 1\n', isReady: () => true, ...options });
  const port = await server.start();
  t.after(() => server.stop());
  return (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);
}

test('/metrics serves the rendering with the Prometheus text content type', async (t) => {
  const get = await serve(t);
  const res = await get('/metrics');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(await res.text(), 'm 1\n');
  assert.equal((await get('/metrics?x=1', { method: 'HEAD' })).status, 200);
});

test('/healthz is always 200; /readyz follows readiness', async (t) => {
  let ready = false;
  const get = await serve(t, { isReady: () => ready });
  assert.equal((await get('/healthz')).status, 200);
  const notReady = await get('/readyz');
  assert.equal(notReady.status, 503);
  assert.match(await notReady.text(), /device list has not loaded/);
  ready = true;
  assert.equal((await get('/readyz')).status, 200);
});

test('unknown paths are 404, other methods 405, a failing render 500', async (t) => {
  const errors: unknown[] = [];
  const get = await serve(t, { render: async () => Promise.reject(new Error('boom')), onError: (e) => errors.push(e) });
  assert.equal((await get('/nope')).status, 404);
  assert.equal((await get('/metrics', { method: 'POST' })).status, 405);
  const failed = await get('/metrics');
  assert.equal(failed.status, 500);
  assert.doesNotMatch(await failed.text(), /boom/);
  assert.equal(errors.length, 1);
});

test('stop closes kept-alive connections and is safe to repeat', async () => {
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => '', isReady: () => true });
  const port = await server.start();
  await fetch(`http://127.0.0.1:${port}/healthz`);
  await server.stop();
  await server.stop();
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
});
