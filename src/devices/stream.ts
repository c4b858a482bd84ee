/**
 * STREAM AC / AC Pro / Pro / Ultra / Ultra X / Max (not STREAM AC 5000 / 5000: another protocol;
 * not the STREAM Microinverter, which has a table of its own). Cites TOL public/stream_ac.py
 * (every key with a sample value), FOX, TAR, and EFSDK: real captures of a five-unit system at
 * night (src/simulator/payloads/stream_ultra.json, its master, and stream_ac_pro.json, one of
 * the other four), REST with the stream's pushes merged. Over REST each unit answers only 15
 * keys (the system's and the relays'); the pack and its lifetime counters come over the stream.
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
 * Only the system's master unit knows the system: the other units answer cmsBattSoc 0 and
 * powGetSysGrid / powGetSysLoad 0 over REST and never push them (EFSDK: four non-master units,
 * two captures 3.7 h apart, while the master read 13 % then 94 %, and 1.1 kW then 7.8 kW of
 * import; EFSDK's changelog: cmsBattSoc "returns 0 on slave units"; EVCC saw it 0 constantly).
 * So a 0 system SoC is no reading (no STREAM runs its system to 0 %: cmsMinDsgSoc is 5 in TOL's
 * sample, 10 in EFSDK's); the system's grid and load are read as SYSTEM_KNOWN says.
 */
const SYSTEM_SOC_PERCENT = { min: 1, max: 100 } as const;
/**
 * The system's grid power as a measured float is never exactly 0.0 but where the unit does not
 * know it: the other units' REST answers, and the master's own error pushes (EFSDK 2026-09-28:
 * grid 0.0 and load 0.0 with error code 348 while the Smart Meter read 7,796 W). So an exact 0
 * is no reading, and the load is read only beside a grid reading (a load of 0.0 is one: TOL's
 * sample balances with it). Not cmsBattSoc: the master pushes grid and load every ~2 s, but its
 * system SoC only comes with REST, which may be minutes old.
 */
const SYSTEM_KNOWN = { key: 'powGetSysGrid', notZero: true } as const;

