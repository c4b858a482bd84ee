/**
 * The schema's own rules: every entry complete and uniquely named, secrets marked, and the
 * Config type it yields the one the program was written against (checked by tsc: a wrong type
 * fails the build, so `npm test` fails before any test runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, type Config } from '../../../src/config/config-schema.js';
import { walkOptions } from '../../../src/config/option.js';
import type { WebConfig } from '../../../src/config/web-config.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_ extends true>(): void {}

// The hand-written interface the derived type replaced; consumers (app.ts, main.ts) were written against it.
interface ExpectedConfig {
  demo: boolean;
  ecoflow: {
    accessKey: string;
    secretKey: string;
    deviceSns: string[];
    deviceName?: string;
    apiHost: string;
    requestTimeoutMs: number;
    backoffBaseMs: number;
    circuitBreakerThreshold: number;
    circuitBreakerPauseMs: number;
    restrictedRetryMs: number;
    maxResponseBytes: number;
  };
  mqtt: { mode: 'auto' | 'on' | 'off'; instance: string; silenceMs: number; extraCaFile?: string };
  exporter: { host: string; port: number; web?: WebConfig };
  polling: { collectingIntervalMs: number; reconcileIntervalMs: number; deviceListIntervalMs: number; retryTimeoutMs: number; establishAttempts: number };
  staleAfterMs: number;
  metricsPrefix: string;
  maxSeriesPerDevice: number;
  maxMetricsPerDevice: number;
  largeFleetDevices: number;
  unifiedMetrics: boolean;
  rawMetrics: boolean;
  metricsInclude: string[];
  metricsExclude: string[];
  energyStateFile: { path: string } | { why: string };
  energyStateIntervalMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'auto' | 'json' | 'text';
  otlp?: { url: string; protocol: 'http/protobuf' | 'http/json'; headers: Record<string, string>; intervalMs: number; timeoutMs: number };
  resource: { serviceName: string; attributes: Record<string, string> };
}

assertType<Equal<Config, ExpectedConfig>>();
// Spot checks that name the entry when the whole-type check fails.
assertType<Equal<Config['logFormat'], 'auto' | 'json' | 'text'>>(); // from format: [...]
assertType<Equal<Config['logLevel'], 'debug' | 'info' | 'warn' | 'error'>>(); // a custom format's declared type
assertType<Equal<Config['unifiedMetrics'], boolean>>();
assertType<Equal<Config['ecoflow']['deviceSns'], string[]>>(); // from derive
assertType<Equal<Config['otlp'], ExpectedConfig['otlp']>>(); // a derived group that may be absent

const options = [...walkOptions(configSchema)].map((option) => option.spec);

test('every entry has a doc line, a format, a default and an environment variable', () => {
  assert.ok(options.length >= 39, `only ${options.length} options found`);
  for (const spec of options) {
    assert.ok(typeof spec.doc === 'string' && spec.doc.length > 10, `${spec.key}: doc`);
    assert.ok(spec.format !== undefined, `${spec.key}: format`);
    assert.ok(spec.default !== undefined, `${spec.key}: default`);
    assert.match(spec.env, /^[A-Z][A-Z0-9_]*$/, `${spec.key}: env`);
  }
});

test('config-file keys, environment variables and flags each name one option', () => {
  for (const name of ['key', 'env', 'arg'] as const) {
    const values = options.flatMap((spec) => (spec[name] ? [spec[name]] : []));
    assert.deepEqual(
      values.filter((v, i) => values.indexOf(v) !== i),
      [],
      `duplicate ${name}`,
    );
  }
});

test('exactly the keys, secrets, passwords and headers are sensitive, with no flag and an empty default', () => {
  const secretName = /key$|secret|password|token|headers$/i;
  for (const spec of options) {
    const name = spec.key.split('.').at(-1)!;
    assert.equal(Boolean(spec.sensitive), secretName.test(name), `${spec.key}: sensitive`);
    if (spec.sensitive) {
      // A flag would show in `ps`; a default would show in --help.
      assert.equal(spec.arg, undefined, `${spec.key}: flag`);
      assert.equal(spec.default, '', `${spec.key}: default`);
    }
  }
  assert.deepEqual(
    options.filter((spec) => spec.sensitive).map((spec) => spec.key),
    ['ecoflow.accessKey', 'ecoflow.secretKey', 'otlp.headers', 'otlp.metricsHeaders'],
  );
});

test("the response-size default is the EcoFlow client's", async () => {
  const { DEFAULT_MAX_RESPONSE_BYTES } = await import('../../../src/ecoflow/ecoflow-client.js');
  assert.equal(configSchema.ecoflow.maxResponseBytes.spec.default, DEFAULT_MAX_RESPONSE_BYTES);
});
