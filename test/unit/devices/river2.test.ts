import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta2 } from '../../../src/devices/delta2.js';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { river2 } from '../../../src/devices/river2.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('RIVER 2 Max: the real dump gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/river2max.json (tolwi diag/river_2_max.json): idle
  // on AC, 35 %.
  assert.deepEqual(unifiedValues(river2, payloadQuotas('river2max')), {
    battery_soc_ratio: 0.35, // bms_emsStatus.f32LcdShowSoc 35 %
    // bms_bmsStatus.soh 0: no series.
    battery_temperature_celsius: 25, // bms_bmsStatus.temp
    battery_current_amperes: 0, // bms_bmsStatus.amp 0 mA
    battery_voltage_volts: 26, // bms_bmsStatus.vol 26, in V on this family
    battery_power_watts: 0, // 26 V × 0 A
    battery_cycles: 11,
    // chgRemainTime and dsgRemainTime are both the 5999 sentinel: no time series.
    input_power_watts: 0,
    output_power_watts: 0,
    'port_input_power_watts{ac}': 0, // inv.inputWatts
    'port_input_power_watts{solar}': 0, // mppt.inWatts
    'port_output_power_watts{ac}': 0,
    'port_output_power_watts{usb}': 0,
    'port_output_power_watts{usb_c}': 0,
    'port_output_power_watts{car}': 0, // mppt.carOutWatts
    ac_input_voltage_volts: 227.686, // inv.acInVol 227686 mV
    ac_output_voltage_volts: 227.491, // inv.invOutVol 227491 mV
    ac_input_frequency_hertz: 50,
    ac_output_frequency_hertz: 50,
  });
});

test('RIVER 2: discharging with the pack voltage in volts', () => {
  const values = unifiedValues(
    river2,
    quotaMap({
      'bms_emsStatus.lcdShowSoc': 58, // the integer key stands in when the float one is absent
      'bms_bmsStatus.soh': 100,
      'bms_bmsStatus.vol': 27, // V, not mV
      'bms_bmsStatus.amp': -5000,
      'bms_emsStatus.chgRemainTime': 5939,
      'bms_emsStatus.dsgRemainTime': 120,
      'inv.outputWatts': 125,
      'pd.typecChaWatts': 60, // unconfirmed unit: no series
      'pd.usb1Watts': 4,
      'pd.qcUsb1Watts': 9,
      'mppt.carOutWatts': 365,
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.58,
    battery_soh_ratio: 1,
    battery_voltage_volts: 27,
    battery_current_amperes: -5,
    battery_power_watts: -135, // 27 V × −5 A
    battery_time_to_empty_seconds: 7200,
    'port_output_power_watts{ac}': 125,
    'port_output_power_watts{usb}': 13, // 4 + 9
    'port_output_power_watts{car}': 36.5, // 0.1 W
  });
});

test('RIVER 2: told from DELTA 2 by the pack voltage, by name and serial number', () => {
  const unnamed = { sn: '', productName: '' };
  assert.equal(detectFamily(unnamed, payloadQuotas('river2max'), [delta2, river2]), river2);
  assert.equal(detectFamily(unnamed, payloadQuotas('delta2'), [river2]), undefined);
  assert.equal(detectFamily(unnamed, payloadQuotas('delta2max'), [river2]), undefined);
  // vol 0 (pack asleep) says nothing either way.
  assert.equal(
    detectFamily(unnamed, quotaMap({ 'bms_emsStatus.lcdShowSoc': 1, 'inv.invOutVol': 0, 'mppt.inWatts': 0, 'pd.wattsOutSum': 0, 'bms_bmsStatus.vol': 0 }), [
      river2,
    ]),
    undefined,
  );
  for (const name of ['RIVER 2', 'river 2 max', 'RIVER 2 Pro']) {
    assert.equal(detectFamily({ sn: '', productName: name }, new Map(), [delta2, river2]), river2, name);
  }
  assert.equal(detectFamily({ sn: 'R621ZXXX', productName: '' }, new Map(), [delta2, river2]), river2);
  // pd.sysVer 33620506 = 0x0201021A
  assert.equal(firmwareOf(river2, payloadQuotas('river2max')), '2.1.2.26');
});
