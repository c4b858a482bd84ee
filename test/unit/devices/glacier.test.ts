import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glacier } from '../../../src/devices/glacier.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('Glacier: the payload built from the docs gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/glacier.json (constructed: mostly zeros).
  assert.deepEqual(unifiedValues(glacier, payloadQuotas('glacier')), {
    battery_soc_ratio: 0, // bms_emsStatus.lcdSoc 0 (f32LcdSoc absent)
    battery_temperature_celsius: 0, // bms_bmsStatus.tmp 0
    battery_current_amperes: -1.116, // amp −1116 mA
    // soh 0 is not a reading; vol 0 is below the mV floor, so no voltage and no vol × amp power;
    // chgRemain / dsgRemain 0 mean no estimate; cycles absent.
  });
});

test('Glacier: discharging on battery, values as the docs scale them', () => {
  const values = unifiedValues(
    glacier,
    quotaMap({
      'bms_emsStatus.f32LcdSoc': 43.3, // tolwi #170
      'bms_emsStatus.lcdSoc': 43,
      'bms_bmsStatus.soc': 90, // main pack only: never the overall SoC
      'bms_bmsStatus.soh': 98,
      'bms_bmsStatus.tmp': 31,
      'bms_bmsStatus.vol': 22500,
      'bms_bmsStatus.amp': -1116,
      'bms_bmsStatus.cycles': 12,
      'bms_bmsStatus.outWatts': 25, // not used
      'bms_emsStatus.chgRemain': 5999, // sentinel
      'bms_emsStatus.dsgRemain': 731,
      'pd.motorWat': 26,
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.433, // the float EMS key first
    battery_soh_ratio: 0.98,
    battery_temperature_celsius: 31,
    battery_voltage_volts: 22.5, // 22500 mV
    battery_current_amperes: -1.116,
    battery_power_watts: -25.11, // 22.5 V × −1.116 A
    battery_cycles: 12,
    battery_time_to_empty_seconds: 43860, // 731 min
  });
});

test('Glacier: a pack voltage in volts (as TOL reads it) gives no series rather than 1/1000', () => {
  const values = unifiedValues(
    glacier,
    quotaMap({ 'bms_emsStatus.lcdSoc': 100, 'bms_bmsStatus.vol': 23, 'bms_bmsStatus.amp': 2500, 'bms_emsStatus.chgRemain': 40 }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 1, // integer fallback when the float key is absent
    battery_current_amperes: 2.5, // + charging
    battery_time_to_full_seconds: 2400,
  });
});

test('Glacier: found by shape and serial number, not taken for a DELTA 2', () => {
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('glacier'), [glacier]), glacier);
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('delta2'), [glacier]), undefined);
  assert.equal(detectFamily({ sn: 'BX11ZCB4EF2E0002', productName: '' }, new Map(), [glacier]), glacier);
});
