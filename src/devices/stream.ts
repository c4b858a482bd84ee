/**
 * STREAM AC / AC Pro / Pro / Ultra / Ultra X / Max and the STREAM Microinverter (not STREAM AC
 * 5000 / 5000: another protocol). Cites TOL public/stream_ac.py (every key with a sample value)
 * and stream_microinverter.py, FOX, TAR.
 */
import { AC_FREQUENCY, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';
import { heartbeatRawOnly } from './heartbeat-keys.js';

/**
 * A STREAM unit reports two levels in one flat quota: its own pack (BMS heartbeat: `vol`, `amp`,
 * `soh`, `temp`, `bms*`) and the whole STREAM system of several units (`cms*`, `powGetSys*`,
 * `powGetPvSum`, `powGetBpCms`). In the sample (tolwi stream_ac.py, two units: gridSysDeviceCnt 2,
 * cmsBattFullEnergy 3840 = 2 × bmsDesignCap 1920) the system balances: PV powGetPvSum 2051.4 ≈
 * battery powGetBpCms 1915.1 + export 135 (powGetSysGrid −135) + load 0, while this unit's own
 * pack takes 20.161 V × 44.671 A = 900.6 W (inputWatts 900).
 *
 * evcc (commit 509fb9c) reports that REST quota/all gives cmsBattSoc 0 constantly: a 0 system SoC
 * is read as no reading (no STREAM runs its system to 0 %: cmsMinDsgSoc is 5 in the sample).
 */
const SYSTEM_SOC_PERCENT = { min: 1, max: 100 } as const;

export const stream: DeviceFamily = {
  id: 'stream',
  title: 'STREAM AC / AC Pro / Pro / Ultra / Max / Microinverter',
  productNames: [/^STREAM (AC|AC Pro|Pro|Ultra|Ultra X|Max|Microinverter)$/i],
  // ES11 and N011 appear only in one BLE project's list: left out.
  snPrefixes: ['BK51', 'BK31', 'BK12', 'BK11', 'BK61', 'BK41', 'BK01', 'BK02'],
  // The unit's grid port: present on battery units and the microinverter alike, on no other family.
  shapeKeys: ['gridConnectionPower', 'gridConnectionVol', 'gridConnectionFreq'],
  streamShape: 'flat',
  // No firmware: sysVer sits in the BMS heartbeat (next to sysLoaderVer, bmsHeartbeatVer), the pack's.
  energy: {
    ratedPowerW: 48000,
    ratedPowerEvidence:
      "the unit itself moves at most a few kW (sample: maxInvInput / maxInvOutput 1200 W, cmsBattPowOutMax 2400 W, powSysAcInMax 4462 W, busbarPowLimit 2300 W; STREAM Ultra: four PV inputs), but grid_power_watts and load_power_watts (powGetSysGrid, powGetSysLoad) are the whole house's at the smart meter, bounded only by the house connection: taken as 48 kW (200 A at 240 V; 3 × 63 A at 230 V is 43.5 kW). An assumption, not a STREAM figure: a bound no real house reading exceeds",
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 1200, evidence: "one unit's pack: FOX spec (STREAM) 800 W / 1050 W / 1200 W charge (AC / AC Pro, Pro, Ultra / Ultra X); the unit reports maxBpInput 1050 (FOX test/data2/stream_ac_pro.json); its EMS ceiling 90 A × 22.0 V ≈ 1980 W is below twice this" },
        metric: 'batteryChargeEnergy',
        keys: ['accuChgEnergy'],
        // The BMS heartbeat names its pack (bmsSn) beside the counters: counted per pack if a unit ever sends two.
        pack: 'bmsSn',
        scale: 3600,
        tags: ['TOL', 'FOX'],
        evidence: "this unit's pack, lifetime charge (Wh), the pack battery_power_watts reads (vol × amp), not the system's: TOL public/stream_ac.py (EnergySensorEntity, Wh), FOX ef_stream_ac_data.js; TOL sample 3992 Wh against accuChgCap 198 511 mAh × 20.1 V ≈ 3990 Wh",
      },
      {
        kind: 'lifetime',
        rating: { watts: 1200, evidence: "one unit's pack: maxBpOutput 1200 and cmsBattPowOutMax 1200 in a one-unit system (FOX test/data2/stream_ac.json); the 2300 W busbarPowLimit is AC pass-through, not the battery" },
        metric: 'batteryDischargeEnergy',
        keys: ['accuDsgEnergy'],
        pack: 'bmsSn',
        scale: 3600,
        tags: ['TOL', 'FOX'],
        evidence: "this unit's pack, lifetime discharge (Wh): TOL public/stream_ac.py, FOX; TOL sample 3646 Wh",
      },
    ],
  },
  rows: [
    { metric: 'batterySoc', key: 'cmsBattSoc', scale: 0.01, valid: SYSTEM_SOC_PERCENT, tags: ['TOL', 'FOX', 'EVCC'], evidence: 'TOL stream_ac.py, FOX (system SoC, float %; 43 in the sample, this unit 46); a 0 is no reading (EVCC)' },
    { metric: 'batterySoh', key: ['bmsBattSoh', 'soh'], scale: 0.01, valid: HEALTH_PERCENT, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (%)' },
    { metric: 'batteryTemperature', key: 'temp', scale: 1, tags: ['TOL'], evidence: 'TOL (BATTERY_TEMP, °C)' },
    { metric: 'batteryVoltage', key: 'vol', scale: 0.001, tags: ['TOL'], evidence: 'TOL (MilliVoltSensorEntity, mV); sample 20161 = 6 cells × ~3360 mV' },
    // FOX scales amp by 0.0001: wrong, the sample only balances in mA.
    { metric: 'batteryCurrent', key: 'amp', scale: 0.001, tags: ['TOL'], evidence: 'TOL (mA, + charging); checked on the TOL sample (see batteryPower)' },
    { metric: 'batteryPower', key: 'vol', times: 'amp', scale: 1e-6, tags: ['TOL'], evidence: 'vol (mV) × amp (mA); checked TOL sample: 20.161 V × 44.671 A = 900.6 W vs inputWatts 900 while charging' },
    { metric: 'batteryCycles', key: 'cycles', scale: 1, tags: ['TOL'], evidence: 'TOL (CyclesSensorEntity)' },
    { metric: 'batteryTimeToFull', key: 'cmsChgRemTime', scale: 60, valid: REMAINING_MINUTES, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (min)' },
    { metric: 'batteryTimeToEmpty', key: 'cmsDsgRemTime', scale: 60, valid: REMAINING_MINUTES, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (min); 5939 (sentinel) while charging in the sample' },
    { metric: 'gridPower', key: 'powGetSysGrid', scale: 1, tags: ['TOL', 'TAR'], evidence: "TOL, TAR (W float); sign by the sample's energy balance: −135 while exporting PV surplus (smart meter cloudMetter.phaseAPower −134)" },
    { metric: 'loadPower', key: 'powGetSysLoad', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (house load, W)' },
    { metric: 'portInputPower', port: 'solar_1', key: 'powGetPv', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (W float)' },
    { metric: 'portInputPower', port: 'solar_2', key: 'powGetPv2', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (W float)' },
    { metric: 'portInputPower', port: 'solar_3', key: 'powGetPv3', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (W float; STREAM Ultra)' },
    { metric: 'portInputPower', port: 'solar_4', key: 'powGetPv4', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (W float; STREAM Ultra)' },
    { metric: 'portOutputPower', port: 'ac', key: 'powGetSchuko1', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (AC socket 1, W)' },
    { metric: 'portOutputPower', port: 'ac', key: 'powGetSchuko2', scale: 1, tags: ['TOL', 'TAR'], evidence: 'TOL, TAR (AC socket 2, W)' },
    // The unit's grid-tied AC port: the grid side, so "input" in the unified vocabulary.
    { metric: 'acInputVoltage', key: 'gridConnectionVol', scale: 1, tags: ['TOL', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (V float)' },
    { metric: 'acInputFrequency', key: 'gridConnectionFreq', scale: 1, valid: AC_FREQUENCY, tags: ['TOL', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (Hz float)' },
  ],
  // The BMS / EMS heartbeat keys DELTA 3 reports too are in heartbeat-keys.ts; these are STREAM's own.
  rawOnly: heartbeatRawOnly({
    settings: [
      'backupReverseSoc',
      'brightness',
      'busbarPowLimit',
      'cmsMaxChgSoc',
      'cmsMinDsgSoc',
      'displayPropertyFullUploadPeriod',
      'displayPropertyIncrementalUploadPeriod',
      'energyStrategyOperateMode.operateIntelligentScheduleModeOpen',
      'energyStrategyOperateMode.operateScheduledOpen',
      'energyStrategyOperateMode.operateSelfPoweredOpen',
      'energyStrategyOperateMode.operateTouModeOpen',
      'feedGridMode',
      'feedGridModePowLimit',
      'gridCodeSelection',
      'runtimePropertyFullUploadPeriod',
      'runtimePropertyIncrementalUploadPeriod',
      'stormPatternEnable',
    ],
    identity: ['cloudMetter.model', 'cloudMetter.sn', 'gridCodeVersion', 'seriesConnectDeviceId', 'stormPatternEndTime', 'systemGroupId', 'systemMeshId'],
    status: [
      'bmsBattHeating',
      'bmsChgDsgState',
      'cloudMetter.hasMeter',
      'cmsBmsRunState',
      'cmsChgDsgState',
      'devCtrlStatus',
      'devSleepState',
      'distributedDeviceStatus',
      'energyBackupState',
      'gridConnectionSta',
      'plugInInfoPv2Flag',
      'plugInInfoPv3Flag',
      'plugInInfoPv4Flag',
      'plugInInfoPvFlag',
      'relay1Onoff',
      'relay2Onoff',
      'relay3Onoff',
      'relay4Onoff',
      'seriesConnectDeviceStatus',
      'stormPatternOpenFlag',
    ],
    cells: ['bmsMaxCellTemp', 'bmsMaxMosTemp', 'bmsMinCellTemp', 'bmsMinMosTemp', 'heatfilmNtcNum'],
    unmapped: [
      'cmsBattPowInMax',
      'cmsBattPowOutMax',
      'feedGridModePowMax',
      'gridSysDeviceCnt',
      'invNtcTemp3',
      'maxBpInput',
      'maxBpOutput',
      'maxHeatfilmTemp',
      'maxInvInput',
      'maxInvOutput',
      'minHeatfilmTemp',
      'moduleWifiRssi',
      'powConsumptionMeasurement',
      'powSysAcInMax',
      'powSysAcOutMax',
      'socketMeasurePower',
      'v1p0.chgRemainTime',
      'v1p0.dsgRemainTime',
      'v1p0.f32LcdShowSoc',
    ],
  }),
  unmapped: [
    { key: 'powGetBpCms', reason: "unofficial (a tolwi fork, code search) and system-wide (1915 W for all packs vs this unit's vol × amp 900.6 W in the sample); battery power is vol × amp" },
    ...unmappedKeys(['inputWatts', 'outputWatts'], "this pack's charge / discharge power, not device totals; battery power is vol × amp (they agree: 900 W)"),
    ...unmappedKeys(['bmsBattSoc', 'soc', 'f32ShowSoc', 'v1p0.lcdShowSoc'], "this unit's pack (46 %), not the system SoC the app shows (cmsBattSoc 43 %)"),
    ...unmappedKeys(['realSoh', 'cmsBattSoh'], "alternatives to bmsBattSoh; cmsBattSoh is the system's"),
    ...unmappedKeys(['maxCellTemp', 'minCellTemp'], 'battery temperature takes the pack reading (temp)'),
    ...unmappedKeys(['designCap', 'fullCap', 'remainCap', 'bmsDesignCap', 'cmsBattFullEnergy'], 'capacities, no unified metric; bmsDesignCap / cmsBattFullEnergy units unconfirmed (Wh-like 1920 / 3840 vs FOX mAh)', ['FOX']),
    ...unmappedKeys(['bmsChgRemTime', 'bmsDsgRemTime'], "this unit's pack; cms* are the system's, like the SoC"),
    { key: 'remainTime', reason: 'one value for both directions; FOX says hours: unit unconfirmed', tags: ['FOX'] },
    { key: 'powGetPvSum', reason: "system-wide PV of all STREAM units (2051 W while this unit's strings read 0): not a port of this device" },
    ...unmappedKeys(['plugInInfoPvVol', 'plugInInfoPvAmp', 'plugInInfoPv2Vol', 'plugInInfoPv2Amp', 'plugInInfoPv3Vol', 'plugInInfoPv3Amp', 'plugInInfoPv4Vol', 'plugInInfoPv4Amp'], 'per-string PV voltage / current: no unified metric'),
    ...unmappedKeys(['gridConnectionPower', 'sysGridConnectionPower'], "the unit's (system's) AC port power; sign not documented (−967 in the sample: feeding the house?)"),
    { key: 'gridConnectionAmp', reason: 'no unified AC-current metric' },
    ...unmappedKeys(['powGetSysLoadFromBp', 'powGetSysLoadFromGrid', 'powGetSysLoadFromPv'], 'split of the load by source: the total is powGetSysLoad'),
    ...unmappedKeys(['cloudMetter.phaseAPower', 'cloudMetter.phaseBPower', 'cloudMetter.phaseCPower'], "the smart meter's per-phase readings; powGetSysGrid is the system's grid power"),
    { key: 'sysVer', reason: "BMS firmware (BMS heartbeat), not the unit's", tags: ['DIAG'] },
  ],
};
