import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from '../../../src/devices/families.js';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { EnergyLedger } from '../../../src/energy/energy-ledger.js';
import { payload } from '../../../src/simulator/fleet.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { byName } from '../../helpers/energy-world.js';

const PANEL = payload(JSON.parse(readFileSync(fileURLToPath(new URL('../../../../src/simulator/payloads/smarthomepanel.json', import.meta.url)), 'utf8')));
const SN = 'SP10ZAW5ZE4R0013';
const MIN = 60_000;

function panel() {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ sn: SN, name: 'panel', productName: 'Smart Home Panel', online: true }]);
  const ledger = new EnergyLedger({ snapshot, models: new DeviceModels({ families: FAMILIES }), staleness: new StalenessRule({ staleAfterMs: 3_600_000 }) });
  ledger.start();
  return { snapshot, joules: () => byName(ledger.readings(SN)) };
}

/** The captured panel with circuit 3's 21:00 buckets and the day totals grown. */
function grown(mains: number, backup: number, day = { rtc: '2025-12-6', d: 6 }): Record<string, unknown> {
  const quotas = structuredClone(PANEL);
  const m = quotas['mainsLoadWatt.watth'] as number[][];
  const b = quotas['backupLoadWatt.watth'] as number[][];
  m[2]![20]! += mains;
  b[2]![20]! += backup;
  quotas['heartbeat.gridDayWatth'] = (quotas['heartbeat.gridDayWatth'] as number) + mains;
  quotas['heartbeat.backupDayWatth'] = (quotas['heartbeat.backupDayWatth'] as number) + backup;
  quotas['mainsLoadWatt.rtc'] = day.rtc;
  quotas['backupLoadWatt.rtc'] = day.rtc;
  quotas['heartbeat.time.day'] = day.d;
  return quotas;
}

test("Smart Home Panel: a circuit's hourly bucket increasing adds to that circuit's counter, by source", () => {
  const { snapshot, joules } = panel();
  snapshot.replaceQuotas(SN, PANEL, 0);
  const first = joules();
  assert.equal(first['circuitEnergy{grid 3}'], 0, "today's buckets are the baseline: not counted");
  assert.equal(first.gridImportEnergy, 0);
  snapshot.replaceQuotas(SN, grown(5, 3), 10 * MIN);
  const after = joules();
  assert.equal(after['circuitEnergy{grid 3}'], 5 * 3600);
  assert.equal(after['circuitEnergy{battery 3}'], 3 * 3600);
  assert.equal(after['circuitEnergy{grid 1}'], 0);
  assert.ok(Math.abs(after.gridImportEnergy! - 5 * 3600) < 1e-6, `grid import ${after.gridImportEnergy}`);
  assert.ok(Math.abs(after.batteryDischargeEnergy! - 3 * 3600) < 1e-6);
  assert.ok(Math.abs(after.loadEnergy! - 8 * 3600) < 1e-6);
  assert.equal(Object.keys(after).filter((k) => k.startsWith('circuitEnergy')).length, 20, '10 circuits × grid and battery');
});

test("Smart Home Panel: across the device's midnight, the new day's values are added whole", () => {
  const { snapshot, joules } = panel();
  snapshot.replaceQuotas(SN, grown(0, 0), 0);
  const next = structuredClone(PANEL);
  const zeros = () => Array.from({ length: 10 }, () => Array.from({ length: 24 }, () => 0));
  const m = zeros();
  m[0]![0] = 7;
  next['mainsLoadWatt.watth'] = m;
  next['backupLoadWatt.watth'] = zeros();
  next['mainsLoadWatt.rtc'] = '2025-12-7';
  next['backupLoadWatt.rtc'] = '2025-12-7';
  next['heartbeat.time.day'] = 7;
  next['heartbeat.gridDayWatth'] = 7;
  next['heartbeat.backupDayWatth'] = 0;
  snapshot.replaceQuotas(SN, next, 140 * MIN);
  const after = joules();
  assert.equal(after['circuitEnergy{grid 1}'], 7 * 3600);
  assert.equal(after.gridImportEnergy, 7 * 3600);
  assert.equal(after.batteryDischargeEnergy, 0);
});
