/**
 * What DELTA 2, DELTA 2 Max and the RIVER 2 family share: one firmware generation with the same
 * modules (`pd.`, `bms_bmsStatus.`, `bms_emsStatus.`, `inv.`, `mppt.`) and key names. DOC's page
 * Delta2.md is the generation's key list (there is no RIVER 2 page); the pack voltage's unit, the
 * PV inputs and the extra-battery ports differ per family and stay in each family's file.
 */
import { RAW_ONLY_REASONS, AC_FREQUENCY, CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type MappingRow, type RawOnlyRule, type UnmappedKey } from './device-family.js';

export const DELTA2_GENERATION_ROWS: readonly MappingRow[] = [
  // lcdShowSoc is the combined SoC of main and extra batteries, as the display shows it.
  { metric: 'batterySoc', key: ['bms_emsStatus.f32LcdShowSoc', 'bms_emsStatus.lcdShowSoc', 'pd.soc'], scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'TOL'], evidence: 'DOC Delta2 (lcdShowSoc, f32LcdShowSoc: %), TOL' },
  { metric: 'batterySoh', key: 'bms_bmsStatus.soh', scale: 0.01, valid: HEALTH_PERCENT, tags: ['DOC'], evidence: 'DOC Delta2 (%)' },
  { metric: 'batteryTemperature', key: 'bms_bmsStatus.temp', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (°C)' },
  { metric: 'batteryCurrent', key: 'bms_bmsStatus.amp', scale: 0.001, tags: ['DOC', 'FIX'], evidence: 'DOC Delta2 (mA, signed); checked FIX (−3753 mA while discharging ~196 W)' },
  { metric: 'batteryCycles', key: 'bms_bmsStatus.cycles', scale: 1, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'TOL; tolwi diag dumps (not in DOC)' },
  { metric: 'batteryTimeToFull', key: 'bms_emsStatus.chgRemainTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC Delta2 (min)' },
  { metric: 'batteryTimeToEmpty', key: 'bms_emsStatus.dsgRemainTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC Delta2 (min)' },
  { metric: 'inputPower', key: 'pd.wattsInSum', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'outputPower', key: 'pd.wattsOutSum', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portInputPower', port: 'ac', key: 'inv.inputWatts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W, AC charging)' },
  { metric: 'portOutputPower', port: 'ac', key: 'inv.outputWatts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W, AC discharging)' },
  { metric: 'portOutputPower', port: 'usb', key: 'pd.usb1Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'usb', key: 'pd.usb2Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'usb', key: 'pd.qcUsb1Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'usb', key: 'pd.qcUsb2Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'pd.typec1Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'pd.typec2Watts', scale: 1, tags: ['DOC'], evidence: 'DOC Delta2 (W)' },
  { metric: 'portOutputPower', port: 'car', key: 'mppt.carOutWatts', scale: 0.1, tags: ['DOC', 'FOX'], evidence: 'DOC Delta2Max (×10, i.e. 0.1 W), FOX (0.1 W)' },
  { metric: 'acInputVoltage', key: 'inv.acInVol', scale: 0.001, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC Delta2 (mV), TOL; tolwi diag 228652' },
  { metric: 'acOutputVoltage', key: 'inv.invOutVol', scale: 0.001, tags: ['DOC', 'TOL'], evidence: 'DOC Delta2 (mV), TOL' },
  { metric: 'acInputFrequency', key: 'inv.acInFreq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC'], evidence: 'DOC Delta2 (Hz)' },
  { metric: 'acOutputFrequency', key: 'inv.invOutFreq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC'], evidence: 'DOC Delta2 (Hz)' },
];

