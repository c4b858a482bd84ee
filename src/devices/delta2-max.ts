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
  energy: { ratedPowerW: 0, ratedPowerEvidence: 'not yet researched', rows: [] },
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
    ...unmappedKeys(['mppt.pv2InWatts', 'mppt.pv2InVol', 'mppt.pv2InAmp'], 'unit unconfirmed: DOC ×10 W, ×10 V, ×100 A vs TOL/FOX W, mV, mA (DIAG pv2InVol 110 fits neither clearly); PV2 power comes from pd.pv2ChargeWatts', ['DOC', 'TOL', 'DIAG', 'FOX']),
  ],
};
