import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINT_PATHS, endpointOfPath } from '../../../src/ecoflow/endpoints.js';

// The client and the simulator both read ENDPOINT_PATHS, so only a literal here catches a path
// that drifted from the real API's: these strings are the contract.
test('the endpoints are the EcoFlow Open API paths, by the ids the request metrics are labelled with', () => {
  assert.deepEqual(ENDPOINT_PATHS, {
    'device/list': '/iot-open/sign/device/list',
    'quota/all': '/iot-open/sign/device/quota/all',
    certification: '/iot-open/sign/certification',
  });
});

test('endpointOfPath finds an endpoint by its exact path only', () => {
  for (const [endpoint, path] of Object.entries(ENDPOINT_PATHS)) assert.equal(endpointOfPath(path), endpoint);
  for (const path of ['/iot-open/sign/device/quota', '/iot-open/sign/device/list/', '/', '']) assert.equal(endpointOfPath(path), undefined, path);
});
