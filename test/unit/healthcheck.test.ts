/**
 * The container probe is a script: each test runs it as its own process against a real server
 * on loopback and reads its exit code, as Docker's HEALTHCHECK and compose do.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('../../src/healthcheck.js', import.meta.url));

/** Runs the probe with only these variables set; resolves with its exit code. Killed if the test ends first. */
function probe(t: TestContext, env: Record<string, string>, ...args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROBE, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Listens on 127.0.0.1, port 0; closed (connections too) when the test ends. */
async function listen(t: TestContext, server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** An HTTP server answering each path with its status (404 for the rest), recording the paths asked. */
async function exporter(t: TestContext, statuses: Record<string, number>): Promise<{ port: number; paths: string[] }> {
  const paths: string[] = [];
  const handler: Handler = (req, res) => {
    paths.push(req.url!);
    res.writeHead(statuses[req.url!] ?? 404).end();
  };
  return { port: await listen(t, createHttpServer(handler)), paths };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('GET /healthz answered 200: exit 0; any other status: exit 1', async (t) => {
  const healthy = await exporter(t, { '/healthz': 200 });
  assert.equal(await probe(t, { EXPORTER_PORT: String(healthy.port) }), 0);
  assert.deepEqual(healthy.paths, ['/healthz']);
  const failing = await exporter(t, { '/healthz': 503 });
  assert.equal(await probe(t, { EXPORTER_PORT: String(failing.port) }), 1);
  const redirecting = await exporter(t, { '/healthz': 302 });
  assert.equal(await probe(t, { EXPORTER_PORT: String(redirecting.port) }), 1, 'only 200 is healthy');
});

test('the argument /readyz probes readiness; any other argument still probes /healthz', async (t) => {
  const server = await exporter(t, { '/readyz': 200, '/healthz': 503 });
  const env = { EXPORTER_PORT: String(server.port) };
  assert.equal(await probe(t, env, '/readyz'), 0);
  assert.equal(await probe(t, env, '/metrics'), 1);
  assert.deepEqual(server.paths, ['/readyz', '/healthz'], 'never an arbitrary path');
});

test('nothing listening on the port: exit 1', async (t) => {
  assert.equal(await probe(t, { EXPORTER_PORT: String(await closedPort()) }), 1);
});

test('EXPORTER_PORT=0 (push-only, no endpoint): exit 0 without probing', async (t) => {
  assert.equal(await probe(t, { EXPORTER_PORT: '0' }), 0);
  // Not a port at all: the exporter refuses to start on it, so nothing is healthy.
  assert.equal(await probe(t, { EXPORTER_PORT: '' }), 1);
  assert.equal(await probe(t, { EXPORTER_PORT: 'http' }), 1);
});

test('a wildcard EXPORTER_HOST (0.0.0.0, ::) is probed on 127.0.0.1; another host as given', async (t) => {
  const server = await exporter(t, { '/healthz': 200 });
  const port = String(server.port);
  assert.equal(await probe(t, { EXPORTER_PORT: port, EXPORTER_HOST: '0.0.0.0' }), 0);
  assert.equal(await probe(t, { EXPORTER_PORT: port, EXPORTER_HOST: '::' }), 0);
  assert.equal(await probe(t, { EXPORTER_PORT: port, EXPORTER_HOST: '127.0.0.1' }), 0);
  // The port read as the exporter reads it (parseInt): trailing text is ignored by both.
  assert.equal(await probe(t, { EXPORTER_PORT: `${port}abc`, EXPORTER_HOST: '127.0.0.1' }), 0);
  assert.equal(server.paths.length, 4);
  // Another loopback address: the server is not bound there, so the probe must fail if it goes where told.
  assert.equal(await probe(t, { EXPORTER_PORT: port, EXPORTER_HOST: '127.0.0.2' }), 1);
  assert.equal(server.paths.length, 4);
});

test('a server that accepts but never answers: exit 1 after the 3 s timeout', { timeout: 15_000 }, async (t) => {
  const silent = createHttpServer(() => {});
  const port = await listen(t, silent);
  const started = performance.now();
  assert.equal(await probe(t, { EXPORTER_PORT: String(port) }), 1);
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds >= 2.9 && seconds < 10, `${seconds.toFixed(1)} s`);
});

test('with TLS in WEB_CONFIG_FILE the probe speaks HTTPS and accepts a self-signed certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcheck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'server.key'),
      '-out',
      join(dir, 'server.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=exporter.internal',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n');
  const paths: string[] = [];
  const handler: Handler = (req, res) => {
    paths.push(req.url!);
    res.writeHead(200).end();
  };
  const tlsServer = createHttpsServer({ cert: readFileSync(join(dir, 'server.crt')), key: readFileSync(join(dir, 'server.key')) }, handler);
  const port = String(await listen(t, tlsServer));
  assert.equal(await probe(t, { EXPORTER_PORT: port, WEB_CONFIG_FILE: join(dir, 'web.yml') }), 0);
  assert.deepEqual(paths, ['/healthz']);
  assert.equal(await probe(t, { EXPORTER_PORT: port }), 1, 'plain HTTP to a TLS server fails: the web config is what switches');
  const plain = await exporter(t, { '/healthz': 200 });
  assert.equal(await probe(t, { EXPORTER_PORT: String(plain.port), WEB_CONFIG_FILE: join(dir, 'web.yml') }), 1, 'HTTPS to a plain server fails');
});