/** Keys the three families leave out alike. */
export const DELTA2_GENERATION_UNMAPPED: readonly UnmappedKey[] = [
  ...unmappedKeys(['bms_bmsStatus.inputWatts', 'bms_bmsStatus.outputWatts'], '0 on the main pack while current flowed in real dumps (DELTA 2 FIX); battery power is computed as vol × amp instead', ['DIAG', 'FIX']),
  { key: 'pd.carWatts', reason: 'unit disputed: W (TOL) vs 0.1 W (FOX); the car port uses mppt.carOutWatts', tags: ['TOL', 'FOX'] },
  { key: 'pd.remainTime', reason: 'one signed value for both directions; bms_emsStatus.chgRemainTime / dsgRemainTime say the same per direction' },
  { key: 'mppt.outWatts', reason: "the MPPT converter's output inside the unit, not a port" },
  ...unmappedKeys(['mppt.inVol', 'mppt.inAmp'], 'PV voltage and current: no unified metric'),
  ...unmappedKeys(['bms_bmsStatus.soc', 'bms_bmsStatus.f32ShowSoc'], 'main pack only; battery_soc_ratio is the combined bms_emsStatus.f32LcdShowSoc the display shows'),
  ...unmappedKeys(['bms_bmsStatus.minCellTemp', 'bms_bmsStatus.maxCellTemp', 'bms_bmsStatus.minMosTemp', 'bms_bmsStatus.maxMosTemp'], 'battery_temperature_celsius uses the pack temp'),
  ...unmappedKeys(['bms_bmsStatus.designCap', 'bms_bmsStatus.fullCap', 'bms_bmsStatus.remainCap'], 'capacities (mAh): no unified metric'),
  ...unmappedKeys(['inv.acInAmp', 'inv.invOutAmp'], 'AC currents: no unified metric'),
  ...unmappedKeys(['inv.outTemp', 'mppt.mpptTemp', 'pd.typec1Temp', 'pd.carTemp'], 'device temperatures: no unified metric'),
];

type RawOnlyKind = keyof typeof RAW_ONLY_REASONS;

/**
 * Raw-only keys of the generation, by kind: keys at least two of the three families have (a key
 * one family's firmware spells its own way stays in that family's file). No energy counter is
 * here: DOC Delta2's "Cumulative … (Wh)" pd keys and the pack's bms_bmsInfo.accu*Energy are
 * read by energy rows on some families and not on others (all 0 on DELTA 2, counting on the
 * DELTA 2 Max and RIVER 2 Max dumps), so each family's file says which it reads, which it
 * leaves out and why. DOC Delta2 gives the other meanings that sorted them: pd.bpPowerSoc is the backup reserve the app
 * sets (watthConfig), pd.wifiAutoRcvy a power-on Wi-Fi mode, the *Type keys the charging and
 * discharging source actually in use, openBmsIdx which packs are enabled, bqSysStatReg the
 * BQ protection register, icoBytes flag bits.
 */
