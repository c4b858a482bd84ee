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
  energy: {
    ratedPowerW: 2400,
    ratedPowerEvidence:
      "EcoFlow's figures as the `spec` blocks of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copy them (https://github.com/foxthefox/ioBroker.ecoflow-mqtt, older versions of that file): AC output 300 / 500 / 800 W, surge 600 / 1000 / 1600 W (RIVER 2 / 2 Max / 2 Pro); AC input 8 / 10 / 8 A, USB-C input 60–100 W, solar 110–220 W. The largest is RIVER 2 Max's 10 A AC input (pass-through plus charging): 2400 W at 240 V, above RIVER 2 Pro's 1600 W surge",
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 2400, evidence: 'FOX spec (RIVER 2 Max) acInputPower 10A, taken at 240 V for pass-through (charging alone: TOL settings up to 360 / 660 / 950 W); which voltage the 10 A is of is not stated', unverified: true },
        metric: 'portInputEnergy',
        port: 'ac',
        keys: ['pd.chgPowerAC'],
        scale: 3600,
        tags: ['DOC', 'DIAG', 'FOX'],
        evidence: 'DOC Delta2 (the generation\'s "cumulative AC charging", Wh; no RIVER 2 page), FOX ef_river2max_data.js / ef_river2pro_data.js (Wh, total_increasing); DIAG river_2_max 12 154 Wh, rising 12 083 → 12 142 → 12 154 within one dump',
      },
      {
        kind: 'lifetime',
        rating: { watts: 2400, evidence: 'pass-through is bounded by the AC input (10 A, as above); the inverter alone: FOX spec RIVER 2 Pro 800 W, peak 1600 W', unverified: true },
        metric: 'portOutputEnergy',
        port: 'ac',
        keys: ['pd.dsgPowerAC'],
        scale: 3600,
        tags: ['DOC', 'DIAG', 'FOX'],
        evidence: 'DOC Delta2 ("cumulative AC discharging", Wh), FOX; DIAG river_2_max 10 246 Wh',
      },
      // The total of the outputs from counters: RIVER 2 has no extra-battery port, so AC + DC is
      // everything pd.wattsOutSum counts.
      {
        kind: 'lifetime',
        rating: { watts: 2700, evidence: 'AC out as above (2400 W) + the DC ports (FOX spec carOutput 126W, USB-C 100 W, USB-A)', unverified: true },
        metric: 'outputEnergy',
        keys: ['pd.dsgPowerAC', 'pd.dsgPowerDC'],
        scale: 3600,
        tags: ['DOC', 'DIAG', 'FOX'],
        evidence:
          "AC + DC discharge counters (Wh, DOC Delta2, FOX): the unit's outputs are AC and the DC ports (car, USB-A, USB-C; DOC does not list which DC outputs the DC counter covers, taken as all: the balance below agrees); no extra-battery port on RIVER 2. DIAG river_2_max 10 246 + 38 = 10 284 Wh out against 12 154 Wh in (85 %, a plausible round trip). The DC ports' own energy is integrated: one DC counter cannot be split by port",
      },
    ],
  },
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
    // TAR reads these on DELTA 2 / 2 Max; no source or dump shows them on RIVER 2.
    energyCounters: ['bms_bmsInfo.accuChgEnergy', 'bms_bmsInfo.accuDsgEnergy'],
  }),
  unmapped: [
    ...DELTA2_GENERATION_UNMAPPED,
    { key: 'pd.typecChaWatts', reason: 'USB-C input, unit unconfirmed: W (TOL river2.py) vs 0.1 W (FOX)', tags: ['TOL', 'FOX'] },
    {
      key: 'pd.chgSunPower',
      reason: 'lifetime solar energy (Wh, DOC Delta2, FOX), but 0 in the only real dump (DIAG river_2_max) and 0 on DELTA 2 Max while its PV charged: not known to be filled; solar energy is integrated from mppt.inWatts',
      tags: ['DOC', 'DIAG', 'FOX'],
    },
    {
      key: 'pd.chgPowerDC',
      reason: 'lifetime DC input energy (Wh, DOC Delta2, FOX), 0 in the only real dump (DIAG river_2_max): which inputs it counts (XT60 car / PV, USB-C input) is undocumented, so it feeds no port, and input_energy is integrated rather than summed from a counter never seen counting',
      tags: ['DOC', 'DIAG', 'FOX'],
    },
  ],
};
