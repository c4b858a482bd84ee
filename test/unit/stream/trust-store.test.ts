import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, rootCertificates } from 'node:tls';
import { trustedCertificates } from '../../../src/stream/trust-store.js';

/** A throwaway self-signed certificate for localhost: its own CA, as on a broker behind a private CA. */
function selfSigned(t: TestContext): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'trust-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'ca.crt');
  const key = join(dir, 'ca.key');
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
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { dir, cert, key };
}

/** Whether a client trusting `ca` completes a verified handshake with a loopback server presenting `cert`. */
async function handshake(t: TestContext, server: { cert: string; key: string }, ca: string[]): Promise<'trusted' | string> {
  const listener = createServer({ cert: readFileSync(server.cert), key: readFileSync(server.key) }, (socket) => socket.end());
  listener.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(() => listener.close());
  const { port } = listener.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      socket.destroy();
      resolve('trusted');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

test("Node's bundled roots come first, then at most one system bundle", () => {
  const pems = trustedCertificates();
  assert.deepEqual(pems.slice(0, rootCertificates.length), [...rootCertificates]);
  assert.ok(pems.length <= rootCertificates.length + 1, `${pems.length - rootCertificates.length} system bundles`);
  for (const pem of pems.slice(rootCertificates.length)) assert.match(pem, /-----BEGIN CERTIFICATE-----/);
});

test('the NODE_EXTRA_CA_CERTS file is added as it is, last', (t) => {
  const { cert } = selfSigned(t);
  const pems = trustedCertificates(cert);
  assert.equal(pems.at(-1), readFileSync(cert, 'utf8'));
  assert.equal(pems.length, trustedCertificates().length + 1);
});

test('a NODE_EXTRA_CA_CERTS file that cannot be read is an error naming it, not silently skipped', (t) => {
  const { dir } = selfSigned(t);
  const missing = join(dir, 'no-such-ca.pem');
  assert.throws(() => trustedCertificates(missing), { message: `NODE_EXTRA_CA_CERTS: cannot read ${missing}` });
  assert.throws(() => trustedCertificates(dir), /cannot read/, 'a directory');
});

test('a server signed by the extra CA is trusted with the list; without it the handshake is refused', async (t) => {
  const server = selfSigned(t);
  // An explicit `ca` replaces Node's default store, so the extra file must be in the list itself.
  assert.equal(await handshake(t, server, trustedCertificates(server.cert)), 'trusted');
  assert.match(await handshake(t, server, trustedCertificates()), /SELF_SIGNED/);
});
