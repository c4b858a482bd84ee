import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamClientId } from '../../../src/stream/client-id.js';

test('the client ID is stable for a key, differs between keys and instances, and never holds the key', () => {
  const key = 'Ak1234567890abcdefSECRETLIKE';
  const id = streamClientId(key);
  assert.equal(streamClientId(key), id, 'the same every time');
  assert.match(id, /^ecoflow-exporter-[0-9a-f]{16}$/);
  assert.ok(!id.includes(key) && !id.toLowerCase().includes(key.slice(0, 8).toLowerCase()));
  assert.notEqual(streamClientId(`${key}x`), id);
  assert.equal(streamClientId(key, 'garage'), `${id}-garage`);
  assert.equal(streamClientId(key, 'ga rage/#+'), `${id}-garage`, 'only characters every broker takes');
});
