/**
 * PowerStream micro-inverter (`20_1.` = cmdFunc 20 / cmdId 1, the inverter heartbeat). Nearly
 * every value is in tenths (invOutputWatts 1710 = 171.0 W). Cites DOC Powerstream (also as
 * comments in RUS), TOL public/powerstream.py, FOX ef_pstream_data.js, FIX
 * powerStreamProperties.ts (a real capture, battery discharging).
 *
 * What input and output mean here: the device converts DC (two PV strings, one battery) into AC
 * for the house. The battery is storage, as on a power station, so it is not counted as input:
 * input_power_watts is the PV power (pvToInvWatts), output_power_watts the AC sent to the house
 * (invOutputWatts), and input − output ≈ battery_power_watts. FIX closes exactly: PV 21 W −
 * AC 171 W = −150 W = battery discharging 150 W.
 */
import { RAW_ONLY_REASONS, AC_FREQUENCY, CHARGE_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';

/**
 * Many PowerStreams run on PV alone: no battery, and its keys read 0. A battery at 0 % would
 * fire low-battery alerts for every one of them, so battery rows need a battery voltage.
 */
const BATTERY_CONNECTED = { key: '20_1.batInputVolt', min: 1 } as const;

export const powerstream: DeviceFamily = {
  id: 'powerstream',
  title: 'PowerStream',
  productNames: [/^PowerStream$/i],
  snPrefixes: ['HW51'],
  // `20_1.` belongs to the PowerStream alone; the Smart Plug's heartbeat is `2_1.`.
  shapeKeys: ['20_1.batInputWatts', '20_1.invOutputWatts', '20_1.pv1InputWatts'],
  streamShape: 'cmd',
  energy: {
    ratedPowerW: 2400,
    ratedPowerEvidence:
      "inverter 800 W (600 W model too): FIX 20_1.ratedPower 8000 (0.1 W); two PV inputs of at most 13 A at 60 V, 780 W each (FOX pv*InputCur / pv*InputVolt ranges), battery port 800 W (FOX batInputWatts range). Everything at once, PV 2 × 780 W in plus the battery's 800 W: 2360 W, rounded up to 2400 W",
    // No device counter on the Open API: the 20_1.history* keys read 0 in both real captures
    // (raw-only, below). Every energy counter is integrated from its power.
    rows: [],
  },
  rows: [
    { metric: 'batterySoc', key: '20_1.batSoc', when: BATTERY_CONNECTED, scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC'], evidence: 'DOC Powerstream (%)' },
    { metric: 'batteryTemperature', key: '20_1.batTemp', when: BATTERY_CONNECTED, scale: 0.1, tags: ['DOC', 'TOL'], evidence: 'DOC Powerstream (0.1 °C), TOL (Decicelsius)' },
    { metric: 'batteryVoltage', key: '20_1.batInputVolt', when: BATTERY_CONNECTED, scale: 0.1, tags: ['DOC', 'TOL'], evidence: 'DOC Powerstream (0.1 V), TOL (Decivolt)' },
    // batInputWatts counts the other way round from our contract: + while the battery discharges.
    { metric: 'batteryPower', key: '20_1.batInputWatts', when: BATTERY_CONNECTED, scale: 0.1, sign: -1, tags: ['DOC', 'FIX'], evidence: 'DOC Powerstream (0.1 W, + discharging); checked FIX: PV 21 W + battery 150 W = invOutputWatts 171 W' },
    { metric: 'batteryTimeToFull', key: '20_1.chgRemainTime', when: BATTERY_CONNECTED, scale: 60, valid: REMAINING_MINUTES, tags: ['TOL', 'FIX', 'FOX'], evidence: 'TOL (RemainSensor, min), FOX; FIX 5939 = "not charging" sentinel' },
    { metric: 'batteryTimeToEmpty', key: '20_1.dsgRemainTime', when: BATTERY_CONNECTED, scale: 60, valid: REMAINING_MINUTES, tags: ['TOL', 'FOX'], evidence: 'TOL (RemainSensor, min), FOX' },
    { metric: 'inputPower', key: '20_1.pvToInvWatts', scale: 0.1, tags: ['DOC', 'FIX', 'FOX', 'SHU'], evidence: 'FOX (0.1 W; not in DOC); checked FIX 210 = pv1InputWatts 90 + pv2InputWatts 120, and so in a second real capture (shuette42/ecoflow-energy-ha hw51 fixture)' },
    { metric: 'outputPower', key: '20_1.invOutputWatts', scale: 0.1, tags: ['DOC', 'TOL', 'FIX', 'FOX'], evidence: 'DOC Powerstream (0.1 W), TOL, FOX; checked FIX (balance above)' },
    { metric: 'portInputPower', port: 'solar_1', key: '20_1.pv1InputWatts', scale: 0.1, tags: ['DOC', 'TOL', 'FIX', 'RUS', 'FOX', 'TAR'], evidence: 'DOC/RUS (0.1 W), TOL, FOX, TAR; checked FIX (29.0 V × 0.3 A = 8.7 ≈ 9.0 W)' },
    { metric: 'portInputPower', port: 'solar_2', key: '20_1.pv2InputWatts', scale: 0.1, tags: ['DOC', 'TOL', 'FIX', 'RUS', 'FOX', 'TAR'], evidence: 'DOC/RUS (0.1 W), TOL, FOX, TAR; checked FIX as part of pvToInvWatts' },
    { metric: 'portOutputPower', port: 'ac', key: '20_1.invOutputWatts', scale: 0.1, tags: ['DOC', 'TOL', 'FOX'], evidence: 'DOC Powerstream (0.1 W), TOL, FOX' },
    // The AC side is the inverter's output (the PowerStream cannot charge from AC): output, not input.
    { metric: 'acOutputVoltage', key: '20_1.invOpVolt', scale: 0.1, tags: ['DOC', 'TOL', 'FOX'], evidence: 'DOC Powerstream (0.1 V), TOL (Decivolt), FOX' },
    { metric: 'acOutputFrequency', key: '20_1.invFreq', scale: 0.1, valid: AC_FREQUENCY, tags: ['DOC', 'TOL'], evidence: 'DOC Powerstream (0.1 Hz), TOL (Decihertz)' },
  ],
  rawOnly: [
    { prefixes: ['20_134.'], reason: RAW_ONLY_REASONS.tasks },
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: ['20_1.batOutputLoadLimit', '20_1.bmsReqChgAmp', '20_1.bmsReqChgVol', '20_1.installCountry', '20_1.installTown', '20_1.invBrightness', '20_1.invOutputLoadLimit', '20_1.lowerLimit', '20_1.pvPowerLimitAcPower', '20_1.supplyPriority', '20_1.upperLimit', '20_1.wifiEncryptMode'],
    },
    {
      reason: RAW_ONLY_REASONS.identity,
      keys: ['20_1.bpType', '20_1.meshId', '20_1.parentMac', '20_1.selfMac', '20_1.staIpAddr', '20_1.updateTime'],
    },
    {
      reason: RAW_ONLY_REASONS.status,
      keys: [
        '20_1.acOffFlag',
        '20_1.antiBackFlowFlag',
        '20_1.batErrCode',
        '20_1.batErrorInvLoadLimit',
        '20_1.batLoadLimitFlag',
        '20_1.batOffFlag',
        '20_1.batStatue',
        '20_1.batWarningCode',
        '20_1.interfaceConnFlag',
        '20_1.invErrCode',
        '20_1.invLoadLimitFlag',
        '20_1.invOnOff',
        '20_1.invRelayStatus',
        '20_1.invStatue',
        '20_1.invWarnCode',
        '20_1.llcErrCode',
        '20_1.llcOffFlag',
        '20_1.llcStatue',
        '20_1.llcWarningCode',
        '20_1.mqttErr',
        '20_1.mqttErrTime',
        '20_1.mqttLastDisReason',
        '20_1.mqttSockErrno',
        '20_1.mqttTlsLastErr',
        '20_1.mqttTlsStackErr',
        '20_1.pv1CtrlMpptOffFlag',
        '20_1.pv1ErrCode',
        '20_1.pv1RelayStatus',
        '20_1.pv1Statue',
        '20_1.pv1WarnCode',
        '20_1.pv2CtrlMpptOffFlag',
        '20_1.pv2ErrCode',
        '20_1.pv2RelayStatus',
        '20_1.pv2Statue',
        '20_1.pv2WarningCode',
        '20_1.resetReason',
        '20_1.uwloadLimitFlag',
        '20_1.uwlowLightFlag',
        '20_1.uwsocFlag',
        '20_1.wifiErr',
        '20_1.wifiErrTime',
        '20_1.wirelessErrCode',
        '20_1.wirelessWarnCode',
      ],
    },
    {
      reason: RAW_ONLY_REASONS.reserved,
      keys: ['20_1.consNum', '20_1.consWatt', '20_1.fisoRxyz', '20_1.geneNum', '20_1.geneWatt'],
    },
    {
      reason: RAW_ONLY_REASONS.counters,
      keys: ['20_1.resetCount'],
    },
    {
      reason: RAW_ONLY_REASONS.unmapped,
      keys: ['20_1.batSystem', '20_1.espTempsensor', '20_1.feedProtect', '20_1.heartbeatFrequency', '20_1.meshLayel', '20_1.noiseFloor', '20_1.stackFree', '20_1.stackMinFree', '20_1.wifiConnectChannel', '20_1.wifiRssi'],
    },
    { keys: ['2_1', '2_2'], reason: "empty objects named like the Smart Plug's heartbeat and task modules (FIX): nothing to read", tags: ['FIX'] },
    // Not energy counters as far as anyone knows: no source documents unit or meaning.
    { prefixes: ['20_1.history'], reason: "every key starting 20_1.history: no source gives their unit or meaning, and all read 0 in FIX and in SHU's capture", tags: ['FIX', 'SHU'] },
  ],
  unmapped: [
    { key: '20_1.batInputCur', reason: 'unit unconfirmed: 0.1 A (DOC, TAR) vs mA (TOL, FOX); 0 in both real captures while power flowed. Battery power comes from batInputWatts', tags: ['DOC', 'TOL', 'FOX', 'TAR'] },
    { key: '20_1.invOutputCur', reason: "no unified AC-current metric (its unit is mA per TOL/FOX, not DOC's 0.1 A: FIX 1126 at 171 W)", tags: ['DOC', 'TOL', 'FIX', 'FOX'] },
    ...unmappedKeys(['20_1.pv1InputVolt', '20_1.pv2InputVolt', '20_1.pv1InputCur', '20_1.pv2InputCur'], 'no unified per-port voltage or current metric (0.1 V, 0.1 A per DOC)', ['DOC']),
    ...unmappedKeys(['20_1.pv1OpVolt', '20_1.pv2OpVolt', '20_1.batOpVolt', '20_1.llcOpVolt', '20_1.invInputVolt', '20_1.llcInputVolt'], 'internal converter voltages, not ports; batInputVolt gives the battery voltage'),
    ...unmappedKeys(['20_1.invTemp', '20_1.llcTemp', '20_1.pv1Temp', '20_1.pv2Temp'], 'device temperatures: no unified metric'),
    { key: '20_1.permanentWatts', reason: 'the configured base load (a setting TOL writes, 0–800 W), not a measured load', tags: ['TOL'] },
    ...unmappedKeys(['20_1.dynamicWatts', '20_1.plugTotalWatts', '20_1.invToPlugWatts', '20_1.invToOtherWatts'], 'how the AC output is split between smart plugs and the base load; not the household load, which the PowerStream does not measure'),
    { key: '20_1.gridConsWatts', reason: 'meaning and sign established by no source (one capture reads − as export, no import case seen; FOX labels it V): not mapped to grid_power_watts', tags: ['FOX'] },
    ...unmappedKeys(['20_1.ratedPower', '20_1.invDemandWatts', '20_1.spaceDemandWatts', '20_1.floadLimitOut', '20_1.acSetWatts'], 'limits and set-points, not measurements'),
    { key: '20_1.wifiFirmwareVersion', reason: "the Wi-Fi module's version, not the inverter firmware; the quota has no main sysVer, so no firmware label" },
  ],
};
