import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smartPlug } from '../../../src/devices/smart-plug.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('Smart Plug: the real capture gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/smartplug.json (rustyy/ecoflow-api fixture).
  assert.deepEqual(unifiedValues(smartPlug, payloadQuotas('smartplug')), {
    load_power_watts: 1, // 2_1.watts 10 × 0.1 W
    output_power_watts: 1, // the same reading: the plug's only output
    'port_output_power_watts{ac}': 1,
    ac_input_voltage_volts: 228, // 2_1.volt 228 V
    ac_input_frequency_hertz: 50, // 2_1.freq 50 Hz
  });
});

test('Smart Plug: tenths of a watt, and absent keys give no series', () => {
  const values = unifiedValues(
    smartPlug,
    quotaMap({
      '2_1.watts': 1703, // 170.3 W (tolwi #286: app 17 W = raw 170)
      '2_1.volt': 'not a number', // not numeric: no series
      '2_1.current': 742, // no unified AC-current metric
      '2_1.temp': 35, // no unified device-temperature metric
    }),
  );
  assert.deepEqual(values, {
    load_power_watts: 170.3,
    output_power_watts: 170.3,
    'port_output_power_watts{ac}': 170.3,
  });
});

test('Smart Plug: found by shape, serial number and product name', () => {
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('smartplug'), [smartPlug]), smartPlug);
  // A PowerStream quota carries empty `2_1` / `2_2` objects: they must not look like a plug.
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('powerstream'), [smartPlug]), undefined);
  assert.equal(detectFamily({ sn: 'hw52abc', productName: '' }, new Map(), [smartPlug]), smartPlug);
  assert.equal(detectFamily({ sn: 'X', productName: ' smart plug ' }, new Map(), [smartPlug]), smartPlug);
});
