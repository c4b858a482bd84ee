import { test } from 'node:test';
import assert from 'node:assert/strict';
import { READY_WINDOW_INTERVALS, readinessCheck } from '../../../src/poller/readiness.js';

test('ready once the list loaded and while the API answered within three of the longer interval', () => {
  let loaded = false;
  let lastSuccess: number | undefined;
  const collectingIntervalMs = 10_000;
  const deviceListIntervalMs = 30_000;
  const ready = readinessCheck({ listLoaded: () => loaded, lastApiSuccessAt: () => lastSuccess, collectingIntervalMs, deviceListIntervalMs });
  const window = READY_WINDOW_INTERVALS * Math.max(collectingIntervalMs, deviceListIntervalMs);
  const now = 1_800_000_000_000;
  assert.equal(ready(now), false, 'nothing yet');
  lastSuccess = now;
  assert.equal(ready(now), false, 'the API answered but the list has not loaded');
  loaded = true;
  assert.equal(ready(now), true);
  assert.equal(ready(now + window - 1), true);
  assert.equal(ready(now + window), false, 'the API has not answered for the whole window');
});
