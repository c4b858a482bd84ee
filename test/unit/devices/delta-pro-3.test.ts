import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaPro3 } from '../../../src/devices/delta-pro-3.js';
import { quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA Pro 3: the DOC quota/all keys give these unified values', () => {
  // A synthetic quota/all built from the DOC key list (Olli0103/ecoflow API/DeltaPro3.md):
  // discharging into AC loads while the HV PV input charges a little.
  const values = unifiedValues(
    deltaPro3,
    quotaMap({
      cmsBattSoc: 62.25,
      bmsBattSoc: 70.5, // main pack: not the overall SoC
      bmsBattSoh: 99,
      bmsMaxCellTemp: 29,
      bmsMinCellTemp: 25,
      cmsChgRemTime: 5999,
      cmsDsgRemTime: 410,
      bmsChgRemTime: 100, // main pack: unmapped
      powInSumW: 510.5,
      powOutSumW: 1210.75,
      powGetAcIn: 0,
      powGetPvH: 500.5,
      powGetPvL: 10,
      powGetQcusb1: -6,
      powGetQcusb2: -9,
      powGetTypec1: -45.5,
      powGetTypec2: 0,
      powGet12v: -24,
      powGet24v: -60.25,
      powGetAc: -1050, // AC outputs: unmapped (total vs parts unconfirmed)
      powGetAcHvOut: -1050,
      powGetAcLvOut: 0,
      powGetAcLvTt30Out: 0,
      powGet4p81: 120, // extra battery: unmapped
      plugInInfoAcInFeq: 60,
      acOutFreq: 60, // a setting: unmapped
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.6225,
    battery_soh_ratio: 0.99,
    battery_temperature_celsius: 29,
    battery_time_to_empty_seconds: 24600, // 410 min
    input_power_watts: 510.5,
    output_power_watts: 1210.75,
    'port_input_power_watts{ac}': 0,
    'port_input_power_watts{solar_hv}': 500.5,
    'port_input_power_watts{solar_lv}': 10,
    'port_output_power_watts{usb}': 15, // 6 + 9
    'port_output_power_watts{usb_c}': 45.5,
    'port_output_power_watts{car}': 24,
    'port_output_power_watts{dc}': 60.25,
    ac_input_frequency_hertz: 60,
  });
});

test('DELTA Pro 3: SoH falls back to cmsBattSoh; SoH 0 and SoC 999 give no series', () => {
  assert.deepEqual(unifiedValues(deltaPro3, quotaMap({ cmsBattSoh: 96 })), { battery_soh_ratio: 0.96 });
  assert.deepEqual(unifiedValues(deltaPro3, quotaMap({ bmsBattSoh: 0, cmsBattSoc: 999 })), {});
});
