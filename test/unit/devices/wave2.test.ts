import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wave2 } from '../../../src/devices/wave2.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('WAVE 2: the payload built from the docs gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/wave2.json (constructed: all readings 0).
  assert.deepEqual(unifiedValues(wave2, payloadQuotas('wave2')), {
    battery_soc_ratio: 0, // pd.batSoc 0
    battery_voltage_volts: 0, // bms.bmsVol 0 mV
    'port_input_power_watts{ac}': 0, // pd.acPwrIn 0
    'port_input_power_watts{solar}': 0, // pd.mpptPwr 0
    // batChgRemain / batDsgRemain 0: no estimate; power.acVoltRms 0 is below a mains reading.
  });
});

test('WAVE 2: running from the grid, fallbacks to the power board and the BMS', () => {
  const values = unifiedValues(
    wave2,
    quotaMap({
      'bms.bmsSoc': 64, // pd.batSoc absent: the BMS's stands in
      'bms.bmsVol': 25310,
      'bms.bmsCur': -4200, // sign undocumented: no current, no power
      'pd.batPwrOut': 80, // discharge only: no battery power
      'power.acPwrIn': 512, // pd.acPwrIn absent
      'power.mpptPwr': 0,
      'power.acVoltRms': 2318,
      'power.acFreq': 50, // unconfirmed: no series
      'pd.batChgRemain': 88,
      'pd.batDsgRemain': 5999, // sentinel
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.64,
    battery_voltage_volts: 25.31,
    battery_time_to_full_seconds: 5280, // 88 min
    'port_input_power_watts{ac}': 512,
    'port_input_power_watts{solar}': 0,
    ac_input_voltage_volts: 231.8, // 2318 × 0.1 V
  });
});

test('WAVE 2: the PD reading wins over the power board, and a volt-scaled AC reading is dropped', () => {
  const values = unifiedValues(wave2, quotaMap({ 'pd.batSoc': 50, 'bms.bmsSoc': 49, 'pd.mpptPwr': 120, 'power.mpptPwr': 119, 'power.acVoltRms': 232 }));
  assert.deepEqual(values, {
    battery_soc_ratio: 0.5,
    'port_input_power_watts{solar}': 120,
    // acVoltRms 232 (DOC's MQTT example) would be 23.2 V at 0.1 V: not a mains reading, no series.
  });
});

test('WAVE 2: found by shape, serial number and product name', () => {
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('wave2'), [wave2]), wave2);
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('glacier'), [wave2]), undefined);
  assert.equal(detectFamily({ sn: 'KT21ZCH2ZF170012', productName: '' }, new Map(), [wave2]), wave2);
  assert.equal(detectFamily({ sn: 'X', productName: 'WAVE 2' }, new Map(), [wave2]), wave2);
});
