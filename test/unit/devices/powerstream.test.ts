import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerstream } from '../../../src/devices/powerstream.js';
import { smartPlug } from '../../../src/devices/smart-plug.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('PowerStream: the real capture gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/powerstream.json (rustyy/ecoflow-api fixture):
  // battery discharging, PV 21 W + battery 150 W = 171 W to the house.
  assert.deepEqual(unifiedValues(powerstream, payloadQuotas('powerstream')), {
    battery_soc_ratio: 0.47, // 20_1.batSoc 47 %
    battery_temperature_celsius: 31, // batTemp 310 × 0.1 °C
    battery_voltage_volts: 52.3, // batInputVolt 523 × 0.1 V
    battery_power_watts: -150, // batInputWatts 1500 × 0.1 W, + = discharging on this model: −150
    // chgRemainTime 5939 is the "not charging" sentinel: no time-to-full series.
    battery_time_to_empty_seconds: 10440, // dsgRemainTime 174 min × 60
    input_power_watts: 21, // pvToInvWatts 210 × 0.1 (= pv1 90 + pv2 120)
    output_power_watts: 171, // invOutputWatts 1710 × 0.1
    'port_input_power_watts{solar_1}': 9, // pv1InputWatts 90 × 0.1
    'port_input_power_watts{solar_2}': 12, // pv2InputWatts 120 × 0.1
    'port_output_power_watts{ac}': 171, // invOutputWatts 1710 × 0.1
    ac_output_voltage_volts: 0, // invOpVolt 0 in this capture (a quirk of it: 171 W flowed)
    ac_output_frequency_hertz: 49.9, // invFreq 499 × 0.1 Hz
  });
});

test('PowerStream: charging the battery from PV, sentinels and missing keys', () => {
  const values = unifiedValues(
    powerstream,
    quotaMap({
      '20_1.batSoc': 80,
      '20_1.batInputVolt': 525, // a battery is connected
      '20_1.batInputWatts': -2345, // − = charging on this model
      '20_1.chgRemainTime': 95,
      '20_1.dsgRemainTime': 5999, // "not discharging" sentinel
      '20_1.pvToInvWatts': 3001,
      '20_1.pv1InputWatts': 3001,
      // pv2InputWatts, invOutputWatts, invOpVolt, invFreq, batTemp absent: no series
      '20_1.batInputCur': 47, // unit unconfirmed: never a series
      '20_1.gridConsWatts': -500, // not mapped to grid power
      '20_1.permanentWatts': 1000, // a setting, not a load
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.8,
    battery_voltage_volts: 52.5, // 525 × 0.1 V
    battery_power_watts: 234.5, // −2345 × 0.1 × −1
    battery_time_to_full_seconds: 5700, // 95 min
    input_power_watts: 300.1, // 3001 × 0.1
    'port_input_power_watts{solar_1}': 300.1,
  });
});

test('PowerStream: its key shape is not mistaken for a Smart Plug and vice versa', () => {
  const anonymous = { sn: '', productName: '' };
  assert.equal(detectFamily(anonymous, payloadQuotas('powerstream'), [smartPlug, powerstream]), powerstream);
  assert.equal(detectFamily(anonymous, payloadQuotas('smartplug'), [powerstream]), undefined);
  assert.equal(detectFamily({ sn: 'HW51ZEH4SF5H0990', productName: '' }, new Map(), [smartPlug, powerstream]), powerstream);
  assert.equal(detectFamily({ sn: 'X', productName: 'PowerStream' }, new Map(), [smartPlug, powerstream]), powerstream);
});

test('PowerStream on PV alone: the battery keys read 0 and give no battery series', () => {
  const values = unifiedValues(
    powerstream,
    quotaMap({
      '20_1.batSoc': 0,
      '20_1.batInputVolt': 0,
      '20_1.batInputWatts': 0,
      '20_1.batTemp': 0,
      '20_1.pv1InputWatts': 3100,
      '20_1.pvToInvWatts': 3100,
      '20_1.invOutputWatts': 2950,
    }),
  );
  assert.deepEqual(values, {
    input_power_watts: 310, // pvToInvWatts 3100 × 0.1 W
    output_power_watts: 295, // invOutputWatts 2950 × 0.1 W
    'port_input_power_watts{solar_1}': 310,
    'port_output_power_watts{ac}': 295,
  });
});
