/**
 * DELTA Max (DAEB…): the DELTA Pro's modules and key names (`bmsMaster.`, `bmsSlave1|2.`, `ems.`,
 * `inv.`, `mppt.`, `pd.`) in the same units, so the DELTA Pro's rows with this model's own name,
 * rating and energy ratings. Checked on a real capture with one extra battery (FOX
 * test/data2/deltamax.json, the app channel's flat quota: src/simulator/payloads/deltamax.json):
 * solar mppt.inWatts 3092 (0.1 W) = pd.wattsInSum 309 = inVol 65.8 V × inAmp 4.70 A; main pack
 * 51.867 V × 3.114 A = 161.5 W and extra pack 51.904 V × 2.354 A = 122.2 W (bmsSlave1.inputWatts
 * 122) make 283.7 W ≈ mppt.outWatts 280.8 W; ems.f32LcdShowSoc 37.2 = both packs' remainCap over
 * their fullCap (main 39 %, extra 35 %).
 *
 * EcoFlow's developer docs have no DELTA Max page, and since June 2025 the Open API is reported
 * to refuse this model's quota ("current device is not allowed to get device info": the README
 * of Shaoranlaos/node-red-contrib-ecoflow-http-api); docs/devices.md says so.
 */
import { RAW_ONLY_REASONS, type DeviceFamily } from './device-family.js';
import { deltaPro } from './delta-pro.js';

/** The Anderson 12 V 30 A output is the DELTA Pro's alone (DOC DeltaPro, FOX ef_deltamax_data.js). */
const DELTA_PRO_ONLY = 'mppt.dcdc12vWatts';

export const deltaMax: DeviceFamily = {
  ...deltaPro,
  id: 'delta_max',
  title: 'DELTA Max',
  // TOL devices/registry.py names the Open-API model "DELTA Max"; the 1600 / 2000 in other
  // projects' labels are capacities, not product names.
  productNames: [/^DELTA Max$/i],
  // Every real unit's serial (FOX's eight captures, EFBLE issue #449). EFBLE's list of
  // unsupported models adds DA and DD (DELTA Max 1600) without a unit behind them: left out.
  snPrefixes: ['DAEB'],
  identityTags: ['TOL', 'FOX', 'EFBLE'],
  // pd.kit0 / pd.kit2 are in all eight FOX DELTA Max captures and in no DELTA Pro's (FIX, DIAG,
  // FOX); the DELTA Pro's shape leaves them out (shapeAbsent).
  shapeKeys: [...deltaPro.shapeKeys, 'pd.kit0'],
  shapeAbsent: [],
  energy: {
    ratedPowerW: 4600,
    ratedPowerEvidence:
      "EcoFlow's DELTA Max figures as the `spec` block of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copies them (since commit 38a25c7): AC output 2400 W, surge 4600 W (X-Boost 3000 W), AC charging 2000 W, solar 800 W; the surge is the largest, above AC charging + solar (2800 W; 3000 W at the 2200 W fast-charge setting)",
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 2200, evidence: 'FOX ef_deltamax_data.js inv.cfgFastChgWatts 200–2200 W (2200 in every FOX capture); FOX spec AC charging 2000 W; TOL internal/delta_max.py AC charging 100–2000 W' },
        metric: 'portInputEnergy',
        port: 'ac',
        keys: ['pd.chgPowerAc'],
        scale: 3600,
        tags: ['DOC', 'TOL', 'FOX'],
        evidence: 'DOC DeltaPro ("cumulative AC charging", Wh; the same key), FOX ef_deltamax_data.js (Wh); FOX capture 115 627 Wh',
      },
      {
        kind: 'lifetime',
        rating: { watts: 3000, evidence: 'FOX spec (DELTA Max): acOutput 2400W, xboost 3000W, acOutputPeak 4600W; twice X-Boost covers the peak' },
        metric: 'portOutputEnergy',
        port: 'ac',
        keys: ['pd.dsgPowerAc'],
        scale: 3600,
        tags: ['DOC', 'TOL', 'FOX'],
        evidence: 'DOC DeltaPro ("cumulative AC discharging", Wh), FOX (Wh); FOX capture 41 323 Wh',
      },
      {
        kind: 'lifetime',
        rating: { watts: 800, evidence: "FOX spec (DELTA Max): solarInput '11-100V, 10A, 800W'; FOX ef_deltamax_data.js mppt.inWatts up to 800 W" },
        metric: 'portInputEnergy',
        port: 'solar',
        keys: ['pd.chgSunPower'],
        scale: 3600,
        tags: ['DOC', 'TOL', 'FOX'],
        evidence: 'DOC DeltaPro ("cumulative solar charging", Wh), FOX (Wh); FOX capture 129 769 Wh. Its lifetime average over pd.mpptUsedTime is 104–254 W in every FOX capture, below the 800 W input: Wh, not 10 Wh',
      },
    ],
  },
  rows: deltaPro.rows.filter((row) => row.key !== DELTA_PRO_ONLY),
  rawOnly: [...deltaPro.rawOnly, { reason: RAW_ONLY_REASONS.reserved, keys: ['pd.kit0', 'pd.kit2'], tags: ['FOX'] }],
  unmapped: [
    ...deltaPro.unmapped.filter((u) => u.key !== 'pd.chgPowerDc'),
    { key: DELTA_PRO_ONLY, reason: "the Anderson 12 V output: the DELTA Pro's only, per DOC DeltaPro and FOX's DELTA Max dictionary", tags: ['DOC', 'FOX'] },
    {
      key: 'pd.chgPowerDc',
      reason: 'lifetime DC charging energy (Wh per DOC DeltaPro): it counts on the DELTA Max (FOX 481 Wh), but 481 Wh over pd.dcInUsedTime 2960 s is about 585 W, more than the 8 A car input gives: what it counts is unknown',
      tags: ['DOC', 'FOX'],
    },
  ],
};
