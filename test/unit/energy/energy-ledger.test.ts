import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { EnergyLedger } from '../../../src/energy/energy-ledger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { SN, TEST_FAMILY, energyWorld } from '../../helpers/energy-world.js';

const S = 1000;

test('offline: nothing is integrated across the outage, and the counters stay, not growing', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  snapshot.setOnline(SN, false);
  assert.equal(joules()['portInputEnergy{solar}'], 2000, 'still exported while offline');
  snapshot.setOnline(SN, true);
  snapshot.replaceQuotas(SN, { pv: 200 }, 3600 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 2000);
  snapshot.replaceQuotas(SN, { pv: 200 }, 3610 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 4000);
});

test('a device that leaves the list takes its counters out of the output, and back when it returns', () => {
  const { snapshot, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  snapshot.setDevices([]);
  assert.deepEqual(joules(), {});
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  assert.equal(joules()['portInputEnergy{solar}'], 2000);
});

test('stopping counts the held power up to the stop: a shutdown loses no interval', () => {
  const { snapshot, ledger, joules } = energyWorld();
  snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  ledger.stop(25 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 25);
  snapshot.replaceQuotas(SN, { pv: 200 }, 35 * S);
  assert.equal(joules()['portInputEnergy{solar}'], 200 * 25, 'stopped: no longer following the snapshot');
});

test('devices off the list for longer than the retention are let go, from memory and the state file', () => {
  const world = energyWorld({ start: false, restore: { GONE: { integrated: { loadEnergy: { joules: 5, since: 0 } }, daily: {}, seenAt: 0 } } });
  world.ledger.start();
  world.snapshot.replaceQuotas(SN, { pv: 200 }, 0);
  world.snapshot.replaceQuotas(SN, { pv: 200 }, 10 * S);
  assert.deepEqual(Object.keys(world.state(10 * S)).sort(), ['GONE', SN]);
  world.snapshot.setDevices([]);
  const week = 7 * 86_400_000;
  assert.deepEqual(Object.keys(world.state(week + 1)), [SN], 'the long-gone device is let go; the one just removed is kept');
  assert.deepEqual(Object.keys(world.state(Date.now() + week + 1)), []);
});

test('a rejection is counted every time, and told once per device, counter and reason', () => {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices(['T1', 'T2'].map((sn) => ({ sn, name: sn, productName: 'Test', online: true })));
  const counted: string[] = [];
  const told: string[] = [];
  const ledger = new EnergyLedger({
    snapshot,
    models: new DeviceModels({ families: [TEST_FAMILY] }),
    reporter: { recordEnergyRejected: (device, reason) => counted.push(`${device.sn} ${reason}`) },
    onRejected: ({ sn, counter, reason }) => told.push(`${sn} ${counter} ${reason}`),
  });
  ledger.start();
  // The test family is rated 1000 W: 5000 W is a misreading, whichever way it flows.
  for (const sn of ['T1', 'T2']) {
    snapshot.replaceQuotas(sn, { pv: 100 }, 0);
    snapshot.replaceQuotas(sn, { pv: 5000 }, 10 * S);
    snapshot.replaceQuotas(sn, { pv: 5000 }, 20 * S);
  }
  snapshot.replaceQuotas('T1', { bat: -5000 }, 30 * S);
  assert.deepEqual(counted, ['T1 implausible_power', 'T1 implausible_power', 'T2 implausible_power', 'T2 implausible_power', 'T1 implausible_power']);
  assert.deepEqual(told, [
    'T1 portInputEnergy/solar implausible_power',
    'T2 portInputEnergy/solar implausible_power',
    'T1 batteryDischargeEnergy implausible_power',
  ]);
});

test('a checkpoint keeps the devices listed and those removed within the retention, and marking it written marks them all', () => {
  const { snapshot, ledger, joules } = energyWorld({ publishWritten: true });
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.replaceQuotas(SN, { pv: 100 }, 10 * S);
  const removedAt = Date.now();
  snapshot.setDevices([]);
  const now = Date.now();
  const point = ledger.checkpoint(now);
  assert.deepEqual(Object.keys(point.devices), [SN]);
  const seenAt = point.devices[SN]!.seenAt!;
  assert.ok(seenAt >= removedAt && seenAt <= now, 'last seen when it left the list, not at the checkpoint');
  point.written();
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  assert.equal(joules()['portInputEnergy{solar}'], 1000, 'marked written while it was off the list');
});
