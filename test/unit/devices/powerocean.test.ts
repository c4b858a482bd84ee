import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerocean } from '../../../src/devices/powerocean.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

test('PowerOcean: the DOC-constructed payload gives these unified values', () => {
  // Hand-computed from src/simulator/payloads/powerocean.json (DOC key list + DOC example values):
  // the house draws 101 W, 104 W from the battery, 3 W exported.
  assert.deepEqual(unifiedValues(powerocean, payloadQuotas('powerocean')), {
    battery_soc_ratio: 0.42, // bpSoc 42 %
    battery_power_watts: -104, // bpPwr −104: discharging
    grid_power_watts: -3, // sysGridPwr −3: exporting
    load_power_watts: 101, // sysLoadPwr; 101 = −3 + 104
    'port_input_power_watts{solar_1}': 0, // mpptHeartBeat[0].mpptPv[0].pwr
    'port_input_power_watts{solar_2}': 0, // mpptHeartBeat[0].mpptPv[1].pwr
    'port_output_power_watts{ev}': 0, // evPwr
    ac_output_voltage_volts: 229.70134, // pcsAPhase.vol
  });
});

test('PowerOcean: charging from PV; bpSoc 999 (no battery) gives no SoC series', () => {
  const values = unifiedValues(
    powerocean,
    quotaMap({
      bpSoc: 999,
      bpPwr: 1520.5, // charging
      sysGridPwr: 250.25, // importing
      sysLoadPwr: 400,
      mpptPwr: 1670.25, // PV total: unmapped (the strings are the ports)
      mpptHeartBeat: [
        {
          mpptPv: [
            { vol: 380.5, amp: 2.5, pwr: 951.25 },
            { vol: 350, amp: 2.05, pwr: 719 },
          ],
        },
      ],
      pcsAPhase: { vol: 231.5, amp: 1.2, actPwr: -250 },
      evPwr: 0,
    }),
  );
  assert.deepEqual(values, {
    battery_power_watts: 1520.5,
    grid_power_watts: 250.25,
    load_power_watts: 400,
    'port_input_power_watts{solar_1}': 951.25,
    'port_input_power_watts{solar_2}': 719,
    'port_output_power_watts{ev}': 0,
    ac_output_voltage_volts: 231.5,
  });
});

test('PowerOcean: a flattened key reads as well as the nested object; one string gives one port', () => {
  const values = unifiedValues(powerocean, quotaMap({ 'pcsAPhase.vol': 230.5, mpptHeartBeat: [{ mpptPv: [{ pwr: 88.5 }] }] }));
  assert.deepEqual(values, { ac_output_voltage_volts: 230.5, 'port_input_power_watts{solar_1}': 88.5 });
});

test('PowerOcean: detected by either spelling of the name, the serial number or the key shape', () => {
  const none = quotaMap({});
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'Power Ocean' }, none, [powerocean])?.id, 'powerocean');
  assert.equal(detectFamily({ sn: 'XXXX', productName: 'PowerOcean' }, none, [powerocean])?.id, 'powerocean');
  assert.equal(detectFamily({ sn: 'HJ31ZZZZ', productName: '' }, none, [powerocean])?.id, 'powerocean');
  assert.equal(detectFamily({ sn: 'J32DZZZZ', productName: '' }, none, [powerocean])?.id, 'powerocean');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('powerocean'), [powerocean])?.id, 'powerocean');
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('stream_ac'), [powerocean]), undefined);
});
