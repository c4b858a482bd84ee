import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketValues, dailyValue, readLifetime } from '../../../src/energy/quota-readings.js';
import { quotaMap } from '../../helpers/unified.js';

const WH = 3600;

test('a device counter reading is the keys added up, in joules; absent, 0, negative, 4294967295 and non-numbers are no reading', () => {
  const row = { keys: ['a', 'b'], scale: WH };
  assert.deepEqual(readLifetime(row, quotaMap({ a: 713_540, b: 21_830 }, 5)), { joules: 735_370 * 3600, at: 5 });
  // The stream may bring one key of a sum alone: the sum is as of the newest.
  const mixed = quotaMap({ a: 10 });
  mixed.set('b', { value: 2, updatedAt: 9 });
  assert.equal(readLifetime(row, mixed)?.at, 9);
  assert.equal(readLifetime(row, quotaMap({ a: 713_540 })), undefined, 'a key absent');
  assert.equal(readLifetime(row, quotaMap({ a: 0, b: 0 })), undefined, 'a counter the model leaves unfilled reads 0');
  assert.equal(readLifetime(row, quotaMap({ a: 4_294_967_295, b: 3 })), undefined, 'the uint32 sentinel');
  assert.equal(readLifetime(row, quotaMap({ a: -1, b: 3 })), undefined);
  assert.equal(readLifetime(row, quotaMap({ a: 'n/a', b: 3 })), undefined);
  // One key of a sum at 0 is a port that counted nothing yet: the sum stands.
  assert.deepEqual(readLifetime(row, quotaMap({ a: 0, b: 3 }, 7)), { joules: 3 * 3600, at: 7 });
});

test('the pack a device counter reading names: its pack key, only when written with the reading', () => {
  const row = { keys: ['accuChgEnergy'], scale: WH, pack: 'bmsSn' };
  assert.equal(readLifetime(row, quotaMap({ accuChgEnergy: 5, bmsSn: 'P1' }, 3))?.pack, 'P1');
  const older = quotaMap({ accuChgEnergy: 5 }, 3);
  older.set('bmsSn', { value: 'P1', updatedAt: 1 });
  assert.equal(readLifetime(row, older)?.pack, undefined, 'a pack key from another message says nothing of this reading');
  assert.equal(readLifetime(row, quotaMap({ accuChgEnergy: 5, bmsSn: '' }, 3))?.pack, undefined);
});

test('daily values: a key not available is no reading (never 0); buckets not numbers are an empty hour', () => {
  assert.deepEqual(dailyValue(['g', 'b'], quotaMap({ g: 7280.39, b: 2294.229 })), [7280.39 + 2294.229]);
  assert.equal(dailyValue(['g', 'b'], quotaMap({ g: 4_294_967_295, b: 1 })), undefined);
  assert.equal(dailyValue(['g'], quotaMap({ g: -3 })), undefined);
  assert.deepEqual(bucketValues('w', 1, quotaMap({ w: [[1], [2, 'x', 4_294_967_295, 5]] })), [2, 0, 0, 5]);
  assert.equal(bucketValues('w', 0, quotaMap({ w: [Array(25).fill(1)] })), undefined, 'more than 24 hours is not a day');
});
