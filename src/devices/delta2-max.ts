/**
 * DELTA 2 Max: the generation's keys (delta2-generation.ts) plus a second PV input and two XT150
 * extra-battery ports. Cites DOC Delta2Max, TOL public/delta2_max.py, DIAG delta_2_max.json (a
 * real dump, charging from PV, AC and XT150 port 2 while feeding extra battery 1 through XT150
 * port 1).
 */
import { unmappedKeys, type DeviceFamily } from './device-family.js';
import { DELTA2_GENERATION_ROWS, DELTA2_GENERATION_UNMAPPED, delta2GenerationRawOnly } from './delta2-generation.js';

export const delta2Max: DeviceFamily = {
  id: 'delta2_max',
  title: 'DELTA 2 Max',
  productNames: [/^DELTA 2 Max$/i],
  // R354 is listed only by rabits/ha-ef-ble; R351 by every source and a real device list.
  snPrefixes: ['R351', 'R354'],
  identityTags: ['EFBLE'],
  // Two PV charge keys exist only on the DELTA 2 Max (DELTA 2 and RIVER 2 have one PV input).
  shapeKeys: ['bms_emsStatus.lcdShowSoc', 'pd.pv1ChargeWatts', 'pd.pv2ChargeWatts', 'pd.wattsOutSum'],
  streamShape: 'type_code',
  firmware: { key: 'pd.sysVer', encoding: 'u32' },
  energy: {
    ratedPowerW: 4800,
    ratedPowerEvidence:
      "EcoFlow's DELTA 2 Max figures as the `spec` block of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copies them (https://github.com/foxthefox/ioBroker.ecoflow-mqtt, older versions of that file): AC output 2400 W, surge 4800 W (X-Boost 3400 W), AC charging 2400 W, solar 500 W per input (two inputs); the surge is the largest, above AC + both PV inputs (3400 W)",
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 2400, evidence: "FOX spec (lib/ecoflow_data.js, DELTA 2 Max) acInputPower 2400W; the device's own inv.FastChgWatts 2400 (DIAG); TOL's AC charging setting 200–2400 W. AC in counts pass-through too, bounded by the same input" },
        metric: 'portInputEnergy',
        port: 'ac',
        keys: ['pd.chgPowerAC'],
        scale: 3600,
        tags: ['DOC', 'DIAG', 'FOX'],
        evidence: 'DOC Delta2Max ("cumulative AC charging", Wh; example 7520), FOX (Wh, total_increasing); DIAG 713 540 Wh, rising 713 538 → 713 540 → 713 630 across the replies of the same dump while AC charged at 299 W',
      },
      {
        kind: 'lifetime',
        rating: { watts: 3400, evidence: 'FOX spec (DELTA 2 Max): acOutput 2400W, xboost 3400W, acOutputPeak 4800W; X-Boost is the most it sustains, and twice it covers the peak' },
        metric: 'portOutputEnergy',
        port: 'ac',
        keys: ['pd.dsgPowerAC'],
        scale: 3600,
        tags: ['DOC', 'DIAG', 'FOX'],
        evidence: 'DOC Delta2Max ("cumulative AC discharging", Wh), FOX (Wh); DIAG 51 358 Wh',
      },
      {
        kind: 'lifetime',
        rating: { watts: 3400, evidence: 'FOX spec (DELTA 2 Max): AC charging 2400 W + solar 2 × 500 W; the pack itself asks for less (DIAG bms_bmsStatus.tagChgAmp 40 A × ~56 V ≈ 2240 W)' },
        metric: 'batteryChargeEnergy',
        keys: ['bms_bmsInfo.accuChgEnergy'],
        scale: 3600,
        tags: ['TOL', 'TAR', 'DIAG', 'FIX'],
        evidence:
          "the main pack's lifetime charge (Wh), as battery_power_watts is the main pack's: TOL internal/delta2_max.py (bms_bmsInfo; the extra packs' are bms_slave_bmsSlaveInfo_1/_2, not read), TAR; absent from the DIAG and FIX dumps, present (Wh, plausible against cycles) in another real quota/all of a DELTA 2 Max: read where present",
      },
      {
        kind: 'lifetime',
        rating: { watts: 3400, evidence: 'FOX spec (DELTA 2 Max): X-Boost 3400 W on AC; the DC ports (~0.4 kW) fit in the margin' },
        metric: 'batteryDischargeEnergy',
        keys: ['bms_bmsInfo.accuDsgEnergy'],
        scale: 3600,
        tags: ['TOL', 'TAR'],
        evidence: "the main pack's lifetime discharge (Wh), as accuChgEnergy: TOL internal/delta2_max.py, TAR",
      },
    ],
  },
  rows: [
    ...DELTA2_GENERATION_ROWS,
    { metric: 'batteryVoltage', key: 'bms_bmsStatus.vol', scale: 0.001, tags: ['DOC', 'DIAG'], evidence: 'DOC Delta2Max (mV); DIAG 53976' },
    // bms_bmsStatus.inputWatts was 0 in the DIAG dump while the main pack took +10.8 A.
    { metric: 'batteryPower', key: 'bms_bmsStatus.vol', times: 'bms_bmsStatus.amp', scale: 1e-6, tags: ['DIAG'], evidence: 'vol (mV) × amp (mA, + charging); checked DIAG: 53.976 V × 10.807 A = 583 W of wattsInSum 1170 − wattsOutSum 489 = 681 W' },
    // pv1ChargeWatts and mppt.inWatts are the same reading (DIAG: both 447); the pd key is the one
    // DOC pairs with pv2ChargeWatts, mppt.inWatts stands in where it is absent.
    { metric: 'portInputPower', port: 'solar_1', key: ['pd.pv1ChargeWatts', 'mppt.inWatts'], scale: 1, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC Delta2Max (W), TOL; checked DIAG: mppt.inVol 37.379 V × inAmp 11.996 A = 448 W vs 447' },
    // Not mppt.pv2InWatts: its unit is disputed (see unmapped); the pd key is plain W in DOC.
    { metric: 'portInputPower', port: 'solar_2', key: 'pd.pv2ChargeWatts', scale: 1, tags: ['DOC', 'DIAG'], evidence: 'DOC Delta2Max (W); DIAG 0 with mppt.pv2InWatts 0' },
  ],
  rawOnly: [
    ...delta2GenerationRawOnly({
      settings: ['inv.acPassbyAutoEn', 'inv.standbyMin', 'mppt.pv2CfgChgType', 'mppt.pv2DcChgCurrent', 'pd.minAcSoc', 'pd.newAcAutoOnCfg', 'pd.pvChargePrioSet'],
      status: ['mppt.pv2ChgPauseFlag', 'mppt.pv2ChgState', 'mppt.pv2ChgType', 'mppt.pv2Xt60ChgType', 'pd.acAutoPause', 'pd.bmsKitState', 'pd.otherKitState', 'pd.pv1ChargeType', 'pd.pv2ChargeType'],
      reserved: ['bms_bmsStatus.recv'],
      // Lifetime DC energy (Wh, DOC Delta2Max), read by no energy row. pd.chgPowerDC (DIAG 21 830,
      // growing across the dump while PV and XT150 port 2 were the DC inputs) adds up the DC
      // inputs, which the power rows split into solar_1 / solar_2; pd.dsgPowerDC (DIAG 9 763) the
      // car, USB-A and USB-C outputs, which they split by port. Neither completes a total either:
      // pd.wattsInSum and pd.wattsOutSum also count the XT150 extra-battery ports (DIAG: 425 W of
      // the 1170 W in, all 489 W out), which no counter covers. Those energies are integrated.
      energyCounters: ['pd.chgPowerDC', 'pd.dsgPowerDC'],
      unmapped: ['inv.acChgRatedPower', 'inv.prBalanceMode', 'mppt.pv2MpptTemp', 'pd.invInWatts', 'pd.invOutWatts'],
    }),
    { prefixes: ['bms_slave_bmsSlaveStatus_1.', 'bms_slave_bmsSlaveStatus_2.'], reason: 'extra packs, every key under their prefix: the battery metrics describe the main pack; their SoC is in the combined bms_emsStatus.lcdShowSoc' },
  ],
  unmapped: [
    ...DELTA2_GENERATION_UNMAPPED,
    ...unmappedKeys(
      ['pd.XT150Watts1', 'pd.XT150Watts2'],
      'sign disputed: DOC says + input / − output, but the DIAG dump has XT150Watts1 +489 while that port fed extra battery 1 (slave 1 amp +9111 mA, inputWatts 489, = pd.wattsOutSum 489) and XT150Watts2 −425 while that port supplied the 425 W that complete pd.wattsInSum 1170 = 447 PV + 299 AC + 425; one dump cannot settle which way firmware counts',
      ['DOC', 'DIAG'],
    ),
    {
      key: 'pd.chgSunPower',
      reason: 'lifetime solar energy (Wh, DOC Delta2Max), but 0 in the DIAG dump while 447 W of PV charged the unit, and pd.chgPowerDC grew instead (21 830 → 22 200 Wh across the replies of the same dump): not filled on this model; solar_1 / solar_2 energy is integrated from their power',
      tags: ['DOC', 'DIAG'],
    },
    ...unmappedKeys(['mppt.pv2InWatts', 'mppt.pv2InVol', 'mppt.pv2InAmp'], 'unit unconfirmed: DOC ×10 W, ×10 V, ×100 A vs TOL/FOX W, mV, mA (DIAG pv2InVol 110 fits neither clearly); PV2 power comes from pd.pv2ChargeWatts', ['DOC', 'TOL', 'DIAG', 'FOX']),
  ],
};
