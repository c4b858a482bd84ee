/**
 * Glacier portable fridge (`pd.`, `bms_bmsStatus.`, `bms_emsStatus.`). Same groups as DELTA 2 but
 * other spellings: `tmp` for `temp`, `inWatts`/`outWatts`, `lcdSoc`, `chgRemain`. Cites DOC
 * Glacier and TOL internal/glacier.py (app API, same field names). No real Open-API capture
 * exists; tolwi issue #170 holds an app-API dump.
 */
import { RAW_ONLY_REASONS, CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';

/**
 * Pack voltage: DOC says mV, TOL reads V. We trust DOC here (no real dump settles it), and DOC's own
 * example fits it: amp −1116 mA beside compressor power motorWat 26 W means ≈ 23 V (26 / 1.116),
 * a raw ≈ 23 000 mV; #170 has maxCellVol 3744 mV and EMS chgVol 23419 mV, ≈ 6 cells. A raw
 * below 1000 can only be TOL's volts, so voltage and power drop it rather than report 1/1000.
 */
const PACK_MILLIVOLTS = { min: 1000 } as const;

export const glacier: DeviceFamily = {
  id: 'glacier',
  title: 'Glacier',
  // No productName string was found in any public device list or code (sn-prefixes research).
  productNames: [],
  snPrefixes: ['BX11'],
  // No other family spells the pack temperature `tmp` or has fridge zones.
  shapeKeys: ['bms_bmsStatus.tmp', 'pd.tmpL', 'pd.tmpR'],
  streamShape: 'params',
  energy: {
    ratedPowerW: 420,
    ratedPowerEvidence:
      "EcoFlow's GLACIER figures as the `spec` block of foxthefox/ioBroker.ecoflow-mqtt lib/ecoflow_data.js copies them (https://github.com/foxthefox/ioBroker.ecoflow-mqtt, older versions of that file): AC input 180 W, solar 240 W, car 96/192 W, compressor 120 W, battery pack USB-C 100 W; AC and solar together 420 W is the most it takes in. No energy counter (DOC, TOL, FOX): integrated",
    rows: [],
  },
  rows: [
    // The EMS SoC is what the display shows, all packs combined; the float one is TOL's (#170: 43.3 beside lcdSoc 43).
    { metric: 'batterySoc', key: ['bms_emsStatus.f32LcdSoc', 'bms_emsStatus.lcdSoc'], scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'TOL'], evidence: "DOC Glacier (lcdSoc, %); TOL (f32LcdSoc, not in DOC's quota/all list)" },
    { metric: 'batterySoh', key: 'bms_bmsStatus.soh', scale: 0.01, valid: HEALTH_PERCENT, tags: ['DOC'], evidence: 'DOC Glacier (%)' },
    { metric: 'batteryTemperature', key: 'bms_bmsStatus.tmp', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC Glacier (°C), TOL' },
    { metric: 'batteryVoltage', key: 'bms_bmsStatus.vol', scale: 0.001, valid: PACK_MILLIVOLTS, tags: ['DOC', 'TOL', 'FOX'], evidence: 'DOC Glacier (mV), FOX; TOL says V: disputed, DOC trusted (see above)' },
    { metric: 'batteryCurrent', key: 'bms_bmsStatus.amp', scale: 0.001, tags: ['DOC'], evidence: 'DOC Glacier (mA); DOC example −1116 mA while the compressor runs on battery (− discharging, as on DELTA 2)' },
    { metric: 'batteryPower', key: 'bms_bmsStatus.vol', times: 'bms_bmsStatus.amp', scale: 1e-6, valid: PACK_MILLIVOLTS, tags: ['DOC', 'FIX'], evidence: 'vol (mV, DOC) × amp (mA, + charging, DOC); preferred over inWatts/outWatts, which read 0 on main packs carrying current in real DELTA 2 and DELTA Pro dumps (FIX)' },
    { metric: 'batteryCycles', key: 'bms_bmsStatus.cycles', scale: 1, tags: ['DOC', 'TOL'], evidence: 'TOL (CyclesSensor; not in DOC)' },
    { metric: 'batteryTimeToFull', key: 'bms_emsStatus.chgRemain', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL'], evidence: 'DOC Glacier (min); #170 shows 129 charging' },
    { metric: 'batteryTimeToEmpty', key: 'bms_emsStatus.dsgRemain', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL'], evidence: 'DOC Glacier (min); #170 shows the 5999 sentinel while charging' },
  ],
  rawOnly: [
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: ['bms_bmsStatus.tagChgAmp', 'bms_emsStatus.closeOilEbSocMax', 'bms_emsStatus.maxChgSoc', 'bms_emsStatus.minDsgSoc', 'bms_emsStatus.openOilEbSocMin', 'pd.beepEn', 'pd.coolMode', 'pd.iceMkMode', 'pd.tmpLSet', 'pd.tmpMSet', 'pd.tmpRSet', 'pd.tmpUnit'],
    },
    {
      reason: RAW_ONLY_REASONS.identity,
      keys: ['bms_bmsStatus.cellId', 'bms_bmsStatus.num', 'bms_bmsStatus.type', 'bms_emsStatus.bmsModel'],
    },
    {
      reason: RAW_ONLY_REASONS.status,
      keys: [
        'bms_bmsStatus.bmsFault',
        'bms_bmsStatus.bqStatReg',
        'bms_bmsStatus.err',
        'bms_bmsStatus.openBmsIdx',
        'bms_emsStatus.bmsIsConnt',
        'bms_emsStatus.chgCmd',
        'bms_emsStatus.dsgCmd',
        'bms_emsStatus.emsFlag',
        'bms_emsStatus.fanLvl',
        'bms_emsStatus.openBmsIdx',
        'bms_emsStatus.upsFlag',
        'bms_emsStatus.warnState',
        'pd.batFlag',
        'pd.bmsInFlag',
        'pd.chgType',
        'pd.doorStat',
        'pd.err',
        'pd.errBldc',
        'pd.errBms',
        'pd.errCode',
        'pd.errLcd',
        'pd.errPd',
        'pd.errPwr',
        'pd.fanLvl',
        'pd.flagAmbintReady',
        'pd.flagTwoZone',
        'pd.fsmState',
        'pd.pwrState',
        'pd.runState',
        'pd.threeWayState',
        'pd.warnInfo',
        'pd.xt150InState',
        'pd.xt60InState',
      ],
    },
    {
      reason: RAW_ONLY_REASONS.cells,
      keys: ['bms_bmsStatus.maxCellVol', 'bms_bmsStatus.minCellVol'],
    },
    {
      reason: RAW_ONLY_REASONS.counters,
      keys: [
        'pd.appOpCountBeepOff',
        'pd.appOpCountBeepOn',
        'pd.appOpCountDeIce',
        'pd.appOpCountDntMakeIce',
        'pd.appOpCountPowerOff',
        'pd.appOpCountPowerOn',
        'pd.appOpCountTempUnitC',
        'pd.appOpCountTempUnitF',
        'pd.chargeWorkCount',
        'pd.chargeWorkTime',
        'pd.coolCoverCount',
        'pd.coolCoverTime',
        'pd.coolZoneDoubleCount',
        'pd.coolZoneDoubleTime',
        'pd.coolZoneSingleCount',
        'pd.coolZoneSingleTime',
        'pd.makeIceCount',
        'pd.powerBatInCount',
        'pd.powerBatInTime',
        'pd.powerBatOutTime',
        'pd.workModeCount',
      ],
    },
    {
      reason: RAW_ONLY_REASONS.unmapped,
      keys: [
        'bms_bmsStatus.remainTime',
        'bms_emsStatus.chgVol',
        'bms_emsStatus.maxAvailNum',
        'bms_emsStatus.paraVolMax',
        'bms_emsStatus.paraVolMin',
        'pd.A12Val',
        'pd.batPct',
        'pd.blTime',
        'pd.bldcDntIce',
        'pd.bldcDntWork',
        'pd.carBatLow',
        'pd.countinueMakeIceAve',
        'pd.countinueMakeIceMax',
        'pd.dntMakeIceDevice',
        'pd.emsChgFlg',
        'pd.iceAlert',
        'pd.icePercent',
        'pd.iceTm',
        'pd.iceTmTag',
        'pd.iceZoneWaterTmp',
        'pd.motorCur',
        'pd.motorSpeed',
        'pd.motorVol',
        'pd.motorWait',
        'pd.powerPbLevel',
        'pd.pwrPbEn',
        'pd.sensor',
        'pd.sensorAdv',
        'pd.waterLine',
      ],
    },
  ],
  unmapped: [
    ...unmappedKeys(['bms_bmsStatus.soc', 'bms_bmsStatus.f32ShowSoc'], 'main pack only; the overall SoC is bms_emsStatus.lcdSoc'),
    ...unmappedKeys(['bms_bmsStatus.inWatts', 'bms_bmsStatus.outWatts'], "pack in/out power per DOC (W) but TOL shows them as the device's total in/out; BMS watts were unreliable on other families, so battery power is vol × amp and no total is claimed", ['DOC', 'TOL']),
    { key: 'pd.batTime', reason: 'one signed value (+ charging, − discharging) for what chgRemain / dsgRemain give per direction' },
    { key: 'pd.motorWat', reason: "compressor power (W, TOL): the fridge's own consumption, part of it only (fans, electronics excluded); no unified metric fits", tags: ['TOL'] },
    ...unmappedKeys(['bms_bmsStatus.minCellTmp', 'bms_bmsStatus.maxCellTmp', 'bms_bmsStatus.minMosTmp', 'bms_bmsStatus.maxMosTmp'], 'cell/MOSFET extremes; battery_temperature_celsius is the pack temperature `tmp`'),
    ...unmappedKeys(['pd.tmpL', 'pd.tmpR', 'pd.tmpAver', 'pd.tempWater', 'pd.ambientTmp', 'pd.exhaustTmp'], 'fridge zone and ambient temperatures (0.1 °C): no unified metric'),
    ...unmappedKeys(['bms_bmsStatus.designCap', 'bms_bmsStatus.fullCap', 'bms_bmsStatus.remainCap'], 'capacities (mAh): no unified metric'),
    { key: 'bms_bmsStatus.ver', reason: "the BMS's version, not the main firmware (DOC lists no pd version): no firmware label", tags: ['DOC'] },
  ],
};
