import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smartHomePanel } from '../../../src/devices/smart-home-panel.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('Smart Home Panel: the real dump gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/smarthomepanel.json (tolwi diag): grid down, the
  // circuits run from one DELTA Pro at 54 %; the second battery slot is empty (all zeros).
  assert.deepEqual(unifiedValues(smartHomePanel, payloadQuotas('smarthomepanel')), {
    battery_soc_ratio: 0.54, // heartbeat.backupBatPer 54 %
    battery_time_to_empty_seconds: 26580, // heartbeat.backupChaTime 443 min
    // energyInfos[0]: lcdInputWatts 0 − outputPower 203; energyInfos[1]: 0 − 0.
    battery_power_watts: -203,
    // Top-level infoList, circuits 1–10: 10.766009 + 55.601562 + 33.136715, the others 0.
    load_power_watts: 99.504286,
  });
});

test('Smart Home Panel: grid charging two batteries; circuits fall back to channelPower.infoList', () => {
  const battery = (input: number, output: number) => ({ lcdInputWatts: input, outputPower: output, batteryPercentage: 50 });
  const values = unifiedValues(
    smartHomePanel,
    quotaMap({
      heartbeat: { backupBatPer: 61, backupFullCap: 10240, backupChaTime: 5999, energyInfos: [battery(800, 0), battery(650.5, 10)] },
      'channelPower.infoList': [{ chWatt: 120.5 }, { chWatt: 0 }, { chWatt: 300 }],
      'gridInfo.gridVol': 230, // configured grid standard: unmapped
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.61,
    // backupChaTime 5999: sentinel, no series.
    battery_power_watts: 1440.5, // (800 − 0) + (650.5 − 10): charging
    load_power_watts: 420.5, // circuits 1–3; circuits 4–10 absent add nothing
  });
});

test('Smart Home Panel: without energyInfos there is no battery power, not a 0', () => {
  assert.deepEqual(unifiedValues(smartHomePanel, quotaMap({ 'heartbeat.backupBatPer': 20, 'heartbeat.backupFullCap': 5120 })), { battery_soc_ratio: 0.2 });
  // No battery wired to the panel: no capacity, and its 0 % is not a battery either.
  assert.deepEqual(unifiedValues(smartHomePanel, quotaMap({ 'heartbeat.backupBatPer': 0, 'heartbeat.backupFullCap': 0 })), {});
});

test('Smart Home Panel: detected by name, serial number or the heartbeat keys', () => {
  const none = quotaMap({});
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Smart Home Panel' }, none, [smartHomePanel])?.id, 'smart_home_panel');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Smart Home Panel 2' }, none, [smartHomePanel]), undefined);
  assert.equal(detectFamily({ sn: 'SP10ZZZZ', productName: '' }, none, [smartHomePanel])?.id, 'smart_home_panel');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('smarthomepanel'), [smartHomePanel])?.id, 'smart_home_panel');
});
