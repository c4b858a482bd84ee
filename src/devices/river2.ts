/**
 * RIVER 2, RIVER 2 Max, RIVER 2 Pro: the generation's keys (delta2-generation.ts), except that
 * the pack voltage `bms_bmsStatus.vol` is in whole volts (DOC Delta2 says mV: wrong here; tolwi
 * issue #100 and DIAG river_2_max.json, vol 26). Cites DOC Delta2 (there is no RIVER 2 page),
 * TOL public/river2*.py, DIAG river_2_max.json.
 */
import type { DeviceFamily } from './device-family.js';
import { DELTA2_GENERATION_ROWS, DELTA2_GENERATION_UNMAPPED, delta2GenerationRawOnly } from './delta2-generation.js';

export const river2: DeviceFamily = {
  id: 'river2',
  title: 'RIVER 2 / RIVER 2 Max / RIVER 2 Pro',
  productNames: [/^RIVER 2$/i, /^RIVER 2 Max$/i, /^RIVER 2 Pro$/i],
  // rabits/ha-ef-ble: R601/R603 RIVER 2, R611/R613 RIVER 2 Max, R621/R623 RIVER 2 Pro.
  snPrefixes: ['R601', 'R603', 'R611', 'R613', 'R621', 'R623'],
  identityTags: ['EFBLE'],
  shapeKeys: ['bms_emsStatus.lcdShowSoc', 'inv.invOutVol', 'mppt.inWatts', 'pd.wattsOutSum'],
  // DELTA 2 Max has these keys too, and a second PV input (pd.pv2ChargeWatts) of its own.
  shapeAbsent: ['pd.pv2ChargeWatts'],
  shapeRanges: [{ key: 'bms_bmsStatus.vol', min: 1, max: 99, why: 'the DELTA 2 keys with the pack in whole volts (≈ 26; DELTA 2 reads ≈ 50 000 mV); 0 proves nothing' }],
  streamShape: 'type_code',
  firmware: { key: 'pd.sysVer', encoding: 'u32' },
  energy: { ratedPowerW: 0, ratedPowerEvidence: 'not yet researched', rows: [] },
  rows: [
    ...DELTA2_GENERATION_ROWS,
    { metric: 'batteryVoltage', key: 'bms_bmsStatus.vol', scale: 1, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'tolwi issue #100, DIAG river_2_max (V, integer: 26); DOC says mV' },
    // Whole volts limit this to about ±2 %; still better than bms_bmsStatus.inputWatts/outputWatts,
    // which were 0 on main packs carrying current in every real dump of the family.
    { metric: 'batteryPower', key: 'bms_bmsStatus.vol', times: 'bms_bmsStatus.amp', scale: 0.001, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'vol (V) × amp (mA, + charging), DOC/TOL units; DIAG 26 V × 0 mA (idle)' },
    { metric: 'portInputPower', port: 'solar', key: 'mppt.inWatts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC Delta2 (W), TOL river2.py' },
  ],
  rawOnly: delta2GenerationRawOnly({
    identity: ['timestamp'],
  }),
  unmapped: [...DELTA2_GENERATION_UNMAPPED, { key: 'pd.typecChaWatts', reason: 'USB-C input, unit unconfirmed: W (TOL river2.py) vs 0.1 W (FOX)', tags: ['TOL', 'FOX'] }],
};
