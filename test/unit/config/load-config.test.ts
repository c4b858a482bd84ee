import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { ConfigError, loadConfig, type Config } from '../../../src/config/load-config.js';

const KEYS = { ECOFLOW_ACCESS_KEY: 'AK0123456789abcdef', ECOFLOW_SECRET_KEY: 'SK0123456789abcdefSECRET' };
const KEYS_AS_CONFIG = { accessKey: KEYS.ECOFLOW_ACCESS_KEY, secretKey: KEYS.ECOFLOW_SECRET_KEY };

function config(env: NodeJS.ProcessEnv, args: string[] = []): Config {
  const result = loadConfig({ env, args });
  assert.equal(result.kind, 'config');
  return (result as { config: Config }).config;
}

function problems(env: NodeJS.ProcessEnv, args: string[] = []): string[] {
  try {
    loadConfig({ env, args });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults match the Python exporter', () => {
  const c = config({ ...KEYS });
  assert.equal(c.ecoflow.apiHost, 'https://api.ecoflow.com');
  assert.deepEqual(c.ecoflow.deviceSns, []);
  assert.deepEqual(c.exporter, { host: '0.0.0.0', port: 9090, web: undefined });
  assert.deepEqual(c.polling, {
    collectingIntervalMs: 10_000,
    reconcileIntervalMs: 300_000,
    deviceListIntervalMs: 30_000,
    retryTimeoutMs: 30_000,
    establishAttempts: 5,
  });
  assert.deepEqual(c.mqtt, { mode: 'auto', instance: '', silenceMs: 60_000, extraCaFile: undefined });
  assert.equal(c.metricsPrefix, 'ecoflow');
  assert.equal(c.logLevel, 'info');
  assert.equal(c.otlp, undefined);
});

test('reads every documented environment variable', () => {
  const c = config({
    ...KEYS,
    ECOFLOW_DEVICE_SN: ' R331ZEB4ZEAL0528 ',
    ECOFLOW_DEVICE_NAME: 'Garage',
    ECOFLOW_API_HOST: 'https://api-e.ecoflow.com',
    EXPORTER_PORT: '9191',
    EXPORTER_HOST: '127.0.0.1',
    COLLECTING_INTERVAL: '15',
    DEVICE_LIST_INTERVAL: '60',
    RETRY_TIMEOUT: '5',
    ESTABLISH_ATTEMPTS: '3',
    METRICS_PREFIX: 'ef',
    LOG_LEVEL: 'DEBUG',
    RECONCILE_INTERVAL: '600',
    ECOFLOW_MQTT: 'ON',
    ECOFLOW_MQTT_CLIENT_ID: 'garage-pi',
    ECOFLOW_MQTT_SILENCE: '90',
    NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem',
  });
  assert.deepEqual(c.ecoflow.deviceSns, ['R331ZEB4ZEAL0528']);
  assert.equal(c.ecoflow.deviceName, 'Garage');
  assert.equal(c.ecoflow.apiHost, 'https://api-e.ecoflow.com');
  assert.deepEqual(c.exporter, { host: '127.0.0.1', port: 9191, web: undefined });
  assert.deepEqual(c.polling, {
    collectingIntervalMs: 15_000,
    reconcileIntervalMs: 600_000,
    deviceListIntervalMs: 60_000,
    retryTimeoutMs: 5_000,
    establishAttempts: 3,
  });
  assert.deepEqual(c.mqtt, { mode: 'on', instance: 'garage-pi', silenceMs: 90_000, extraCaFile: '/etc/ssl/extra.pem' });
  assert.equal(c.metricsPrefix, 'ef');
  assert.equal(c.logLevel, 'debug');
});

test('a number that is not one names the value given, from the environment or a flag; a secret never', () => {
  assert.throws(() => config({ ...KEYS, EXPORTER_PORT: 'abc' }), /EXPORTER_PORT \/ --port: ports must be within range 0 - 65535: value was "abc"/);
  assert.throws(
    () => config({ ...KEYS }, ['--reconcile-interval', 'soon']),
    /RECONCILE_INTERVAL \/ --reconcile-interval: must be a positive number of seconds: value was "soon"/,
  );
  assert.throws(
    () => config({ ECOFLOW_ACCESS_KEY: 'has white space in it', ECOFLOW_SECRET_KEY: 'x' }),
    (err: Error) => /ECOFLOW_ACCESS_KEY: contains white space/.test(err.message) && !err.message.includes('has white space in it'),
  );
});

