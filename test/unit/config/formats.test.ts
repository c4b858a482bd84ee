/**
 * Each format as convict applies it: importing the module registers them; a string (every
 * environment value) is coerced then validated, any other value of a config file only validated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import convict from 'convict';
// Imported for its effect: it registers the formats with convict, as load-config.ts relies on.
import '../../../src/config/formats.js';
import type { formats } from '../../../src/config/formats.js';

type FormatName = keyof typeof formats;

/** What convict makes of `raw` for one option of `format`: from the environment when a string, else from a config file. Throws its problem. */
function read(format: FormatName, raw: unknown): unknown {
  const config = convict<{ v: unknown }>({ v: { doc: 'test', format, default: null, env: 'V' } }, { env: typeof raw === 'string' ? { V: raw } : {} });
  if (typeof raw !== 'string') config.load({ v: raw });
  config.validate({ allowed: 'strict' });
  return config.get('v');
}

test('seconds: a positive finite number; 0, negatives, infinity and words are refused', () => {
  assert.equal(read('seconds', '1.5'), 1.5);
  assert.equal(read('seconds', ' 30 '), 30);
  assert.equal(read('seconds', 60), 60);
  for (const bad of ['0', '-1', 'Infinity', 'ten', 0]) assert.throws(() => read('seconds', bad), /must be a positive number of seconds/, String(bad));
});

test('seconds-or-zero: 0 is taken, negatives are not', () => {
  assert.equal(read('seconds-or-zero', '0'), 0);
  assert.equal(read('seconds-or-zero', '2.5'), 2.5);
  for (const bad of ['-0.5', 'NaN', 'soon']) assert.throws(() => read('seconds-or-zero', bad), /must be 0 or a positive number of seconds/, bad);
});

test('milliseconds: whole and positive only', () => {
  assert.equal(read('milliseconds', '250'), 250);
  for (const bad of ['0', '1.5', '-10', 'fast']) assert.throws(() => read('milliseconds', bad), /must be a positive whole number of milliseconds/, bad);
});

test('whole-number: 0 and up, whole', () => {
  assert.equal(read('whole-number', '0'), 0);
  assert.equal(read('whole-number', '12'), 12);
  for (const bad of ['-1', '0.5', 'many']) assert.throws(() => read('whole-number', bad), /must be a whole number, 0 or more/, bad);
});

test('positive-int: at least 1, whole', () => {
  assert.equal(read('positive-int', '1'), 1);
  for (const bad of ['0', '2.5', 'one']) assert.throws(() => read('positive-int', bad), /must be a whole number of at least 1/, bad);
});

test('http-url: http and https URLs trimmed, empty left unset; other schemes and non-URLs refused', () => {
  assert.equal(read('http-url', ' https://otel.example:4318/v1/metrics \n'), 'https://otel.example:4318/v1/metrics');
  assert.equal(read('http-url', 'http://127.0.0.1:4318'), 'http://127.0.0.1:4318');
  assert.equal(read('http-url', ''), '');
  assert.equal(read('http-url', '   '), '', 'blank is empty once trimmed');
  for (const bad of ['ftp://example.com', 'otel-collector:4318/v1', 'not a url'])
    assert.throws(() => read('http-url', bad), /must be an http:\/\/ or https:\/\/ URL/, bad);
});

test('log-level: any case, WARNING read as warn (the Python exporter documented it); others name the choices', () => {
  assert.equal(read('log-level', ' DEBUG '), 'debug');
  assert.equal(read('log-level', 'WARNING'), 'warn');
  assert.equal(read('log-level', 'error'), 'error');
  assert.throws(() => read('log-level', 'verbose'), /must be one of debug, info, warn, error/);
});

test('metric-prefix: a letter or underscore first, then letters, digits and underscores', () => {
  assert.equal(read('metric-prefix', ' ecoflow '), 'ecoflow');
  assert.equal(read('metric-prefix', '_home_2'), '_home_2');
  for (const bad of ['2home', 'eco-flow', 'eco.flow', '']) assert.throws(() => read('metric-prefix', bad), /must start with a letter or underscore/, bad);
  // From a config file a value comes as it is: `true` would pass a test of its text.
  for (const bad of [true, 42]) assert.throws(() => read('metric-prefix', bad), /must start with a letter or underscore/, String(bad));
});

test('secret: a pasted trailing newline is trimmed; white space inside, or not a string, is refused', () => {
  assert.equal(read('secret', 'Ak1234567890\n'), 'Ak1234567890');
  assert.throws(() => read('secret', 'Ak12 34567890'), /contains white space/);
  assert.throws(() => read('secret', 'Ak12\n34567890'), /contains white space/);
  assert.throws(() => read('secret', 1234567890), /must be a string/, 'a number from a config file');
});

test('otlp-protocol: the two HTTP protocols in any case, or empty; grpc refused with what to use instead', () => {
  assert.equal(read('otlp-protocol', 'HTTP/JSON'), 'http/json');
  assert.equal(read('otlp-protocol', ' http/protobuf '), 'http/protobuf');
  assert.equal(read('otlp-protocol', ''), '');
  assert.throws(() => read('otlp-protocol', 'grpc'), /grpc is not supported.*http\/protobuf \(port 4318\)/);
  assert.throws(() => read('otlp-protocol', 'http'), /must be http\/protobuf or http\/json/);
});

test('switch: true/1/yes/on and false/0/no/off in any case; a config-file boolean as it is; anything else refused', () => {
  for (const yes of ['true', '1', 'YES', ' on ']) assert.equal(read('switch', yes), true, yes);
  for (const no of ['false', '0', 'No', 'OFF']) assert.equal(read('switch', no), false, no);
  assert.equal(read('switch', false), false);
  for (const bad of ['maybe', '', 1]) assert.throws(() => read('switch', bad), /must be true or false/, String(bad));
});

test('mqtt-mode: auto, on, off, with the yes/no words read as on/off; anything else refused', () => {
  assert.equal(read('mqtt-mode', 'AUTO'), 'auto');
  assert.equal(read('mqtt-mode', ' on '), 'on');
  for (const on of ['true', '1', 'yes']) assert.equal(read('mqtt-mode', on), 'on', on);
  for (const off of ['off', 'false', '0', 'NO']) assert.equal(read('mqtt-mode', off), 'off', off);
  assert.throws(() => read('mqtt-mode', 'sometimes'), /must be auto, on or off/);
});

test('instance-name: up to 32 letters, digits, - and _; empty allowed', () => {
  assert.equal(read('instance-name', ' garage_1-b '), 'garage_1-b');
  assert.equal(read('instance-name', ''), '');
  assert.equal(read('instance-name', 'x'.repeat(32)), 'x'.repeat(32));
  for (const bad of ['x'.repeat(33), 'my garage', 'garage/1'])
    assert.throws(() => read('instance-name', bad), /may hold up to 32 letters, digits, - and _/, bad);
  assert.throws(() => read('instance-name', 42), /may hold up to 32 letters/, 'a number from a config file is no name');
});
