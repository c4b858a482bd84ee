import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebConfig } from '../../../src/config/web-config.js';

test('a bad web config is reported line by line, without hashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-'));
  writeFileSync(
    join(dir, 'web.yml'),
    'tls_server_config:\n  cert_file: missing.crt\n  client_auth_type: Sometimes\nbasic_auth_users:\n  alice: plaintext-password\nextra: 1\n',
  );
  const { config, problems } = loadWebConfig(join(dir, 'web.yml'));
  assert.equal(config, undefined);
  const text = problems.join('\n');
  assert.match(text, /unknown key extra/);
  assert.match(text, /cert_file missing\.crt: cannot read \(ENOENT\)/);
  assert.match(text, /key_file is required/);
  assert.match(text, /client_auth_type must be one of/);
  assert.match(text, /basic_auth_users\.alice is not a bcrypt hash/);
  assert.ok(!text.includes('plaintext-password'));
  assert.match(loadWebConfig(join(dir, 'nope.yml')).problems[0]!, /cannot read \(ENOENT\)/);
});
