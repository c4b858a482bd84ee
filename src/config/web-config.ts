import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';

// Loaded on first use: most installations have no web config file, and a small machine
// should not carry a YAML parser for it.
const require = createRequire(import.meta.url);
const yaml = (): typeof import('yaml') => require('yaml');

/**
 * TLS and basic auth for the metrics endpoint, read from a web config file in the style of the
 * Prometheus exporter-toolkit, so one file serves this exporter and node_exporter alike:
 *
 *   tls_server_config: { cert_file, key_file, client_ca_file?, client_auth_type?, min_version? }
 *   basic_auth_users: { <user>: <bcrypt hash> }
 *
 * Relative paths are relative to the file.
 */
export interface WebConfig {
  tls?: {
    cert: Buffer;
    key: Buffer;
    ca?: Buffer;
    requireClientCert: boolean;
    minVersion?: 'TLSv1.2' | 'TLSv1.3';
  };
  /** user → bcrypt hash */
  basicAuthUsers?: Map<string, string>;
}

const CLIENT_AUTH = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];
const MIN_VERSIONS: Record<string, 'TLSv1.2' | 'TLSv1.3'> = { TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/** Reads and checks the file; returns the problems found instead of throwing. */
export function loadWebConfig(path: string): { config?: WebConfig; problems: string[] } {
  const problems: string[] = [];
  const where = `WEB_CONFIG_FILE ${path}`;
  let doc: any;
  try {
    doc = yaml().parse(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problems: [`${where}: ${code ? `cannot read (${code})` : `not valid YAML (${(err as Error).message.split('\n')[0]})`}`] };
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) return { problems: [`${where}: must be a YAML mapping`] };
  for (const key of Object.keys(doc)) {
    if (!['tls_server_config', 'basic_auth_users', 'http_server_config'].includes(key)) problems.push(`${where}: unknown key ${key}`);
  }
  const base = dirname(path);
  const file = (name: string, value: unknown): Buffer | undefined => {
    if (typeof value !== 'string' || value === '') {
      problems.push(`${where}: tls_server_config.${name} is required`);
      return undefined;
    }
    try {
      return readFileSync(resolve(base, value));
    } catch (err) {
      problems.push(`${where}: tls_server_config.${name} ${value}: cannot read (${(err as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  };
  const config: WebConfig = {};
  const tls = doc.tls_server_config;
  if (tls !== undefined && tls !== null) {
    const cert = file('cert_file', tls.cert_file);
    const key = file('key_file', tls.key_file);
    const clientAuth = tls.client_auth_type ?? 'NoClientCert';
    if (!CLIENT_AUTH.includes(clientAuth)) problems.push(`${where}: tls_server_config.client_auth_type must be one of ${CLIENT_AUTH.join(', ')}`);
    const verify = clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven';
    const ca = tls.client_ca_file ? file('client_ca_file', tls.client_ca_file) : undefined;
    if (verify && !tls.client_ca_file) problems.push(`${where}: client_auth_type ${clientAuth} needs tls_server_config.client_ca_file`);
    const minVersion = tls.min_version === undefined ? undefined : MIN_VERSIONS[tls.min_version];
    if (tls.min_version !== undefined && !minVersion) problems.push(`${where}: tls_server_config.min_version must be TLS12 or TLS13`);
    if (cert && key) config.tls = { cert, key, ca, requireClientCert: clientAuth === 'RequireAndVerifyClientCert', minVersion };
  }
  const users = doc.basic_auth_users;
  if (users !== undefined && users !== null) {
    if (typeof users !== 'object' || Array.isArray(users)) problems.push(`${where}: basic_auth_users must map user names to bcrypt hashes`);
    else {
      config.basicAuthUsers = new Map();
      for (const [user, hash] of Object.entries(users)) {
        // Never echo the hash: it is as good as a password to an offline attacker.
        if (typeof hash !== 'string' || !/^\$2[aby]\$\d\d\$.{53}$/.test(hash)) problems.push(`${where}: basic_auth_users.${user} is not a bcrypt hash`);
        else config.basicAuthUsers.set(user, hash);
      }
    }
  }
  return problems.length > 0 ? { problems } : { config, problems };
}
