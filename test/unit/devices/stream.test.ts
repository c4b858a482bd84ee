import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stream } from '../../../src/devices/stream.js';
import { FAMILIES } from '../../../src/devices/families.js';
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

test('STREAM: discharging into the house while importing; sentinels give no series', () => {
  const values = unifiedValues(
    stream,
    quotaMap({
      cmsBattSoc: 21.5,
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
    battery_soc_ratio: 0.215,
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

test('STREAM: detected by name, serial number (the real device list has no product name) or the REST keys every unit answers', () => {
  const none = quotaMap({});
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Stream AC Pro' }, none, FAMILIES)?.id, 'stream');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Stream AC 5000' }, none, FAMILIES), undefined);
  for (const sn of ['BK61ZZZZ', 'BK11XXXXXXXXXX02', 'BK31XXXXXXXXXX07']) assert.equal(detectFamily({ sn, productName: '' }, none, FAMILIES)?.id, 'stream', sn);
  assert.equal(detectFamily({ sn: 'ES22ZZZZ', productName: '' }, none, FAMILIES), undefined);
  // The microinverter is not a STREAM battery unit: its own table, by name, serial or keys.
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'STREAM Microinverter' }, none, FAMILIES)?.id, 'stream_microinverter');
  assert.equal(detectFamily({ sn: 'BK01ZZZZ', productName: '' }, none, FAMILIES)?.id, 'stream_microinverter');
  // A REST answer of a unit that is not the system's master: its 15 keys, and nothing else.
  const rest = quotaMap({ cmsBattSoc: 0, gridConnectionPower: 0, powGetSysGrid: 0, powGetSysLoad: 0, powGetBpCms: 0, powGetPvSum: 0, feedGridMode: 1 });
  assert.equal(detectFamily({ sn: '', productName: '' }, rest, FAMILIES)?.id, 'stream');
  for (const name of ['stream_ac', 'stream_ultra', 'stream_ac_pro'])
    assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas(name), FAMILIES)?.id, 'stream', name);
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('stream_microinverter'), FAMILIES)?.id, 'stream_microinverter');
});

test('STREAM Ultra, the system master, on its real capture (EFSDK, at night): the system, its pack, no PV', () => {
  assert.deepEqual(unifiedValues(stream, payloadQuotas('stream_ultra')), {
    battery_soc_ratio: 0.13, // cmsBattSoc 13.0 (the unit's own pack: soc 13, f32ShowSoc 12.77)
    battery_soh_ratio: 1, // soh 100 (bmsBattSoh absent)
    battery_temperature_celsius: 25, // temp, as cellTemp [25, 24]
    battery_voltage_volts: 19.251, // vol 19251 mV = the six cellVol added up
    battery_current_amperes: -0.154, // amp −154 mA
    battery_power_watts: -2.964654, // 19.251 V × −0.154 A; outputWatts 2
    battery_cycles: 308,
    battery_time_to_empty_seconds: 134460, // cmsDsgRemTime 2241 min
    grid_power_watts: 1144.962, // powGetSysGrid: the house imports (the Smart Meter's L1: 1148.4)
    load_power_watts: 1144.962, // powGetSysLoad = grid + battery 0 + PV 0
    'port_output_power_watts{ac}': 0, // powGetSchuko2 0.0 (powGetSchuko1 absent)
    ac_input_voltage_volts: 243.74815, // gridConnectionVol
  });
});

test('STREAM AC Pro, a unit that is not the master, on its real capture: its pack, and no system grid, load or SoC (its zeros are not readings)', () => {
  const values = unifiedValues(stream, payloadQuotas('stream_ac_pro'));
  assert.deepEqual(values, {
    // cmsBattSoc 0.0, powGetSysGrid 0.0, powGetSysLoad 0.0 over REST while the house imported 1.1 kW.
    battery_soh_ratio: 1,
    battery_temperature_celsius: 22,
    battery_voltage_volts: 19.242,
    battery_current_amperes: -0.145,
    battery_power_watts: -2.79009, // 19.242 V × −0.145 A
    battery_cycles: 286,
    battery_time_to_empty_seconds: 157380, // cmsDsgRemTime 2623 min
    ac_input_voltage_volts: 243.91718,
  });
});

test("STREAM: the packs' lifetime counters on the real captures are Wh, as their mAh counters say", () => {
  // accuChgEnergy / accuChgCap: 625 564 Wh / 30 819.1 Ah = 20.3 V, the 6-cell pack's charge voltage.
  for (const [name, chg, chgAh, dsg, dsgAh] of [
    ['stream_ultra', 625_564, 30_819.1, 591_527, 30_004.91],
    ['stream_ac_pro', 580_485, 28_600.573, 547_276, 27_841.541],
  ] as const) {
    const q = payloadQuotas(name);
    assert.equal(q.get('accuChgEnergy')?.value, chg);
    assert.equal(q.get('accuDsgEnergy')?.value, dsg);
    assert.equal(Number(q.get('accuChgCap')?.value) / 1000, chgAh);
    const chargeV = chg / chgAh;
    const dischargeV = dsg / dsgAh;
    assert.ok(chargeV > 19 && chargeV < 22 && dischargeV > 19 && dischargeV < 22, `${name}: ${chargeV} V, ${dischargeV} V`);
  }
});

test('STREAM: an exact 0 of the system grid is no reading, and the load needs one: the zeros of the other units and of the master’s error pushes', () => {
  // EFSDK 2026-09-28: the master pushed grid 0.0 and load 0.0 (error 348) while the meter read 7,796 W.
  assert.deepEqual(unifiedValues(stream, quotaMap({ cmsBattSoc: 94, powGetSysGrid: 0, powGetSysLoad: 0, gridConnectionVol: 240 })), {
    battery_soc_ratio: 0.94,
    ac_input_voltage_volts: 240,
  });
  // The master's pushes carry grid and load without the system SoC (REST only): still readings.
  assert.deepEqual(unifiedValues(stream, quotaMap({ powGetSysGrid: 1151, powGetSysLoad: 1121.316, powGetBpCms: 29.684 })), {
    grid_power_watts: 1151,
    load_power_watts: 1121.316,
  });
  // Exporting with PV while the house draws nothing (TOL's sample): a load of 0 beside a grid reading is one.
  assert.deepEqual(unifiedValues(stream, quotaMap({ powGetSysGrid: -135, powGetSysLoad: 0 })), { grid_power_watts: -135, load_power_watts: 0 });
});
