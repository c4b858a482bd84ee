import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stream } from '../../../src/devices/stream.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('STREAM: the sample values give these unified values', () => {
  // Hand-computed from src/simulator/payloads/stream_ac.json (values from tolwi stream_ac.py): one
  // unit of a two-unit system, charging its pack from the system's PV while exporting 135 W.
  assert.deepEqual(unifiedValues(stream, payloadQuotas('stream_ac')), {
    battery_soc_ratio: 0.43, // cmsBattSoc 43.0 % (system; this unit's pack: 46)
    battery_soh_ratio: 1, // bmsBattSoh 100.0 %
    battery_temperature_celsius: 35, // temp
    battery_voltage_volts: 20.161, // vol 20161 mV
    battery_current_amperes: 44.671, // amp +44671 mA, charging
    battery_power_watts: 900.612031, // 20161 × 44671 = 900 612 031 (mV·mA) → W; inputWatts 900
    battery_cycles: 1,
    battery_time_to_full_seconds: 5280, // cmsChgRemTime 88 min
    // cmsDsgRemTime 5939: sentinel, no time-to-empty series.
    grid_power_watts: -135, // powGetSysGrid: exporting
    load_power_watts: 0, // powGetSysLoad 0.0
    'port_input_power_watts{solar_1}': 0, // powGetPv … powGetPv4 all 0.0: this unit has no PV
    'port_input_power_watts{solar_2}': 0,
    'port_input_power_watts{solar_3}': 0,
    'port_input_power_watts{solar_4}': 0,
    'port_output_power_watts{ac}': 18.654325, // powGetSchuko1 0.0 + powGetSchuko2 18.654325
    ac_input_voltage_volts: 235.34576, // gridConnectionVol
    ac_input_frequency_hertz: 49.974655, // gridConnectionFreq
  });
});

test('STREAM: discharging into the house while importing; sentinels and a stale SoC give no series', () => {
  const values = unifiedValues(
    stream,
    quotaMap({
      cmsBattSoc: 0, // what REST quota/all reports constantly (evcc): not a reading
      soh: 98, // bmsBattSoh absent: the BMS integer stands in
      vol: 19800,
      amp: -20000,
      cmsChgRemTime: 5939,
      cmsDsgRemTime: 90,
      powGetSysGrid: 210.5, // importing
      powGetSysLoad: 606.5,
      powGetPv: 0,
      powGetPv2: 12.5,
      powGetSchuko1: 100,
      powGetSchuko2: 0.5,
      powGetBpCms: -396, // unofficial: unmapped
      powGetPvSum: 12.5, // system total: unmapped
    }),
  );
  assert.deepEqual(values, {
    battery_soh_ratio: 0.98,
    battery_voltage_volts: 19.8,
    battery_current_amperes: -20,
    battery_power_watts: -396, // 19.8 V × −20 A
    battery_time_to_empty_seconds: 5400,
    grid_power_watts: 210.5,
    load_power_watts: 606.5,
    'port_input_power_watts{solar_1}': 0,
    'port_input_power_watts{solar_2}': 12.5,
    'port_output_power_watts{ac}': 100.5,
  });
});

test('STREAM: a voltage without a current gives no battery power', () => {
  assert.deepEqual(unifiedValues(stream, quotaMap({ vol: 20000, cmsBattSoc: 55.5 })), { battery_voltage_volts: 20, battery_soc_ratio: 0.555 });
});

test('STREAM: detected by name, serial number or the grid-port keys (microinverter too)', () => {
  const none = quotaMap({});
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Stream AC Pro' }, none, [stream])?.id, 'stream');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'STREAM Microinverter' }, none, [stream])?.id, 'stream');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Stream AC 5000' }, none, [stream]), undefined);
  assert.equal(detectFamily({ sn: 'BK61ZZZZ', productName: '' }, none, [stream])?.id, 'stream');
  assert.equal(detectFamily({ sn: 'ES22ZZZZ', productName: '' }, none, [stream]), undefined);
  const micro = quotaMap({ gridConnectionPower: -310.5, gridConnectionVol: 231.2, gridConnectionFreq: 50.01, powGetPv: 160, powGetPv2: 155 });
  assert.equal(detectFamily({ sn: '', productName: '' }, micro, [stream])?.id, 'stream');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('stream_ac'), [stream])?.id, 'stream');
});
