import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { basicAuthenticator } from '../../../src/export/basic-auth.js';
import { loadWebConfig } from '../../../src/config/web-config.js';
import { MetricsServer } from '../../../src/export/metrics-server.js';

function selfSignedCert(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'server.key'),
      '-out',
      join(dir, 'server.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
}

function get(port: number, path: string, auth?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('TLS and basic auth from an exporter-toolkit web config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'web-'));
  selfSignedCert(dir);
  const hash = bcrypt.hashSync('correct horse', 4);
  writeFileSync(
    join(dir, 'web.yml'),
    `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS12\nbasic_auth_users:\n  prometheus: ${hash}\n`,
  );
  const { config, problems } = loadWebConfig(join(dir, 'web.yml'));
  assert.deepEqual(problems, []);
  const server = new MetricsServer({
    host: '127.0.0.1',
    port: 0,
    render: async () => ({ body: Buffer.from('m 1\n'), gzip: async () => Buffer.alloc(0), hold: () => () => {} }),
    isReady: () => true,
    tls: config!.tls,
    authenticate: basicAuthenticator(config!.basicAuthUsers!),
  });
  const port = await server.start();
  t.after(() => server.stop());

  const anonymous = await get(port, '/metrics');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="ecoflow-exporter"');
  assert.equal((await get(port, '/metrics', 'prometheus:wrong')).status, 401);
  assert.equal((await get(port, '/metrics', 'nobody:correct horse')).status, 401);
  const ok = await get(port, '/metrics', 'prometheus:correct horse');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'm 1\n');
  assert.equal((await get(port, '/healthz')).status, 200, 'probes need no credentials');
  assert.equal((await get(port, '/readyz')).status, 200);
});
