import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaPro } from '../../../src/devices/delta-pro.js';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA Pro: the real capture gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/deltapro.json (rustyy/ecoflow-api fixture): charging
  // from 296 W of PV while feeding extra battery 1 (bmsSlave1.inputWatts 114 = pd.wattsOutSum).
  assert.deepEqual(unifiedValues(deltaPro, payloadQuotas('deltapro')), {
    battery_soc_ratio: 0.53855263, // ems.f32LcdShowSoc 53.855263 %
    battery_soh_ratio: 1, // bmsMaster.soh 100 %
    battery_temperature_celsius: 28, // bmsMaster.temp
    battery_voltage_volts: 50.133, // bmsMaster.vol 50133 mV
    battery_current_amperes: 3.105, // bmsMaster.amp +3105 mA
    battery_power_watts: 155.662965, // 50.133 V × 3.105 A
    battery_cycles: 29,
    battery_time_to_full_seconds: 39600, // ems.chgRemainTime 660 min
    // ems.dsgRemainTime 12657 min is beyond 5000: no time-to-empty series.
    input_power_watts: 296, // pd.wattsInSum
    output_power_watts: 114, // pd.wattsOutSum
    'port_input_power_watts{ac}': 0, // inv.inputWatts
    'port_input_power_watts{solar}': 296, // mppt.inWatts 2960 × 0.1 W
    'port_output_power_watts{ac}': 0, // inv.outputWatts
    'port_output_power_watts{usb}': 0, // usb1 + usb2 + qcUsb1 + qcUsb2, all 0
    'port_output_power_watts{usb_c}': 0, // typec1 + typec2, both 0
    'port_output_power_watts{car}': 0, // mppt.carOutWatts
    'port_output_power_watts{dc}': 0, // mppt.dcdc12vWatts
    ac_input_voltage_volts: 0,
    ac_output_voltage_volts: 0,
    // AC sides idle: 0 Hz is not a frequency (AC_FREQUENCY), so no frequency series.
  });
});

test('DELTA Pro: discharging on AC, tenths on the mppt module, unreliable keys ignored', () => {
  const values = unifiedValues(
    deltaPro,
    quotaMap({
      'ems.lcdShowSoc': 71, // the integer key stands in when the float one is absent
      'bmsMaster.soh': 0, // 0 is no reading
      'bmsMaster.vol': 48000,
      'bmsMaster.amp': -25000,
      'bmsMaster.outputWatts': 0, // unreliable: not used
      'ems.chgRemainTime': 143999, // sentinel
      'ems.dsgRemainTime': 300,
      'pd.remainTime': 240, // sign unreliable: not used
      'inv.outputWatts': 1180,
      'inv.invOutVol': 120012,
      'inv.invOutFreq': 60,
      'mppt.inWatts': 1234, // 0.1 W
      'mppt.carOutWatts': 480, // 0.1 W
      'mppt.dcdc12vWatts': 1205, // 0.1 W
      'pd.carWatts': 48, // unconfirmed unit: no series
      'pd.usb2Watts': 6,
      'pd.qcUsb2Watts': 18,
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.71,
    battery_voltage_volts: 48,
    battery_current_amperes: -25,
    battery_power_watts: -1200, // 48 V × −25 A
    battery_time_to_empty_seconds: 18000,
    'port_input_power_watts{solar}': 123.4,
    'port_output_power_watts{ac}': 1180,
    'port_output_power_watts{car}': 48,
    'port_output_power_watts{dc}': 120.5,
    'port_output_power_watts{usb}': 24, // 6 + 18
    ac_output_voltage_volts: 120.012,
    ac_output_frequency_hertz: 60,
  });
});

test('DELTA Pro: found by key shape and by the DC… serial prefixes', () => {
  const unnamed = { sn: '', productName: '' };
  assert.equal(detectFamily(unnamed, payloadQuotas('deltapro'), [deltaPro]), deltaPro);
  for (const other of ['delta2', 'delta2max', 'river2max', 'deltaproultra']) {
    assert.equal(detectFamily(unnamed, payloadQuotas(other), [deltaPro]), undefined, other);
  }
  for (const sn of ['DCABZ8ZE4170001', 'DCEBZ5ZE1234567', 'DCJBZ1ABC000000']) {
    assert.equal(detectFamily({ sn, productName: '' }, new Map(), [deltaPro]), deltaPro, sn);
  }
  assert.equal(detectFamily({ sn: 'DXAB000', productName: 'DELTA Pro Ultra' }, new Map(), [deltaPro]), undefined);
  // pd.sysVer 16908436 = 0x01020094
  assert.equal(firmwareOf(deltaPro, payloadQuotas('deltapro')), '1.2.0.148');
});
