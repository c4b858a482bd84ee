import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta2 } from '../../../src/devices/delta2.js';
import { payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA 2: the real capture gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/delta2.json (rustyy/ecoflow-api fixture).
  assert.deepEqual(unifiedValues(delta2, payloadQuotas('delta2')), {
    battery_soc_ratio: 0.462, // bms_emsStatus.f32LcdShowSoc 46.2 %
    battery_soh_ratio: 0.99, // bms_bmsStatus.soh 99 %
    battery_temperature_celsius: 31, // bms_bmsStatus.temp
    battery_current_amperes: -3.753, // bms_bmsStatus.amp −3753 mA
    battery_voltage_volts: 52.161, // bms_bmsStatus.vol 52161 mV
    battery_power_watts: -195.760233, // 52.161 V × −3.753 A
    battery_cycles: 73,
    // chgRemainTime 5939 is the "not charging" sentinel: no time-to-full series.
    battery_time_to_empty_seconds: 9840, // dsgRemainTime 164 min
    input_power_watts: 0,
    output_power_watts: 201,
    'port_input_power_watts{ac}': 0,
    'port_input_power_watts{solar}': 0,
    'port_output_power_watts{ac}': 0,
    'port_output_power_watts{usb}': 0,
    'port_output_power_watts{usb_c}': 0,
    'port_output_power_watts{car}': 0,
    ac_input_voltage_volts: 0,
    ac_output_voltage_volts: 0,
    // AC sides idle: 0 Hz is not a frequency (AC_FREQUENCY), so no frequency series.
  });
});

test('DELTA 2: charging from the grid, values as the docs scale them', () => {
  const values = unifiedValues(
    delta2,
    quotaMap({
      'bms_emsStatus.lcdShowSoc': 80,
      'bms_bmsStatus.vol': 53000,
      'bms_bmsStatus.amp': 10000,
      'bms_emsStatus.chgRemainTime': 25,
      'bms_emsStatus.dsgRemainTime': 5999,
      'inv.inputWatts': 540,
      'inv.acInVol': 230125,
      'inv.acInFreq': 50,
      'pd.usb1Watts': 5,
      'pd.qcUsb2Watts': 12,
      'mppt.carOutWatts': 482,
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.8, // the integer key stands in when the float one is absent
    battery_voltage_volts: 53,
    battery_current_amperes: 10,
    battery_power_watts: 530, // + charging
    battery_time_to_full_seconds: 1500,
    'port_input_power_watts{ac}': 540,
    'port_output_power_watts{usb}': 17, // USB-A ports add up
    'port_output_power_watts{car}': 48.2, // 0.1 W
    ac_input_voltage_volts: 230.125,
    ac_input_frequency_hertz: 50,
  });
});
