import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MetricsServer, type RenderedMetrics } from '../../../src/export/metrics-server.js';

function rendered(text: string, holds = { taken: 0, released: 0 }): RenderedMetrics {
  const body = Buffer.from(text);
  return {
    body,
    gzip: async () => gzipSync(body),
    hold: () => {
      holds.taken++;
      return () => holds.released++;
    },
  };
}

async function serve(t: import('node:test').TestContext, options: Partial<ConstructorParameters<typeof MetricsServer>[0]> = {}) {
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => rendered('m 1\n'), isReady: () => true, ...options });
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

/** A GET with exactly these headers (fetch adds and undoes its own Accept-Encoding). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ headers: import('node:http').IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

test('/metrics is gzipped for a client that accepts it, plain for one that does not', async (t) => {
  const text = 'm{a="b"} 1\n'.repeat(1000);
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => rendered(text), isReady: () => true });
  const port = await server.start();
  t.after(() => server.stop());
  const zipped = await rawGet(port, '/metrics', { 'accept-encoding': 'gzip' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(zipped.body).toString(), text);
  assert.ok(zipped.body.length < text.length / 10);
  for (const header of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip;q=0, identity' }] as Array<Record<string, string>>) {
    const plain = await rawGet(port, '/metrics', header);
    assert.equal(plain.headers['content-encoding'], undefined, JSON.stringify(header));
    assert.equal(plain.body.toString(), text);
  }
  assert.equal((await rawGet(port, '/metrics', { 'accept-encoding': 'br;q=1, GZIP;q=0.5' })).headers['content-encoding'], 'gzip');
});

test('a plain body is held until its response is over, also when the client hangs up first; a gzipped one is not', async (t) => {
  const holds = { taken: 0, released: 0 };
  const text = 'm{a="b"} 1\n'.repeat(200_000);
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => rendered(text, holds), isReady: () => true });
  const port = await server.start();
  t.after(() => server.stop());
  const closed = async (taken: number) => {
    for (let i = 0; i < 200 && holds.released < taken; i++) await new Promise((r) => setTimeout(r, 10));
  };
  assert.equal((await rawGet(port, '/metrics', {})).body.toString(), text);
  await closed(1);
  assert.deepEqual(holds, { taken: 1, released: 1 });
  // A client that reads the headers and leaves: the body is let go when the socket closes.
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      assert.equal(holds.taken, 2);
      res.destroy();
      resolve();
    });
    req.on('error', reject);
  });
  await closed(2);
  assert.deepEqual(holds, { taken: 2, released: 2 });
  await rawGet(port, '/metrics', { 'accept-encoding': 'gzip' });
  assert.deepEqual(holds, { taken: 2, released: 2 }, 'the gzipped body is a buffer of its own');
});

test('a plain body is let go when its client left while the collection ran', async (t) => {
  const holds = { taken: 0, released: 0 };
  let collected!: () => void;
  const collecting = new Promise<void>((resolve) => (collected = resolve));
  const server = new MetricsServer({
    host: '127.0.0.1',
    port: 0,
    render: async () => {
      await collecting;
      return rendered('m 1\n', holds);
    },
    isReady: () => true,
  });
  const port = await server.start();
  t.after(() => server.stop());
  const req = http.get({ host: '127.0.0.1', port, path: '/metrics' });
  req.on('error', () => {});
  await new Promise((r) => setTimeout(r, 50));
  req.destroy();
  await new Promise((r) => setTimeout(r, 50));
  collected();
  for (let i = 0; i < 100 && holds.released < 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(holds, { taken: 1, released: 1 });
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
  const server = new MetricsServer({ host: '127.0.0.1', port: 0, render: async () => rendered(''), isReady: () => true });
  const port = await server.start();
  await fetch(`http://127.0.0.1:${port}/healthz`);
  await server.stop();
  await server.stop();
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
});
