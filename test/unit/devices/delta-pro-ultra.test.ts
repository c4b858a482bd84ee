import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaProUltra } from '../../../src/devices/delta-pro-ultra.js';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

const SHOW = 'hs_yj751_pd_appshow_addr';
const BACKEND = 'hs_yj751_pd_backend_addr';
const PACK1 = 'hs_yj751_bms_slave_addr.1';

test('DELTA Pro Ultra: the payload built from the docs gives these unified values', () => {
  // src/simulator/payloads/deltaproultra.json is DOC's key list with zeros: every port reads 0,
  // and it has no soc, remainTime, battery or pack keys, so those give no series.
  assert.deepEqual(unifiedValues(deltaProUltra, payloadQuotas('deltaproultra')), {
    input_power_watts: 0,
    output_power_watts: 0,
    'port_input_power_watts{ac}': 0, // inAcC20Pwr
    'port_input_power_watts{power_in_out}': 0, // inAc5p8Pwr
    'port_input_power_watts{solar_hv}': 0,
    'port_input_power_watts{solar_lv}': 0,
    'port_output_power_watts{ac}': 0, // L11 + L12 + L21 + L22 + L14 + TT-30
    'port_output_power_watts{power_in_out}': 0, // outAc5p8Pwr
    'port_output_power_watts{usb}': 0,
    'port_output_power_watts{usb_c}': 0,
    'port_output_power_watts{dc}': 0, // outAdsPwr
    ac_input_voltage_volts: 0, // inAcC20Vol
    ac_output_voltage_volts: 0, // outAcL21Vol
  });
});

test('DELTA Pro Ultra: a unit on AC and PV, discharging into its outlets', () => {
  const values = unifiedValues(
    deltaProUltra,
    quotaMap({
      [`${SHOW}.soc`]: 57,
      [`${SHOW}.remainTime`]: 447, // sign unconfirmed: no series
      [`${SHOW}.wattsInSum`]: 1523.5,
      [`${SHOW}.wattsOutSum`]: 812.25,
      [`${SHOW}.inAcC20Pwr`]: 1200.5,
      [`${SHOW}.inAc5p8Pwr`]: 0,
      [`${SHOW}.inHvMpptPwr`]: 250.25,
      [`${SHOW}.inLvMpptPwr`]: 72.75,
      [`${SHOW}.outAcL11Pwr`]: 100,
      [`${SHOW}.outAcL12Pwr`]: 50.5,
      [`${SHOW}.outAcL21Pwr`]: 0,
      [`${SHOW}.outAcL22Pwr`]: 20,
      [`${SHOW}.outAcL14Pwr`]: 300,
      [`${SHOW}.outAcTtPwr`]: 119,
      [`${SHOW}.outAc5p8Pwr`]: 60,
      [`${SHOW}.outPrPwr`]: 999, // parallel box: no port, no series
      [`${SHOW}.outUsb1Pwr`]: 5,
      [`${SHOW}.outUsb2Pwr`]: 7.5,
      [`${SHOW}.outTypec1Pwr`]: 30,
      [`${SHOW}.outTypec2Pwr`]: 15.25,
      [`${SHOW}.outAdsPwr`]: 100,
      [`${BACKEND}.inAcC20Vol`]: 230.4,
      [`${BACKEND}.inAc5p8Vol`]: 240.8, // Power In/Out port: not the AC input voltage
      [`${BACKEND}.outAcL21Vol`]: 120.1,
      [`${BACKEND}.outAcL11Pf`]: 60, // frequency or power factor: no series
      [`${BACKEND}.batVol`]: 104.277,
      [`${BACKEND}.batAmp`]: 0.235, // under-reads: no series
      [`${BACKEND}.bmsInputWatts`]: 0,
      [`${BACKEND}.bmsOutputWatts`]: 329,
      [`${PACK1}.soh`]: 98,
      [`${PACK1}.cycles`]: 12,
      [`${PACK1}.temp`]: 22,
      'hs_yj751_bms_slave_addr.2.soh': 90, // pack 2: not the main pack
    }),
  );
  assert.deepEqual(values, {
    battery_soc_ratio: 0.57,
    battery_soh_ratio: 0.98,
    battery_temperature_celsius: 22,
    battery_cycles: 12,
    battery_voltage_volts: 104.277,
    battery_power_watts: -329, // in 0 − out 329: − discharging
    input_power_watts: 1523.5,
    output_power_watts: 812.25,
    'port_input_power_watts{ac}': 1200.5,
    'port_input_power_watts{power_in_out}': 0,
    'port_input_power_watts{solar_hv}': 250.25,
    'port_input_power_watts{solar_lv}': 72.75,
    'port_output_power_watts{ac}': 589.5, // 100 + 50.5 + 0 + 20 + 300 + 119
    'port_output_power_watts{power_in_out}': 60,
    'port_output_power_watts{usb}': 12.5, // 5 + 7.5
    'port_output_power_watts{usb_c}': 45.25, // 30 + 15.25
    'port_output_power_watts{dc}': 100,
    ac_input_voltage_volts: 230.4,
    ac_output_voltage_volts: 120.1,
  });
});

test('DELTA Pro Ultra: charging, and readings out of range', () => {
  const values = unifiedValues(
    deltaProUltra,
    quotaMap({
      [`${SHOW}.soc`]: 101, // not a SoC: no series
      [`${BACKEND}.bmsInputWatts`]: 412,
      [`${BACKEND}.bmsOutputWatts`]: 0,
      [`${PACK1}.soh`]: 0, // 0 is no reading
    }),
  );
  assert.deepEqual(values, { battery_power_watts: 412 });
});

test('DELTA Pro Ultra: found by key shape, name and serial number; no firmware key', () => {
  const unnamed = { sn: '', productName: '' };
  assert.equal(detectFamily(unnamed, payloadQuotas('deltaproultra'), [deltaProUltra]), deltaProUltra);
  for (const other of ['delta2', 'delta2max', 'river2max', 'deltapro']) {
    assert.equal(detectFamily(unnamed, payloadQuotas(other), [deltaProUltra]), undefined, other);
  }
  assert.equal(detectFamily({ sn: 'Y711ZAB4SFAU0069', productName: '' }, new Map(), [deltaProUltra]), deltaProUltra);
  assert.equal(detectFamily({ sn: '', productName: 'delta pro ultra' }, new Map(), [deltaProUltra]), deltaProUltra);
  assert.equal(firmwareOf(deltaProUltra, payloadQuotas('deltaproultra')), undefined);
});
