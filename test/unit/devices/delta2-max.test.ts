import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta2 } from '../../../src/devices/delta2.js';
import { delta2Max } from '../../../src/devices/delta2-max.js';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { river2 } from '../../../src/devices/river2.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA 2 Max: the real dump gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/delta2max.json (tolwi diag/delta_2_max.json):
  // charging from PV, AC and XT150 port 2 while feeding extra battery 1.
  assert.deepEqual(unifiedValues(delta2Max, payloadQuotas('delta2max')), {
    battery_soc_ratio: 0.826, // bms_emsStatus.f32LcdShowSoc 82.6 %
    battery_soh_ratio: 0.97, // bms_bmsStatus.soh 97 %
    battery_temperature_celsius: 21, // bms_bmsStatus.temp
    battery_current_amperes: 10.807, // bms_bmsStatus.amp +10807 mA (charging)
    battery_voltage_volts: 53.976, // bms_bmsStatus.vol 53976 mV
    battery_power_watts: 583.318632, // 53.976 V × 10.807 A
    battery_cycles: 323,
    battery_time_to_full_seconds: 3000, // chgRemainTime 50 min; dsgRemainTime 5999 is the sentinel
    input_power_watts: 1170, // pd.wattsInSum
    output_power_watts: 489, // pd.wattsOutSum
    'port_input_power_watts{ac}': 299, // inv.inputWatts
    'port_input_power_watts{solar_1}': 447, // pd.pv1ChargeWatts
    'port_input_power_watts{solar_2}': 0, // pd.pv2ChargeWatts
    'port_output_power_watts{ac}': 0, // inv.outputWatts
    'port_output_power_watts{usb}': 0, // usb1 0 + usb2 0 + qcUsb1 0 + qcUsb2 0
    'port_output_power_watts{usb_c}': 0, // typec1 0 + typec2 0
    'port_output_power_watts{car}': 0, // mppt.carOutWatts 0
    ac_input_voltage_volts: 233.677, // inv.acInVol 233677 mV
    ac_output_voltage_volts: 0, // inv.invOutVol
    ac_input_frequency_hertz: 50, // inv.acInFreq
    // AC sides idle: 0 Hz is not a frequency (AC_FREQUENCY), so no frequency series.
    // pd.XT150Watts1 489 / XT150Watts2 −425 and mppt.pv2* are present but unmapped.
  });
});

test('DELTA 2 Max: discharging, fallback keys, sentinels and unmapped keys', () => {
  const values = unifiedValues(
    delta2Max,
    quotaMap({
      'pd.soc': 64, // the only SoC key: the last fallback
      'bms_bmsStatus.soh': 0, // 0 next to a healthy pack is no reading
      'bms_bmsStatus.vol': 51200,
      'bms_bmsStatus.amp': -4500,
      'bms_emsStatus.chgRemainTime': 5999,
      'bms_emsStatus.dsgRemainTime': 95,
      'mppt.inWatts': 212, // pd.pv1ChargeWatts absent: mppt.inWatts stands in
      'pd.pv2ChargeWatts': 180,
      'mppt.pv2InWatts': 1800, // disputed unit: no series
      'pd.XT150Watts1': -300, // disputed sign: no series
      'pd.carWatts': 40, // disputed unit: no series
      'inv.outputWatts': 620,
      'pd.typec1Watts': 45,
      'pd.typec2Watts': 20,
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.64,
    battery_voltage_volts: 51.2,
    battery_current_amperes: -4.5,
    battery_power_watts: -230.4, // 51.2 V × −4.5 A: − discharging
    battery_time_to_empty_seconds: 5700, // 95 min
    'port_input_power_watts{solar_1}': 212,
    'port_input_power_watts{solar_2}': 180,
    'port_output_power_watts{ac}': 620,
    'port_output_power_watts{usb_c}': 65, // 45 + 20
  });
});

test('DELTA 2 Max: found by key shape, not mistaken for DELTA 2 or RIVER 2, firmware decoded', () => {
  const unnamed = { sn: '', productName: '' };
  const families = [delta2, river2, delta2Max];
  assert.equal(detectFamily(unnamed, payloadQuotas('delta2max'), families), delta2Max);
  assert.equal(detectFamily(unnamed, payloadQuotas('delta2'), [delta2Max]), undefined);
  assert.equal(detectFamily(unnamed, payloadQuotas('river2max'), [delta2Max]), undefined);
  assert.equal(detectFamily({ sn: 'R351ZEB4HF3A0115', productName: '' }, new Map(), families), delta2Max);
  assert.equal(detectFamily({ sn: 'X', productName: 'DELTA 2 Max' }, new Map(), families), delta2Max);
  // pd.sysVer 16975442 = 0x01030652
  assert.equal(firmwareOf(delta2Max, payloadQuotas('delta2max')), '1.3.6.82');
});