const GENERATION_RAW_ONLY: Readonly<Record<RawOnlyKind, readonly string[]>> = {
  settings: [
    'bms_bmsStatus.tagChgAmp',
    'bms_bmsStatus.targetSoc',
    'bms_emsStatus.chgAmp',
    'bms_emsStatus.maxChargeSoc',
    'bms_emsStatus.maxCloseOilEb',
    'bms_emsStatus.minDsgSoc',
    'bms_emsStatus.minOpenOilEb',
    'inv.FastChgWatts',
    'inv.SlowChgWatts',
    'inv.acDipSwitch',
    'inv.cfgAcEnabled',
    'inv.cfgAcOutFreq',
    'inv.cfgAcOutVol',
    'inv.cfgAcWorkMode',
    'inv.cfgAcXboost',
    'inv.standbyMins',
    'mppt.acStandbyMins',
    'mppt.carStandbyMin',
    'mppt.cfgAcEnabled',
    'mppt.cfgAcOutFreq',
    'mppt.cfgAcOutVol',
    'mppt.cfgAcXboost',
    'mppt.cfgChgType',
    'mppt.cfgChgWatts',
    'mppt.dcChgCurrent',
    'mppt.powStandbyMin',
    'mppt.scrStandbyMin',
    'pd.acAutoOnCfg',
    'pd.acAutoOutConfig',
    'pd.beepMode',
    'pd.bpPowerSoc',
    'pd.brightLevel',
    'pd.hysteresisAdd',
    'pd.lcdOffSec',
    'pd.minAcoutSoc',
    'pd.standbyMin',
    'pd.watchIsConfig',
    'pd.wifiAutoRcvy',
  ],
  identity: [
    'bms_bmsStatus.bmsHeartVer',
    'bms_bmsStatus.cellId',
    'bms_bmsStatus.hwVersion',
    'bms_bmsStatus.loaderVer',
    'bms_bmsStatus.num',
    'bms_bmsStatus.packSn',
    'bms_bmsStatus.productDetail',
    'bms_bmsStatus.productType',
    'bms_bmsStatus.sysVer',
    'bms_bmsStatus.type',
    'bms_emsStatus.bmsModel',
    'bms_emsStatus.emsVer',
    'bms_kitInfo.version',
    'inv.invType',
    'inv.sysVer',
    'mppt.swVer',
    'pd.model',
    'pd.wifiVer',
  ],
  status: [
    'bms_bmsStatus.allBmsFault',
    'bms_bmsStatus.allErrCode',
    'bms_bmsStatus.bmsFault',
    'bms_bmsStatus.bqSysStatReg',
    'bms_bmsStatus.chgState',
    'bms_bmsStatus.errCode',
    'bms_bmsStatus.openBmsIdx',
    'bms_bmsStatus.sysState',
    'bms_emsStatus.bmsIsConnt',
    'bms_emsStatus.bmsWarState',
    'bms_emsStatus.chgCmd',
    'bms_emsStatus.chgDisCond',
    'bms_emsStatus.chgLinePlug',
    'bms_emsStatus.chgState',
    'bms_emsStatus.dsgCmd',
    'bms_emsStatus.dsgDisCond',
    'bms_emsStatus.emsIsNormalFlag',
    'bms_emsStatus.fanLevel',
    'bms_emsStatus.openBmsIdx',
    'bms_emsStatus.openUpsFlag',
    'bms_emsStatus.sysChgDsgState',
    'inv.chargerType',
    'inv.chgPauseFlag',
    'inv.dischargeType',
    'inv.errCode',
    'inv.fanState',
    'mppt.beepState',
    'mppt.carState',
    'mppt.chgPauseFlag',
    'mppt.chgState',
    'mppt.chgType',
    'mppt.dc24vState',
    'mppt.dischargeType',
    'mppt.faultCode',
    'mppt.x60ChgType',
    'pd.acAutoOutPause',
    'pd.carState',
    'pd.chgDsgState',
    'pd.dcOutState',
    'pd.errCode',
    'pd.ext3p8Port',
    'pd.ext4p8Port',
    'pd.extRj45Port',
    'pd.icoBytes',
  ],
  cells: ['bms_bmsStatus.balanceState', 'bms_bmsStatus.cellTemp', 'bms_bmsStatus.cellVol', 'bms_bmsStatus.maxCellVol', 'bms_bmsStatus.maxVolDiff', 'bms_bmsStatus.minCellVol', 'bms_bmsStatus.mosState'],
  reserved: ['bms_kitInfo.aviDataLen', 'inv.reserved', 'mppt.res', 'pd.reserved'],
  energyCounters: [],
  counters: ['bms_bmsStatus.chgCap', 'bms_bmsStatus.dsgCap', 'pd.carUsedTime', 'pd.dcInUsedTime', 'pd.invUsedTime', 'pd.mpptUsedTime', 'pd.relaySwitchCnt', 'pd.typecUsedTime', 'pd.usbUsedTime', 'pd.usbqcUsedTime'],
  unmapped: [
    'bms_bmsStatus.actSoc',
    'bms_bmsStatus.caleSoh',
    'bms_bmsStatus.cycSoh',
    'bms_bmsStatus.diffSoc',
    'bms_bmsStatus.ecloudOcv',
    'bms_bmsStatus.realSoh',
    'bms_bmsStatus.remainTime',
    'bms_emsStatus.chgVol',
    'bms_emsStatus.maxAvailNum',
    'bms_emsStatus.paraVolMax',
    'bms_emsStatus.paraVolMin',
    'bms_kitInfo.kitNum',
    'bms_kitInfo.watts',
    'inv.dcInAmp',
    'inv.dcInTemp',
    'inv.dcInVol',
    'mppt.carOutAmp',
    'mppt.carOutVol',
    'mppt.carTemp',
    'mppt.dc24vTemp',
    'mppt.dcdc12vAmp',
    'mppt.dcdc12vVol',
    'mppt.dcdc12vWatts',
    'mppt.outAmp',
    'mppt.outVol',
    'pd.typec2Temp',
    'pd.wifiRssi',
    'pd.wireWatts',
  ],
  tasks: [],
};

/**
 * The generation's raw-only rules with a family's own keys added to each kind: one rule per
 * kind, so each reason is listed once per family.
 */
export function delta2GenerationRawOnly(own: Partial<Record<RawOnlyKind, readonly string[]>>): RawOnlyRule[] {
  return (Object.keys(RAW_ONLY_REASONS) as RawOnlyKind[]).map((kind) => ({ reason: RAW_ONLY_REASONS[kind], keys: [...GENERATION_RAW_ONLY[kind], ...(own[kind] ?? [])] })).filter((rule) => rule.keys.length > 0);
}