export const stream: DeviceFamily = {
  id: 'stream',
  title: 'STREAM AC / AC Pro / Pro / Ultra / Ultra X / Max',
  // The device list gives STREAM units no productName (EFSDK; TOL PR #483): the serial prefix
  // recognises them. The names are for an account whose list has them.
  productNames: [/^STREAM (AC|AC Pro|Pro|Ultra|Ultra X|Max)$/i],
  // ES11 and N011 appear only in one BLE project's list: left out. EFSDK: BK11 Ultra, BK31 AC Pro.
  snPrefixes: ['BK51', 'BK31', 'BK12', 'BK11', 'BK61', 'BK41'],
  // Both in every unit's 15-key REST answer (EFSDK): the unit's grid port and the system SoC.
  // The microinverter has the port but no battery; DELTA 3 and DELTA Pro 3 the SoC but no port.
  // (gridConnectionFreq, in TOL's sample, is in neither real capture.)
  shapeKeys: ['gridConnectionPower', 'cmsBattSoc'],
  streamShape: 'flat',
  // No firmware: sysVer sits in the BMS heartbeat (next to sysLoaderVer, bmsHeartbeatVer), the pack's.
  energy: {
    ratedPowerW: 48000,
    // The house connection's, not a STREAM figure.
    ratedPowerUnverified: true,
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
    {
      metric: 'gridPower',
      key: 'powGetSysGrid',
      valid: { notZero: true },
      scale: 1,
      tags: ['TOL', 'TAR', 'EFSDK'],
      evidence: "TOL, TAR (W float); sign by the TOL sample's energy balance: −135 while exporting PV surplus (smart meter cloudMetter.phaseAPower −134); EFSDK master +1144.96 while importing (the Smart Meter's L1 1148.4, cloudMetter.phaseAPower 1128); an exact 0 is no reading (SYSTEM_KNOWN)",
    },
    {
      metric: 'loadPower',
      key: 'powGetSysLoad',
      when: SYSTEM_KNOWN,
      scale: 1,
      tags: ['TOL', 'TAR', 'EFSDK'],
      evidence: "TOL, TAR (house load, W); EFSDK's master balances at night: grid 1151.0 = load 1121.316 + battery powGetBpCms 29.684 (a push 1.4 s in); only beside a grid reading (SYSTEM_KNOWN)",
    },
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
    // quota_cloud_ts: the cloud's time of the REST answer, a string (EFSDK, UTC+8); the iotLan*
    // times: Unix seconds when the unit last heard its LAN peers (EFSDK).
    identity: ['cloudMetter.model', 'cloudMetter.sn', 'gridCodeVersion', 'iotLan1LastRecvDataTime', 'iotLan2LastRecvDataTime', 'quota_cloud_ts', 'seriesConnectDeviceId', 'stormPatternEndTime', 'systemGroupId', 'systemMeshId'],
    status: [
      'bmsBattHeating',
      'bmsChgDsgState',
      'bsmSysEvent',
      'cloudMetter.hasMeter',
      'cmsBmsRunState',
      'cmsChgDsgState',
      'devCtrlStatus',
      'devErrcodeList',
      'devSleepState',
      'distributedDeviceStatus',
      'energyBackupState',
      'gridConnectionSta',
      'iotLan1FsmState',
      'iotLan1PlugCounts',
      'lanSysMeterValue',
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
      'sysPwrFlag',
      // Switched on and off within 1.2 s in EFSDK: the unit's state, not a setting.
      'useLanMeter',
    ],
    // In EFSDK's captures, no source names them: pvIoutFilt 12 at night, iDabLv −77, pwr12v 0.
    reserved: ['iDabLv', 'pvIoutFilt', 'pwr12v'],
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
    { key: 'iotLan1PlugConsPwr', reason: "a Smart Plug's power, relayed over the LAN (EFSDK −1130 = the plug's own consWatt at the same second): the plug's own series", tags: ['EFSDK'] },
    { key: 'offgrid1ActivePower', reason: "the backup socket's power (EFSDK 31 W beside powGetSchuko2 27–29 W): the port is read from powGetSchuko*", tags: ['EFSDK'] },
    ...unmappedKeys(['offgridVout1Rms', 'offgridVout2Rms', 'ongridVinRms', 'ongridVoutRms'], 'inverter RMS voltages (0.1 V: EFSDK 2448 beside gridConnectionVol 243.7): the AC voltage is gridConnectionVol', ['EFSDK']),
    { key: 'ongridInActivePower', reason: "the inverter's grid-side power (EFSDK −33 beside gridConnectionPower −37.5 / −30.8): as gridConnectionPower", tags: ['EFSDK'] },
    ...unmappedKeys(['powerportNtcNum', 'powerportTemp'], 'temperatures of the power ports (8 sensors, 23–25 °C in EFSDK): no unified metric', ['EFSDK']),
    { key: 'voltFreqfilter', reason: 'looks like the grid frequency in 0.01 Hz (EFSDK 4989 on units that send no gridConnectionFreq), but no source names it: unconfirmed', tags: ['EFSDK'] },
    ...unmappedKeys(['invIl1Rms', 'ongridIinRms', 'dciFilt', 'vBat', 'seriesPower', 'dabLvTempNtc'], "inverter internals in EFSDK's other units (currents, a DC-link voltage, a series power, a converter temperature): no source names their units", ['EFSDK']),
    ...unmappedKeys(['iotMemHeapSize', 'iotMemInternalFreeSize', 'iotMemLargestFreeSize'], "the IoT module's free memory (bytes): the module's health, not the device's", ['EFSDK']),
    ...unmappedKeys(['inputWatts', 'outputWatts'], "this pack's charge / discharge power, not device totals; battery power is vol × amp (they agree: 900 W)"),
    ...unmappedKeys(['bmsBattSoc', 'soc', 'f32ShowSoc', 'v1p0.lcdShowSoc'], "this unit's pack (46 %), not the system SoC the app shows (cmsBattSoc 43 %)"),
    ...unmappedKeys(['realSoh', 'cmsBattSoh'], "alternatives to bmsBattSoh; cmsBattSoh is the system's"),
    ...unmappedKeys(['maxCellTemp', 'minCellTemp'], 'battery temperature takes the pack reading (temp)'),
    ...unmappedKeys(['designCap', 'fullCap', 'remainCap', 'bmsDesignCap', 'cmsBattFullEnergy'], 'capacities, no unified metric; bmsDesignCap / cmsBattFullEnergy units unconfirmed (Wh-like 1920 / 3840 vs FOX mAh)', ['FOX']),
    ...unmappedKeys(['bmsChgRemTime', 'bmsDsgRemTime'], "this unit's pack: equal to cmsDsgRemTime on every unit in EFSDK (2241, 2623, …), which the row reads", ['EFSDK']),
    { key: 'remainTime', reason: 'one value for both directions; FOX says hours: unit unconfirmed', tags: ['FOX'] },
    { key: 'powGetPvSum', reason: "system-wide PV of all STREAM units (2051 W while this unit's strings read 0): not a port of this device" },
    ...unmappedKeys(['plugInInfoPvVol', 'plugInInfoPvAmp', 'plugInInfoPv2Vol', 'plugInInfoPv2Amp', 'plugInInfoPv3Vol', 'plugInInfoPv3Amp', 'plugInInfoPv4Vol', 'plugInInfoPv4Amp'], 'per-string PV voltage / current: no unified metric'),
    ...unmappedKeys(['gridConnectionPower', 'sysGridConnectionPower'], "the unit's (system's) AC port power; sign not documented: EFSDK reads −31.8 W while the unit's socket gives 25–33 W from an idle pack (so − is drawn from the AC side), TOL's sample −967 W while its pack charges at 900 W", ['TOL', 'EFSDK']),
    { key: 'gridConnectionAmp', reason: 'no unified AC-current metric' },
    ...unmappedKeys(['powGetSysLoadFromBp', 'powGetSysLoadFromGrid', 'powGetSysLoadFromPv'], 'split of the load by source: the total is powGetSysLoad'),
    ...unmappedKeys(['cloudMetter.phaseAPower', 'cloudMetter.phaseBPower', 'cloudMetter.phaseCPower'], "the smart meter's per-phase readings; powGetSysGrid is the system's grid power"),
    { key: 'sysVer', reason: "BMS firmware (BMS heartbeat), not the unit's", tags: ['DIAG'] },
  ],
};