test('ECOFLOW_MQTT takes auto, on, off and the usual yes/no words; anything else is refused by name', () => {
  assert.equal(config({ ...KEYS, ECOFLOW_MQTT: 'false' }).mqtt.mode, 'off');
  assert.equal(config({ ...KEYS, ECOFLOW_MQTT: '1' }).mqtt.mode, 'on');
  assert.equal(config({ ...KEYS, ECOFLOW_MQTT: ' Auto ' }).mqtt.mode, 'auto');
  assert.throws(() => config({ ...KEYS, ECOFLOW_MQTT: 'sometimes' }), /ECOFLOW_MQTT \/ --mqtt: must be auto, on or off/);
  assert.throws(() => config({ ...KEYS, ECOFLOW_MQTT_CLIENT_ID: 'has space' }), /ECOFLOW_MQTT_CLIENT_ID/);
});

test('a comma-separated SN list; the misspelt METRICTS_PREFIX; WARNING as a level', () => {
  const c = config({ ...KEYS, ECOFLOW_DEVICE_SN: 'A1, B2,,C3', METRICTS_PREFIX: 'legacy', LOG_LEVEL: 'WARNING' });
  assert.deepEqual(c.ecoflow.deviceSns, ['A1', 'B2', 'C3']);
  assert.equal(c.metricsPrefix, 'legacy');
  assert.equal(c.logLevel, 'warn');
  assert.equal(config({ ...KEYS, METRICTS_PREFIX: 'legacy', METRICS_PREFIX: 'new' }).metricsPrefix, 'new');
});

test('CLI flags win over the environment, which wins over a config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efx-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ exporter: { port: 7000, host: '127.0.0.2' }, polling: { collectingInterval: 20 } }));
  const c = config({ ...KEYS, EXPORTER_PORT: '8000' }, ['--config', file, '--collecting-interval', '5']);
  assert.equal(c.exporter.port, 8000);
  assert.equal(c.exporter.host, '127.0.0.2');
  assert.equal(c.polling.collectingIntervalMs, 5000);
});

