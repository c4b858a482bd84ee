import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamMicroinverter } from '../../../src/devices/stream-microinverter.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { isStreamOnlyModel } from '../../../src/devices/detect-family.js';
import { energyPlan } from '../../../src/energy/energy-plan.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('STREAM Microinverter: the decoded real messages give these unified values', () => {
  // Hand-computed from src/simulator/payloads/stream_microinverter.json (FOX test/data2/stream_inverter.json).
  assert.deepEqual(unifiedValues(streamMicroinverter, payloadQuotas('stream_microinverter')), {
    'port_input_power_watts{solar_1}': 99.28, // powGetPv
    'port_input_power_watts{solar_2}': 84.8, // powGetPv2
    output_power_watts: 184.1, // gridConnectionPower = 99.28 + 84.8, into the house
    'port_output_power_watts{ac}': 184.1,
    ac_output_voltage_volts: 232.631744385, // gridConnectionVol 232.63174438476562, rounded as unified values are
    ac_output_frequency_hertz: 50, // gridConnectionFreq
  });
});

test('STREAM Microinverter: no battery, no system: a push with only PV and its output gives only those', () => {
  // TOL issue #533, a real open-MQTT push.
  assert.deepEqual(unifiedValues(streamMicroinverter, quotaMap({ powGetPv: 214.6, gridConnectionPower: 214.6 })), {
    'port_input_power_watts{solar_1}': 214.6,
    output_power_watts: 214.6,
    'port_output_power_watts{ac}': 214.6,
  });
  // At night the grid side reads 0 Hz on no real dump, but an AC side that is off is no frequency.
  assert.deepEqual(unifiedValues(streamMicroinverter, quotaMap({ gridConnectionFreq: 0 })), {});
});

test('STREAM Microinverter: stream-only, recognised by its serial prefix before any value (the device list has no product name)', () => {
  assert.equal(isStreamOnlyModel({ sn: 'BK01ZZZZZZZZZZ01', productName: '' }, FAMILIES), true);
  assert.equal(isStreamOnlyModel({ sn: 'BK11ZZZZZZZZZZ01', productName: '' }, FAMILIES), false, 'a STREAM Ultra is read over REST');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'STREAM Microinverter (US)' }, quotaMap({}), FAMILIES)?.id, 'stream_microinverter');
});

test('STREAM Microinverter: its energy is integrated from PV and output power, bounded by a microinverter rating, not a house connection', () => {
  assert.equal(streamMicroinverter.energy.rows.length, 0);
  assert.ok(streamMicroinverter.energy.ratedPowerW <= 1200);
  const counters = energyPlan(streamMicroinverter).counters;
  assert.ok(counters.every((c) => c.how === 'integrated' && c.ratedW === streamMicroinverter.energy.ratedPowerW));
  assert.deepEqual(counters.map((c) => c.key).sort(), ['outputEnergy', 'portInputEnergy/solar_1', 'portInputEnergy/solar_2', 'portOutputEnergy/ac']);
});
