import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { BINARIES } from './external-servers.js';
import { closedPort } from './simulated-fleet.js';

/**
 * A real Mosquitto on loopback speaking MQTT over TLS only, with password logins and no
 * anonymous access: what the EcoFlow open-API stream looks like to the exporter. Each broker
 * gets a fresh temp dir with a throwaway CA, a server certificate it signed (SANs
 * `IP:127.0.0.1, DNS:localhost`), a password file and a config. `.ci/run` installs mosquitto
 * and openssl; use `needs('mosquitto')` from `external-servers.ts` as the test options.
 */
export interface RunningBroker {
  host: '127.0.0.1';
  port: number;
  /** `mqtts://127.0.0.1:<port>` */
  url: string;
  /** PEM file of the throwaway CA that signed the server certificate. */
  caFile: string;
  caPem: string;
  /** Mosquitto's stdout and stderr so far, across restarts. */
  logs(): string;
  /** SIGKILL; resolves once the process has exited (connected clients see the connection drop). */
  kill(): Promise<void>;
  /** Starts it again (killing it first if it still runs) on the same port with the same config; resolves once it accepts TLS. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s), waits for exit, removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const READY_TIMEOUT_MS = 10_000;
const MOSQUITTO_PASSWD = process.env.MOSQUITTO_PASSWD_BIN ?? 'mosquitto_passwd';
const OPENSSL = process.env.OPENSSL_BIN ?? 'openssl';

/** Brokers still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function run(command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/** Our own openssl config, so nothing depends on the machine's openssl.cnf defaults. */
const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

async function makeCertificates(dir: string): Promise<void> {
  writeFileSync(join(dir, 'openssl.cnf'), OPENSSL_CNF);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const serial = () => `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  await run(
    OPENSSL,
    [
      'req',
      '-config',
      'openssl.cnf',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=ecoflow-exporter test CA',
      '-extensions',
      'ca',
      '-set_serial',
      serial(),
    ],
    dir,
  );
  await run(OPENSSL, ['req', '-config', 'openssl.cnf', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  await run(
    OPENSSL,
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      serial(),
      '-days',
      '2',
      '-extfile',
      'openssl.cnf',
      '-extensions',
      'server',
      '-out',
      'server.pem',
    ],
    dir,
  );
}

async function makePasswordFile(dir: string, users: Record<string, string>): Promise<string> {
  const file = join(dir, 'passwd');
  const entries = Object.entries(users);
  if (entries.length === 0) throw new Error('startMosquitto: give at least one user');
  for (const [i, [user, password]] of entries.entries()) {
    await run(MOSQUITTO_PASSWD, i === 0 ? ['-b', '-c', file, user, password] : ['-b', file, user, password], dir);
  }
  // Newer 2.0.x warn about (and later versions refuse) world-readable password files.
  chmodSync(file, 0o600);
  return file;
}

/** Resolves once a TLS handshake verified against the CA succeeds. */
function tlsHandshake(port: number, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, rejectUnauthorized: true, timeout: 1000 }, () => {
      socket.end();
      socket.destroy();
      resolve();
    });
    socket.on('error', (err) => {
      socket.destroy();
      reject(err);
    });
    socket.on('timeout', () => {
      socket.destroy();
      reject(new Error('TLS handshake timed out'));
    });
  });
}

export async function startMosquitto(o: { users: Record<string, string> }): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;
  let logs = '';
  try {
    await makeCertificates(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const caFile = join(dir, 'ca.pem');
  const caPem = readFileSync(caFile, 'utf8');
  const conf = join(dir, 'mosquitto.conf');
  let port = 0;

  const writeConfig = (passwordFile: string) =>
    writeFileSync(
      conf,
      [
        'per_listener_settings false',
        'allow_anonymous false',
        `password_file ${passwordFile}`,
        'persistence false',
        // Not stdout: mosquitto does not flush it, so a pipe would get its lines only at exit.
        'log_dest stderr',
        'log_timestamp_format %Y-%m-%dT%H:%M:%S',
        // Started as root, mosquitto 2.x switches to user `mosquitto` before reading the password
        // file, which then cannot enter our 0700 temp dir ("Unable to open pwfile", exit 13).
        // `root` keeps it as is; when not run as root the option does nothing.
        'user root',
        `listener ${port} 127.0.0.1`,
        `cafile ${caFile}`,
        `certfile ${join(dir, 'server.pem')}`,
        `keyfile ${join(dir, 'server.key')}`,
        '',
      ].join('\n'),
    );

  const kill = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited;
  };

  /** Spawns mosquitto on `port` and waits for a verified TLS handshake; throws with the logs if it exits or the deadline passes. */
  const launch = async () => {
    const c = spawn(BINARIES.mosquitto, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    c.stdout!.on('data', (d) => (logs += d));
    c.stderr!.on('data', (d) => (logs += d));
    const logsFrom = logs.length;
    let exitCode: string | undefined;
    exited = new Promise<void>((resolve) => {
      const gone = (why: string) => {
        exitCode ??= why;
        live.delete(c);
        if (child === c) child = undefined;
        resolve();
      };
      // 'close' rather than 'exit': by then its output is all in `logs`.
      c.once('close', (code, signal) => gone(signal ?? String(code)));
      // A missing binary gives 'error' and no 'exit'.
      c.once('error', (err) => {
        logs += `spawn ${BINARIES.mosquitto}: ${err.message}\n`;
        gone('spawn error');
      });
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last: unknown;
    for (;;) {
      if (exitCode !== undefined) {
        const err = new Error(`mosquitto exited (${exitCode}) before accepting TLS on port ${port}\n${logs.slice(-3000)}`);
        throw Object.assign(err, { portTaken: /Address already in use/i.test(logs.slice(logsFrom)) });
      }
      try {
        await tlsHandshake(port, caPem);
        return;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`mosquitto did not accept TLS on port ${port} within ${READY_TIMEOUT_MS} ms: ${String(last)}\n${logs.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    const passwordFile = await makePasswordFile(dir, o.users);
    // The port is free when chosen but someone could take it before mosquitto binds it: retry then.
    for (let attempt = 1; ; attempt++) {
      port = await closedPort();
      writeConfig(passwordFile);
      try {
        await launch();
        break;
      } catch (err) {
        if (attempt >= 3 || !(err as { portTaken?: boolean }).portTaken) throw err;
        logs += `(port ${port} was taken; trying another)\n`;
      }
    }
  } catch (err) {
    await kill();
    removeDir();
    throw err;
  }

  return {
    host: '127.0.0.1',
    port,
    url: `mqtts://127.0.0.1:${port}`,
    caFile,
    caPem,
    logs: () => logs,
    kill,
    restart: async () => {
      if (stopped) throw new Error('mosquitto: restart() after stop()');
      await kill();
      await launch();
    },
    stop: async () => {
      stopped = true;
      if (child) {
        const c = child;
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      removeDir();
    },
  };
}
