import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EcoflowApiError,
  EcoflowCircuitOpenError,
  EcoflowError,
  EcoflowHttpError,
  EcoflowNetworkError,
  EcoflowRateLimitError,
  EcoflowResponseError,
  isDeviceSpecific,
} from '../../../src/ecoflow/errors.js';

test('device-specific: API codes 1006, 1008 and 6012 only; auth failures, other errors and non-errors are not', () => {
  for (const code of ['1006', '1008', '6012']) assert.equal(isDeviceSpecific(new EcoflowApiError('quota/all', code, 'm')), true, code);
  for (const code of ['8513', '8521', '0', '9999']) assert.equal(isDeviceSpecific(new EcoflowApiError('quota/all', code, 'm')), false, code);
  assert.equal(isDeviceSpecific(new EcoflowHttpError('quota/all', 404)), false);
  assert.equal(isDeviceSpecific(new EcoflowRateLimitError('quota/all', '1006', 'busy')), false, 'the class decides, not a code field of another error');
  // A plain object shaped like an API error must not pass: callers branch on the class.
  assert.equal(isDeviceSpecific({ apiCode: '1006' }), false);
  assert.equal(isDeviceSpecific(new Error('1006')), false);
  assert.equal(isDeviceSpecific(undefined), false);
});

test('API errors say the code, the endpoint and the API message, with a hint on what to check for 8513, 8521 and 1006', () => {
  const region = new EcoflowApiError('device/list', '8513', 'accessKey is invalid');
  assert.match(region.message, /^EcoFlow API error 8513 on device\/list: accessKey is invalid \(hint: /);
  assert.match(region.message, /ECOFLOW_ACCESS_KEY/);
  assert.match(region.message, /ECOFLOW_API_HOST.*https:\/\/api-e\.ecoflow\.com.*https:\/\/api-a\.ecoflow\.com/);
  const signature = new EcoflowApiError('quota/all', '8521', 'signature is wrong');
  assert.match(signature.message, /ECOFLOW_SECRET_KEY/);
  assert.match(signature.message, /clock/);
  assert.match(new EcoflowApiError('quota/all', '1006', 'not allowed').message, /not bound to this developer key/);
  assert.equal(
    new EcoflowApiError('quota/all', '6012', 'device offline').message,
    'EcoFlow API error 6012 on quota/all: device offline',
    'no hint where none helps',
  );
  assert.equal(new EcoflowApiError('quota/all', '6012', 'device offline').apiMessage, 'device offline');
});

test('every error is an EcoflowError named after its class, with its kind and endpoint', () => {
  const cases: Array<[EcoflowError, string, string, string]> = [
    [new EcoflowApiError('quota/all', '1008', 'm'), 'EcoflowApiError', 'api', 'quota/all'],
    [new EcoflowHttpError('device/list', 502), 'EcoflowHttpError', 'http', 'device/list'],
    [new EcoflowResponseError('certification', 'not JSON'), 'EcoflowResponseError', 'response', 'certification'],
    [new EcoflowNetworkError('quota/all', 'timeout', 'no answer in 10 s'), 'EcoflowNetworkError', 'network', 'quota/all'],
    [new EcoflowRateLimitError('device/list', '429', 'too many requests'), 'EcoflowRateLimitError', 'rate-limit', 'device/list'],
    [new EcoflowCircuitOpenError('certification', 30_000), 'EcoflowCircuitOpenError', 'circuit-open', 'certification'],
  ];
  assert.equal(new Set(cases.map(([, , kind]) => kind)).size, cases.length, 'kinds tell the classes apart');
  for (const [error, name, kind, endpoint] of cases) {
    assert.ok(error instanceof EcoflowError && error instanceof Error, name);
    assert.equal(error.name, name);
    assert.equal(error.kind, kind);
    assert.equal(error.endpoint, endpoint);
    assert.match(String(error), new RegExp(`^${name}: `), 'stack traces and logs show the class');
  }
});

test('HTTP, response, network and rate-limit errors carry what callers branch on, and the cause', () => {
  const http = new EcoflowHttpError('quota/all', 503);
  assert.equal(http.status, 503);
  assert.equal(http.message, 'EcoFlow API answered HTTP 503 on quota/all');

  const parseFailure = new SyntaxError('Unexpected token <');
  const response = new EcoflowResponseError('quota/all', 'not JSON', { cause: parseFailure });
  assert.equal(response.cause, parseFailure);
  assert.equal(response.message, 'EcoFlow API sent an unusable response on quota/all: not JSON');

  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const network = new EcoflowNetworkError('device/list', 'network', 'read ECONNRESET', { cause: reset });
  assert.equal(network.reason, 'network');
  assert.equal(network.cause, reset);

  const limited = new EcoflowRateLimitError('quota/all', '429', 'HTTP 429', 12_000);
  assert.equal(limited.code, '429');
  assert.equal(limited.retryAfterMs, 12_000);
  assert.equal(new EcoflowRateLimitError('quota/all', 'busy', 'Server is too busy').retryAfterMs, undefined, 'no Retry-After sent');
});

test('an open circuit says how long calls pause, in whole seconds rounded up, and the last real failure', () => {
  const last = new EcoflowHttpError('quota/all', 502);
  const open = new EcoflowCircuitOpenError('quota/all', 1_001, { cause: last });
  assert.equal(open.retryInMs, 1_001);
  assert.equal(open.cause, last);
  assert.equal(open.message, 'EcoFlow API calls paused for 2 s after repeated failures; last failure: EcoFlow API answered HTTP 502 on quota/all');
  assert.equal(new EcoflowCircuitOpenError('quota/all', 30_000).message, 'EcoFlow API calls paused for 30 s after repeated failures');
  assert.equal(new EcoflowCircuitOpenError('quota/all', 5_000, { cause: 'not an Error' }).message, 'EcoFlow API calls paused for 5 s after repeated failures');
});
