import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaMax } from '../../../src/devices/delta-max.js';
import { deltaPro } from '../../../src/devices/delta-pro.js';
import { firmwareOf } from '../../../src/devices/detect-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { readLifetime } from '../../../src/energy/quota-readings.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('DELTA Max: the real capture (with an extra battery) gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/deltamax.json (FOX test/data2/deltamax.json):
  // charging both packs from 309 W of PV; pd.wattsOutSum 116 is what the extra battery takes.
  assert.deepEqual(unifiedValues(deltaMax, payloadQuotas('deltamax')), {
    battery_soc_ratio: 0.37211735, // ems.f32LcdShowSoc: both packs (main 39 %, extra 35 %)
    battery_soh_ratio: 1, // bmsMaster.soh 100 %
    battery_temperature_celsius: 19, // bmsMaster.temp
    battery_voltage_volts: 51.867, // bmsMaster.vol 51867 mV
    battery_current_amperes: 3.114, // bmsMaster.amp +3114 mA
    battery_power_watts: 161.513838, // 51.867 V × 3.114 A, the main pack
    battery_cycles: 64,
    // ems.chgRemainTime 5172 and ems.dsgRemainTime 5999 are beyond 5000: no remaining-time series.
    input_power_watts: 309, // pd.wattsInSum
    output_power_watts: 116, // pd.wattsOutSum
    'port_input_power_watts{ac}': 0,
    'port_input_power_watts{solar}': 309.2, // mppt.inWatts 3092 × 0.1 W = 65.8 V × 4.70 A
    'port_output_power_watts{ac}': 0,
    'port_output_power_watts{usb}': 0,
    'port_output_power_watts{usb_c}': 0,
    'port_output_power_watts{car}': 0,
    // No dc port: the Anderson output (mppt.dcdc12vWatts) is the DELTA Pro's alone.
    ac_input_voltage_volts: 0,
    ac_output_voltage_volts: 0,
  });
});

test('DELTA Max: its own name, serial prefix and key shape; a DELTA Pro stays a DELTA Pro', () => {
  const none = quotaMap({});
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'DELTA Max' }, none, FAMILIES)?.id, 'delta_max');
  assert.equal(detectFamily({ sn: 'DAEBZ5ZE5091430', productName: '' }, none, FAMILIES)?.id, 'delta_max');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('deltamax'), FAMILIES)?.id, 'delta_max');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('deltapro'), FAMILIES)?.id, 'delta_pro');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'DELTA Pro' }, none, FAMILIES)?.id, 'delta_pro');
  assert.equal(firmwareOf(deltaMax, payloadQuotas('deltamax')), '1.5.6.22');
});

test("DELTA Max: the DELTA Pro's lifetime counters in Wh, with the DELTA Max's own ratings", () => {
  const q = payloadQuotas('deltamax');
  const joules = Object.fromEntries(
    deltaMax.energy.rows.map((row) => [`${row.metric}/${row.port}`, row.kind === 'lifetime' ? readLifetime(row, q)?.joules : undefined]),
  );
  assert.deepEqual(joules, {
    'portInputEnergy/ac': 115_627 * 3600, // pd.chgPowerAc Wh
    'portOutputEnergy/ac': 41_323 * 3600, // pd.dsgPowerAc Wh
    'portInputEnergy/solar': 129_769 * 3600, // pd.chgSunPower Wh
  });
  const ratings = deltaMax.energy.rows.map((r) => r.rating.watts);
  assert.deepEqual(ratings, [2200, 3000, 800]);
  // Below the DELTA Pro's: a reading the DELTA Pro could make is too fast for a DELTA Max.
  assert.ok(deltaMax.energy.ratedPowerW < deltaPro.energy.ratedPowerW);
});
