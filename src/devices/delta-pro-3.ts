/**
 * DELTA Pro 3. No real dump: the rows use the DOC quota/all names. Outputs per TOL/DOC; the
 * totals and shared ports are the DELTA 3 rows.
 */
import { CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';
import { DELTA3_GENERATION_ROWS, DELTA3_GENERATION_UNMAPPED } from './delta3-generation.js';

export const deltaPro3: DeviceFamily = {
  id: 'delta_pro_3',
  title: 'DELTA Pro 3',
  productNames: [/^DELTA Pro 3$/i],
  snPrefixes: ['MR51'],
  // The two PV inputs are DELTA Pro 3's own names (DELTA 3: powGetPv, STREAM: powGetPv…Pv4).
  shapeKeys: ['powInSumW', 'powOutSumW', 'powGetPvH', 'powGetPvL'],
  energy: {
    ratedPowerW: 8000,
    ratedPowerEvidence: "EcoFlow's DELTA Pro 3 figures as the `spec` block of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copies them: acOutput '4000W, (6000W X-Boost), max 8000W' (8000 W), the largest; AC charging 2900 W and solar 1600 W + 1000 W stay below it",
    // Not in the Open-API quota/all (FIX deltaPro3Properties.ts has no energy key; SHU's
    // delta3_http.py lists none): the app protocol's BMS heartbeat carries them. Read where a
    // device reports them; this family maps no battery power, so no integral is given up.
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 5500, evidence: "FOX spec (DELTA Pro 3): AC '2900W max' + PV 1600 W + 1000 W; the EMS caps the pack near 85 A × ~57.6 V ≈ 4900 W (FOX test/data2/deltapro3.json); port combinations not checked", unverified: true },
        metric: 'batteryChargeEnergy',
        keys: ['accuChgEnergy'],
        scale: 3600,
        tags: ['TOL', 'FIX', 'FOX', 'SHU'],
        evidence: "BMS heartbeat lifetime charge (uint32 Wh) of the main pack: TOL internal/delta_pro_3.py (app API), FOX ef_deltapro3_data.js; as DELTA 3's (checked there against accuChgCap). Absent from FIX's quota/all capture and SHU's quota key list: no series unless the device reports it",
      },
      {
        kind: 'lifetime',
        rating: { watts: 6000, evidence: "FOX spec (DELTA Pro 3): acOutput '4000W, (6000W X-Boost), max 8000W'; twice X-Boost covers the peak" },
        metric: 'batteryDischargeEnergy',
        keys: ['accuDsgEnergy'],
        scale: 3600,
        tags: ['TOL', 'FIX', 'FOX', 'SHU'],
        evidence: 'BMS heartbeat lifetime discharge (Wh) of the main pack: TOL internal/delta_pro_3.py, FOX; absent from FIX and SHU, as accuChgEnergy',
      },
    ],
  },
  rows: [
    ...DELTA3_GENERATION_ROWS,
    { metric: 'batterySoc', key: 'cmsBattSoc', scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (overall SoC, float %), TOL' },
    { metric: 'batterySoh', key: ['bmsBattSoh', 'cmsBattSoh'], scale: 0.01, valid: HEALTH_PERCENT, tags: ['DOC', 'FOX', 'TAR'], evidence: 'TAR, FOX (%; not in the DOC copy)' },
    { metric: 'batteryTemperature', key: 'bmsMaxCellTemp', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro3 ("temperature of the main battery", °C)' },
    { metric: 'batteryTimeToFull', key: 'cmsChgRemTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC DeltaPro3 (min)' },
    { metric: 'batteryTimeToEmpty', key: 'cmsDsgRemTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC DeltaPro3 (min)' },
    { metric: 'portInputPower', port: 'solar_hv', key: 'powGetPvH', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro3 (high-voltage PV, W)' },
    { metric: 'portInputPower', port: 'solar_lv', key: 'powGetPvL', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro3 (low-voltage PV, W)' },
    // TOL: "DC Anderson Out Power".
    { metric: 'portOutputPower', port: 'dc', key: 'powGet24v', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (24 V, W), TOL' },
  ],
  rawOnly: [],
  unmapped: [
    ...DELTA3_GENERATION_UNMAPPED,
    ...unmappedKeys(
      ['powGetAc', 'powGetAcHvOut', 'powGetAcLvOut', 'powGetAcLvTt30Out'],
      'AC outputs, but whether powGetAc ("real-time AC power") is the total of the HV/LV/TT-30 outlets or the EU model\'s only outlet (HB) is unconfirmed: summing them may double count; output_power_watts (powOutSumW) covers the total',
      ['HB'],
    ),
    { key: 'cycles', reason: "FOX reads it from the app MQTT API; not in DOC's quota/all list, and a DELTA Pro 3 quota/all dump TAR documents had none", tags: ['DOC', 'FOX', 'TAR'] },
  ],
};
