import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesKey } from '../../../src/otel/attribute-key.js';

test('equal label sets give equal keys, different ones different keys, whatever object holds them', () => {
  const a = { device: 'R1', port: 'ac' };
  assert.equal(attributesKey(a), attributesKey({ device: 'R1', port: 'ac' }));
  assert.notEqual(attributesKey(a), attributesKey({ device: 'R1', port: 'usb' }));
  assert.notEqual(attributesKey({ device: 'R1' }), attributesKey({ device: 'R1', port: '' }));
  // A value that looks like a separator cannot make two sets collide.
  assert.notEqual(attributesKey({ a: 'x","b":"y' }), attributesKey({ a: 'x', b: 'y' }));
});

test('the key is made once per object: a later change to the same object is not seen', () => {
  // Attribute objects handed to the SDK are never changed; the cache relies on that.
  const labels: Record<string, string> = { device: 'R1' };
  const first = attributesKey(labels);
  labels.device = 'R2';
  assert.equal(attributesKey(labels), first);
  assert.notEqual(attributesKey({ device: 'R2' }), first);
});
