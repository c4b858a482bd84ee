import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceLabels } from '../../../src/metrics/device-labels.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';

const GARAGE = { sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2', online: true };

test('the labels are the serial number, the name and the product name', () => {
  assert.deepEqual(deviceLabels(GARAGE), { device: 'R331ZEB4ZEAL0528', device_name: 'DELTA 2-Garage', product_name: 'DELTA 2' });
});

test('one record gives one labels object, however often asked: every series of the device shares it', () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([GARAGE]);
  const record = snapshot.get(GARAGE.sn)!;
  const first = deviceLabels(record);
  // A quota write changes the record, not its identity.
  snapshot.replaceQuotas(GARAGE.sn, { 'pd.soc': 46 }, 1_000);
  assert.equal(deviceLabels(record), first);
});

test('a renamed device, and one of another product name, gets new labels; the old object is left as it was', () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([GARAGE]);
  // The snapshot renames its record in place, so the cache cannot go by the object alone.
  const record = snapshot.get(GARAGE.sn)!;
  const before = deviceLabels(record);
  snapshot.setDevices([{ ...GARAGE, name: 'Shed' }]);
  assert.equal(snapshot.get(GARAGE.sn), record, 'the same record object');
  const renamed = deviceLabels(record);
  assert.notEqual(renamed, before);
  assert.deepEqual(renamed, { device: 'R331ZEB4ZEAL0528', device_name: 'Shed', product_name: 'DELTA 2' });
  assert.deepEqual(before, { device: 'R331ZEB4ZEAL0528', device_name: 'DELTA 2-Garage', product_name: 'DELTA 2' });

  snapshot.setDevices([{ ...GARAGE, name: 'Shed', productName: 'DELTA 2 (EU)' }]);
  assert.deepEqual(deviceLabels(record), { device: 'R331ZEB4ZEAL0528', device_name: 'Shed', product_name: 'DELTA 2 (EU)' });
});

test('two devices never share labels, even with the same name and product', () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([GARAGE, { ...GARAGE, sn: 'R331ZEB4ZEAL0529' }]);
  const [a, b] = [...snapshot.devices()].map((d) => deviceLabels(d));
  assert.equal(a!.device, 'R331ZEB4ZEAL0528');
  assert.equal(b!.device, 'R331ZEB4ZEAL0529');
});
