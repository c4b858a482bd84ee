import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta3 } from '../../../src/devices/delta3.js';
import { deltaPro3 } from '../../../src/devices/delta-pro-3.js';
import { stream } from '../../../src/devices/stream.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA 3: the real dump gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/delta3.json (tolwi diag, app MQTT): AC charging at
  // ~699 W while ~196 W goes out on AC, SoC 98 %. No cms* keys, no PV or USB keys in this dump.
  assert.deepEqual(unifiedValues(delta3, payloadQuotas('delta3')), {
    battery_soc_ratio: 0.97955, // v1p0.f32LcdShowSoc 97.955 % (cmsBattSoc absent)
    battery_soh_ratio: 1, // soh 100 % (bmsBattSoh absent)
    battery_temperature_celsius: 32, // temp (bmsMaxCellTemp absent)
    battery_voltage_volts: 54.1, // vol 54100 mV
    battery_current_amperes: 8.035, // amp +8035 mA, charging
    battery_power_watts: 434.6935, // 54.1 V × 8.035 A (BMS inputWatts says 434)
    battery_cycles: 3,
    battery_time_to_full_seconds: 120, // v1p0.chgRemainTime 2 min
    // v1p0.dsgRemainTime 5939 is the "not discharging" sentinel: no series.
    input_power_watts: 699, // powInSumW 699.0
    output_power_watts: 196, // powOutSumW 196.0
    'port_input_power_watts{ac}': 696.1933, // powGetAcIn
    'port_output_power_watts{ac}': 194.60892, // powGetAcOut −194.60892, magnitude
  });
});

test('DELTA 3: quota/all names win over the heartbeat fallbacks; outputs are magnitudes', () => {
  const values = unifiedValues(
    delta3,
    quotaMap({
      cmsBattSoc: 41.5,
      'v1p0.f32LcdShowSoc': 99, // ignored: cmsBattSoc is present
      bmsBattSoh: 97.5,
      bmsMaxCellTemp: 27,
      temp: 40, // ignored: bmsMaxCellTemp is present
      vol: 52000,
      amp: -3500, // discharging
      cmsChgRemTime: 5999, // sentinel
      cmsDsgRemTime: 245,
      powInSumW: 120.5,
      powOutSumW: 302.25,
      powGetPv: 120.5,
      powGetPv2: 0,
      powGetAcOut: -250,
      powGetQcusb1: -5.5,
      powGetQcusb2: 4.5, // a positive reading stays positive
      powGetTypec1: -30,
      powGetTypec3: -12.25,
      powGet12v: -0.5,
      powGet5p8: -300, // bidirectional, sign unconfirmed: unmapped
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.415,
    battery_soh_ratio: 0.975,
    battery_temperature_celsius: 27,
    battery_voltage_volts: 52,
    battery_current_amperes: -3.5,
    battery_power_watts: -182, // 52 V × −3.5 A: discharging
    // cmsChgRemTime 5999 out of range: no time-to-full series.
    battery_time_to_empty_seconds: 14700, // 245 min
    input_power_watts: 120.5,
    output_power_watts: 302.25,
    'port_input_power_watts{solar_1}': 120.5,
    'port_input_power_watts{solar_2}': 0,
    'port_output_power_watts{ac}': 250,
    'port_output_power_watts{usb}': 10, // 5.5 + 4.5
    'port_output_power_watts{usb_c}': 42.25, // 30 + 12.25 (typec2 absent: adds nothing)
    'port_output_power_watts{car}': 0.5,
  });
});

test('DELTA 3: a key that is absent gives no series, a present 0 gives 0', () => {
  assert.deepEqual(unifiedValues(delta3, quotaMap({ powInSumW: 0, vol: 52000 })), { input_power_watts: 0, battery_voltage_volts: 52 });
});

test('DELTA 3 and DELTA Pro 3 tell each other and STREAM apart by key shape, in either order', () => {
  const unnamed = { sn: '', productName: '' };
  const dpro3 = quotaMap({ cmsBattSoc: 50, powInSumW: 0, powOutSumW: 0, powGetAcIn: 0, powGetPvH: 0, powGetPvL: 0 });
  for (const families of [
    [delta3, deltaPro3, stream],
    [deltaPro3, delta3, stream],
    [stream, delta3, deltaPro3],
  ]) {
    assert.equal(detectFamily(unnamed, payloadQuotas('delta3'), families)?.id, 'delta3');
    assert.equal(detectFamily(unnamed, dpro3, families)?.id, 'delta_pro_3');
    assert.equal(detectFamily(unnamed, payloadQuotas('stream_ac'), families)?.id, 'stream');
  }
  // A DELTA 3 Plus / Max quota/all with its two PV inputs.
  const d3plus = quotaMap({ cmsBattSoc: 50, powInSumW: 0, powOutSumW: 0, powGetAcIn: 0, powGetPv: 0, powGetPv2: 0 });
  assert.equal(detectFamily(unnamed, d3plus, [deltaPro3, delta3])?.id, 'delta3');
});

test('DELTA 3 and DELTA Pro 3: by productName and serial number', () => {
  const none = quotaMap({});
  const families = [delta3, deltaPro3];
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'DELTA 3 Plus' }, none, families)?.id, 'delta3');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Delta Pro 3' }, none, families)?.id, 'delta_pro_3');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'DELTA 3 1500' }, none, families), undefined);
  assert.equal(detectFamily({ sn: 'P231ZZZZ', productName: '' }, none, families)?.id, 'delta3');
  assert.equal(detectFamily({ sn: 'D3M1ZZZZ', productName: '' }, none, families)?.id, 'delta3');
  assert.equal(detectFamily({ sn: 'MR51ZAS2PG330026', productName: '' }, none, families)?.id, 'delta_pro_3');
});