test('keys from *_FILE, trimmed of the newline editors add', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efx-'));
  writeFileSync(join(dir, 'ak'), 'AK-from-file-123\n');
  writeFileSync(join(dir, 'sk'), '  SK-from-file-456  \n');
  const c = config({ ECOFLOW_ACCESS_KEY_FILE: join(dir, 'ak'), ECOFLOW_SECRET_KEY_FILE: join(dir, 'sk') });
  assert.equal(c.ecoflow.accessKey, 'AK-from-file-123');
  assert.equal(c.ecoflow.secretKey, 'SK-from-file-456');
  assert.deepEqual(problems({ ECOFLOW_ACCESS_KEY_FILE: join(dir, 'missing'), ECOFLOW_SECRET_KEY: 'x' }), [
    `ECOFLOW_ACCESS_KEY_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
  ]);
});

test('missing keys are reported unless in demo mode', () => {
  const p = problems({});
  assert.equal(p.length, 2);
  assert.match(p[0]!, /^ECOFLOW_ACCESS_KEY is required/);
  assert.match(p[1]!, /^ECOFLOW_SECRET_KEY is required/);
  assert.equal(config({}, ['--demo']).demo, true);
  assert.equal(config({ ECOFLOW_DEMO: 'true' }).demo, true);
});

test('one line per problem, named by its environment variable and flag, no secret echoed', () => {
  const secret = 'SUPER SECRET with spaces';
  const p = problems({
    ECOFLOW_ACCESS_KEY: 'AK',
    ECOFLOW_SECRET_KEY: secret,
    EXPORTER_PORT: '99999',
    COLLECTING_INTERVAL: 'often',
    ESTABLISH_ATTEMPTS: '0',
    ECOFLOW_API_HOST: 'ftp://example.org',
    METRICS_PREFIX: '9lives',
    LOG_LEVEL: 'loud',
  });
  const text = p.join('\n');
  assert.ok(!text.includes('SUPER SECRET'), text);
  for (const name of [
    'ECOFLOW_SECRET_KEY',
    'EXPORTER_PORT / --port',
    'COLLECTING_INTERVAL / --collecting-interval',
    'ESTABLISH_ATTEMPTS',
    'ECOFLOW_API_HOST',
    'METRICS_PREFIX',
    'LOG_LEVEL',
  ]) {
    assert.ok(
      p.some((line) => line.startsWith(`${name}`)),
      `${name} in:\n${text}`,
    );
  }
  assert.equal(p.length, 7, text);
});

test('unknown flags and grpc are refused clearly', () => {
  assert.deepEqual(problems({ ...KEYS }, ['--prot', '1']), ['--prot: unknown option (see --help)']);
  const p = problems({ ...KEYS, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
  assert.match(p.join('\n'), /OTEL_EXPORTER_OTLP_PROTOCOL: .*grpc is not supported/);
});

test('OTLP settings follow the OpenTelemetry variables', () => {
  const base = config({ ...KEYS, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
  assert.deepEqual(base.otlp, { url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf', headers: {}, intervalMs: 60_000, timeoutMs: 30_000 });

  const c = config({
    ...KEYS,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://vm:8428/opentelemetry/v1/metrics',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-a=1',
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-a=2',
    OTEL_METRIC_EXPORT_INTERVAL: '5000',
    OTEL_SERVICE_NAME: 'solar',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=home,host.name=pi',
  });
  assert.deepEqual(c.otlp, {
    url: 'http://vm:8428/opentelemetry/v1/metrics',
    protocol: 'http/json',
    headers: { authorization: 'Bearer abc', 'x-a': '2' },
    intervalMs: 5000,
    timeoutMs: 30_000,
  });
  assert.deepEqual(c.resource, { serviceName: 'solar', attributes: { 'deployment.environment': 'home', 'host.name': 'pi' } });
});

test('malformed OTLP headers are reported without their value', () => {
  const p = problems({ ...KEYS, OTEL_EXPORTER_OTLP_HEADERS: 'Bearer-token-without-name' });
  assert.deepEqual(p, ['OTEL_EXPORTER_OTLP_HEADERS: every entry must look like key=value']);
});

test('--help lists every option with its environment name and default, and no value of the environment', () => {
  const result = loadConfig({ env: { ...KEYS }, args: ['--help'] });
  assert.equal(result.kind, 'help');
  const text = (result as { text: string }).text;
  for (const name of [
    'ECOFLOW_ACCESS_KEY',
    'ECOFLOW_SECRET_KEY',
    'ECOFLOW_DEVICE_SN',
    'ECOFLOW_DEVICE_NAME',
    'ECOFLOW_API_HOST',
    'EXPORTER_PORT',
    'EXPORTER_HOST',
    'COLLECTING_INTERVAL',
    'DEVICE_LIST_INTERVAL',
    'RETRY_TIMEOUT',
    'ESTABLISH_ATTEMPTS',
    'METRICS_PREFIX',
    'LOG_LEVEL',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    '--demo',
    '--config',
  ]) {
    assert.ok(text.includes(name), name);
  }
  assert.match(text, /EXPORTER_PORT, --port\n.*\(default: 9090\)/);
  assert.ok(!text.includes(KEYS.ECOFLOW_SECRET_KEY) && !text.includes(KEYS.ECOFLOW_ACCESS_KEY));
});

test('RAW_METRICS: on by default; off leaves the unified metrics; off together with UNIFIED_METRICS off is a problem that says why', () => {
  assert.equal(config(KEYS).rawMetrics, true);
  const c = config({ ...KEYS, RAW_METRICS: 'false' });
  assert.equal(c.rawMetrics, false);
  assert.equal(c.unifiedMetrics, true);
  assert.equal(config({ ...KEYS }, ['--raw-metrics', 'off']).rawMetrics, false);
  assert.deepEqual(problems({ ...KEYS, RAW_METRICS: 'false', UNIFIED_METRICS: 'false' }), [
    'RAW_METRICS=false with UNIFIED_METRICS=false leaves no device values to export: turn one of them on',
  ]);
});

test('METRICS_INCLUDE and METRICS_EXCLUDE: comma-separated, empty entries skipped, nothing by default; patterns are not judged here (the start-up log names a bad one)', () => {
  assert.deepEqual(config(KEYS).metricsInclude, []);
  assert.deepEqual(config(KEYS).metricsExclude, []);
  const c = config({ ...KEYS, METRICS_INCLUDE: ' ecoflow_battery_* ,ecoflow_.+', METRICS_EXCLUDE: 'ecoflow_pd_*' });
  assert.deepEqual(c.metricsInclude, ['ecoflow_battery_*', 'ecoflow_.+']);
  assert.deepEqual(c.metricsExclude, ['ecoflow_pd_*']);
  assert.deepEqual(config(KEYS, ['--metrics-exclude', 'a,b']).metricsExclude, ['a', 'b']);
});

test('UNIFIED_METRICS: on by default; true/false, 1/0, yes/no, on/off; anything else is a problem', () => {
  assert.equal(config(KEYS).unifiedMetrics, true);
  for (const off of ['false', '0', 'no', 'OFF', ' False ']) assert.equal(config({ ...KEYS, UNIFIED_METRICS: off }).unifiedMetrics, false, off);
  for (const on of ['true', '1', 'yes', 'on']) assert.equal(config({ ...KEYS, UNIFIED_METRICS: on }).unifiedMetrics, true, on);
  assert.equal(config(KEYS, ['--unified-metrics', 'false']).unifiedMetrics, false);
  assert.deepEqual(problems({ ...KEYS, UNIFIED_METRICS: 'maybe' }), ['UNIFIED_METRICS / --unified-metrics: must be true or false: value was "maybe"']);
});

test('a representative environment gives the whole Config: units converted, lists split, OTLP assembled, web config read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efx-'));
  const web = join(dir, 'web.yml');
  const hash = bcrypt.hashSync('correct horse', 4);
  writeFileSync(web, `basic_auth_users:\n  prometheus: ${hash}\n`);
  const c = config(
    {
      ...KEYS,
      ECOFLOW_DEVICE_SN: 'R331ZEB4ZEAL0528',
      ECOFLOW_DEVICE_NAME: 'Garage',
      ECOFLOW_API_HOST: 'https://api-e.ecoflow.com',
      ECOFLOW_REQUEST_TIMEOUT: '2.5',
      ECOFLOW_BACKOFF_BASE: '0.5',
      ECOFLOW_CIRCUIT_BREAKER_THRESHOLD: '3',
      ECOFLOW_CIRCUIT_BREAKER_PAUSE: '45',
      ECOFLOW_RESTRICTED_RETRY: '600',
      ECOFLOW_MAX_RESPONSE_BYTES: '1048576',
      ECOFLOW_MQTT: 'no',
      ECOFLOW_MQTT_CLIENT_ID: 'pi',
      ECOFLOW_MQTT_SILENCE: '30',
      EXPORTER_HOST: '127.0.0.1',
      EXPORTER_PORT: '0',
      WEB_CONFIG_FILE: web,
      COLLECTING_INTERVAL: '30',
      RECONCILE_INTERVAL: '120',
      DEVICE_LIST_INTERVAL: '60',
      RETRY_TIMEOUT: '5',
      ESTABLISH_ATTEMPTS: '2',
      MAX_SERIES_PER_DEVICE: '100',
      MAX_METRICS_PER_DEVICE: '250',
      UNIFIED_METRICS: 'off',
      METRICS_INCLUDE: 'ecoflow_pd_*, ,ecoflow_bms_*',
      METRICS_EXCLUDE: 'ecoflow_pd_x',
      ENERGY_STATE_FILE: ' /var/lib/ecoflow-exporter/energy.json ',
      LOG_LEVEL: 'Error',
      LOG_FORMAT: 'text',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318//',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc',
      OTEL_METRIC_EXPORT_TIMEOUT: '10000',
      OTEL_RESOURCE_ATTRIBUTES: 'host.name=pi',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem',
    },
    ['--metrics-prefix', 'home'],
  );
  assert.deepEqual(c, {
    demo: false,
    ecoflow: {
      ...KEYS_AS_CONFIG,
      deviceSns: ['R331ZEB4ZEAL0528'],
      deviceName: 'Garage',
      apiHost: 'https://api-e.ecoflow.com',
      requestTimeoutMs: 2500,
      backoffBaseMs: 500,
      circuitBreakerThreshold: 3,
      circuitBreakerPauseMs: 45_000,
      restrictedRetryMs: 600_000,
      maxResponseBytes: 1_048_576,
    },
    mqtt: { mode: 'off', instance: 'pi', silenceMs: 30_000, extraCaFile: '/etc/ssl/extra.pem' },
    exporter: { host: '127.0.0.1', port: 0, web: { basicAuthUsers: new Map([['prometheus', hash]]) } },
    polling: { collectingIntervalMs: 30_000, reconcileIntervalMs: 120_000, deviceListIntervalMs: 60_000, retryTimeoutMs: 5000, establishAttempts: 2 },
    // DATA_STALE_AFTER unset: 3 collecting intervals.
    staleAfterMs: 90_000,
    metricsPrefix: 'home',
    maxSeriesPerDevice: 100,
    maxMetricsPerDevice: 250,
    largeFleetDevices: 200,
    unifiedMetrics: false,
    rawMetrics: true,
    metricsInclude: ['ecoflow_pd_*', 'ecoflow_bms_*'],
    metricsExclude: ['ecoflow_pd_x'],
    energyStateFile: { path: '/var/lib/ecoflow-exporter/energy.json' },
    energyStateIntervalMs: 60_000,
    logLevel: 'error',
    logFormat: 'text',
    otlp: { url: 'http://collector:4318/v1/metrics', protocol: 'http/json', headers: { authorization: 'Bearer abc' }, intervalMs: 60_000, timeoutMs: 10_000 },
    resource: { serviceName: 'ecoflow-exporter', attributes: { 'host.name': 'pi' } },
  } satisfies Config);
});

test('DATA_STALE_AFTER: seconds when set; unset, 3 collecting intervals but at least 60 s', () => {
  assert.equal(config({ ...KEYS, DATA_STALE_AFTER: '45' }).staleAfterMs, 45_000);
  assert.equal(config({ ...KEYS, COLLECTING_INTERVAL: '5' }).staleAfterMs, 60_000);
  assert.equal(config({ ...KEYS, COLLECTING_INTERVAL: '40' }).staleAfterMs, 120_000);
});

test('a key file set together with its variable is one problem, and the key is not also called missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efx-'));
  writeFileSync(join(dir, 'ak'), 'AK-from-file\n');
  assert.deepEqual(problems({ ...KEYS, ECOFLOW_ACCESS_KEY_FILE: join(dir, 'ak') }), [
    'ECOFLOW_ACCESS_KEY_FILE: set together with ECOFLOW_ACCESS_KEY; set only one of them',
  ]);
});

test('a config file value of the wrong shape is a reported problem, not a crash, and is not echoed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ otlp: { endpoint: 'http://collector:4318', headers: { authorization: 'Bearer do-not-echo' } } }));
  const found = problems({ ...KEYS }, ['--config', file]);
  assert.ok(found.length > 0);
  assert.ok(
    found.some((p) => p.includes('OTEL_EXPORTER_OTLP_HEADERS')),
    found.join('\n'),
  );
  assert.ok(!found.join('\n').includes('do-not-echo'));
});

test('ENERGY_STATE_FILE: auto (the default) is a per-user file; empty turns it off; none in demo mode; each "none" says why', (t) => {
  const file = (env: NodeJS.ProcessEnv, args: string[] = []) => config(env, args).energyStateFile;
  assert.deepEqual(file({ ...KEYS, HOME: '/home/pi' }), { path: '/home/pi/.local/state/ecoflow-exporter/energy-state.json' });
  assert.deepEqual(file({ ...KEYS, HOME: '/home/pi', XDG_STATE_HOME: '/srv/state' }), { path: '/srv/state/ecoflow-exporter/energy-state.json' });
  assert.deepEqual(
    file({ ...KEYS, HOME: '/home/pi', XDG_STATE_HOME: 'relative' }),
    { path: '/home/pi/.local/state/ecoflow-exporter/energy-state.json' },
    'the XDG spec ignores a relative path',
  );
  assert.deepEqual(file({ ...KEYS, HOME: '/home/pi', ENERGY_STATE_FILE: '/srv/e.json' }), { path: '/srv/e.json' });
  assert.deepEqual(file({ ...KEYS, HOME: '/home/pi', ENERGY_STATE_FILE: '' }), { why: 'ENERGY_STATE_FILE is empty' });
  assert.deepEqual(file({ ...KEYS }), { why: 'ENERGY_STATE_FILE is auto and HOME is not set: no per-user folder' }, 'no home: nowhere to keep it');
  assert.deepEqual(file({ HOME: '/home/pi' }, ['--demo']), { why: 'demo mode' });
  assert.equal(config({ ...KEYS, ENERGY_STATE_INTERVAL: '5' }).energyStateIntervalMs, 5000);
  // On Windows, in the local application data; the platform is the running process's.
  t.mock.property(process, 'platform', 'win32');
  assert.deepEqual(file({ ...KEYS, LOCALAPPDATA: 'C:\\Users\\pi\\AppData\\Local', HOME: '/x' }), {
    path: 'C:\\Users\\pi\\AppData\\Local\\ecoflow-exporter\\energy-state.json',
  });
  assert.deepEqual(file({ ...KEYS, HOME: '/x' }), { why: 'ENERGY_STATE_FILE is auto and LOCALAPPDATA is not set: no per-user folder' });
});
