/**
 * DELTA 2: the generation's rows (delta2-generation.ts) plus the pack voltage in mV and one PV
 * input. Cites DOC Delta2, TOL public/delta2.py, FIX delta2Properties.ts (a real capture while
 * discharging ~196 W).
 */
import type { DeviceFamily } from './device-family.js';
import { DELTA2_GENERATION_ROWS, DELTA2_GENERATION_UNMAPPED, delta2GenerationRawOnly } from './delta2-generation.js';

export const delta2: DeviceFamily = {
  id: 'delta2',
  title: 'DELTA 2',
  productNames: [/^DELTA 2$/i],
  snPrefixes: ['R331'],
  shapeKeys: ['bms_emsStatus.lcdShowSoc', 'inv.invOutVol', 'mppt.inWatts', 'pd.wattsOutSum'],
  // DELTA 2 Max has these keys too, and a second PV input (pd.pv2ChargeWatts) of its own.
  shapeAbsent: ['pd.pv2ChargeWatts'],
  shapeRanges: [{ key: 'bms_bmsStatus.vol', min: 1001, why: 'RIVER 2 has the same keys with the pack voltage in whole volts (≈ 26); DELTA 2 reads mV (≈ 50 000), so anything above 1000 is a DELTA 2' }],
  streamShape: 'type_code',
  firmware: { key: 'pd.sysVer', encoding: 'u32' },
  energy: {
    ratedPowerW: 2700,
    ratedPowerEvidence:
      "EcoFlow's DELTA 2 figures as the `spec` block of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copies them (https://github.com/foxthefox/ioBroker.ecoflow-mqtt, older versions of that file): AC output 1800 W, surge 2700 W (X-Boost 2200 W), AC charging 1200 W, solar 500 W; the surge is the largest",
    // No device counter: DOC Delta2's five pd.* lifetime counters read 0 in both real DELTA 2
    // dumps (FIX, cycles 73; tolwi diag/delta2.json, cycles 4): not filled on this model. They
    // stay raw-only and every energy counter is integrated from its power.
    rows: [],
  },
  rows: [
    ...DELTA2_GENERATION_ROWS,
    { metric: 'batteryVoltage', key: 'bms_bmsStatus.vol', scale: 0.001, tags: ['DOC', 'FIX'], evidence: 'DOC Delta2 (mV); FIX 52161' },
    { metric: 'batteryPower', key: 'bms_bmsStatus.vol', times: 'bms_bmsStatus.amp', scale: 1e-6, tags: ['FIX'], evidence: 'vol (mV) × amp (mA, + charging); checked FIX: 52.161 V × −3.753 A = −195.8 W vs pd.wattsOutSum 201' },
    { metric: 'portInputPower', port: 'solar', key: 'mppt.inWatts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC Delta2 (W), TOL' },
  ],
  rawOnly: delta2GenerationRawOnly({
    settings: ['pd.acEnabled', 'pd.pvChgPrioSet'],
    status: ['pd.chargerType'],
    // bms_bmsInfo.accu*Energy: TAR maps them for DELTA 2, but no DELTA 2 dump shows them.
    energyCounters: ['bms_bmsInfo.accuChgEnergy', 'bms_bmsInfo.accuDsgEnergy', 'pd.chgPowerAC', 'pd.chgPowerDC', 'pd.chgSunPower', 'pd.dsgPowerAC', 'pd.dsgPowerDC'],
    unmapped: ['bms_bmsStatus.OCV', 'pd.inWatts', 'pd.inputWatts', 'pd.outWatts', 'pd.outputWatts'],
  }),
  unmapped: DELTA2_GENERATION_UNMAPPED,
};
