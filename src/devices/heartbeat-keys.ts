/**
 * The raw-only keys of the BMS and EMS heartbeats that DELTA 3 and STREAM both report. The two
 * families speak the same app-protocol generation and flatten the same two structs into their
 * quota: the BMS heartbeat (`vol`, `amp`, `soh`, `cycles`, `temp`, cell extremes, pack identity;
 * DELTA 2's bms_bmsStatus under newer names, e.g. bmsHeartbeatVer, calendarSoh) and the EMS
 * heartbeat (`v1p0.*`, `v1p3.*`; DELTA 2's bms_emsStatus). The lists are the keys both the real
 * DELTA 3 dump (DIAG) and STREAM's payloads (TOL stream_ac.py; the EFSDK captures) carry, each
 * under the reason both families gave it.
 *
 * Not delta3-generation.ts: that module is what DELTA 3 shares with DELTA Pro 3 (DOC's quota/all
 * names), and no DELTA Pro 3 dump shows a heartbeat; STREAM shares the heartbeats, not those rows.
 *
 * A heartbeat key only one family's payload has (STREAM's heatfilmNtcNum, bsmSysEvent), or one
 * the two families account for differently (DELTA 3 maps
 * v1p0.chgRemainTime; STREAM, whose rows read the system's cms* keys, leaves it raw-only), stays
 * in that family's file.
 */
import { RAW_ONLY_REASONS, type RawOnlyRule } from './device-family.js';

type RawOnlyKind = keyof typeof RAW_ONLY_REASONS;

const HEARTBEAT_RAW_ONLY: Readonly<Partial<Record<RawOnlyKind, readonly string[]>>> = {
  settings: ['tagChgAmp', 'targetSoc', 'v1p0.chgAmp', 'v1p0.maxChargeSoc', 'v1p0.maxCloseOilEbSoc', 'v1p0.minDsgSoc', 'v1p0.minOpenOilEbSoc'],
  identity: ['bmsHeartbeatVer', 'bmsSn', 'cellId', 'hwVer', 'num', 'packSn', 'productDetail', 'productType', 'sysLoaderVer', 'type', 'v1p0.bmsModel', 'v1p3.emsHeartbeatVer'],
  status: [
    'afeSysStatus',
    'allBmsFault',
    'allErrCode',
    'bmsAlarmState1',
    'bmsAlarmState2',
    'bmsFault',
    'bmsFaultState',
    'bmsProtectState1',
    'bmsProtectState2',
    'bqSysStatReg',
    'chgDsgState',
    'errCode',
    'mcuPinInStatus',
    'mcuPinOutStatus',
    'openBmsFlag',
    'sysState',
    'v1p0.bmsIsConnt',
    'v1p0.bmsWarningState',
    'v1p0.chgCmd',
    'v1p0.chgState',
    'v1p0.dsgCmd',
    'v1p0.emsIsNormalFlag',
    'v1p0.fanLevel',
    'v1p0.openBmsIdx',
    'v1p0.openUpsFlag',
    'v1p3.chgDisableCond',
    'v1p3.chgLinePlugInFlag',
    'v1p3.dsgDisableCond',
    'v1p3.sysChgDsgState',
    'waterInFlag',
  ],
  cells: ['balanceCmd', 'balanceState', 'cellNtcNum', 'cellSeriesNum', 'cellTemp', 'cellVol', 'curSensorNtcNum', 'curSensorTemp', 'envNtcNum', 'heatfilmTemp', 'maxCellVol', 'maxMosTemp', 'maxVolDiff', 'minCellVol', 'minMosTemp', 'mosNtcNum', 'mosState', 'mosTemp', 'remainBalanceTime'],
  // The pack's lifetime mAh. Its lifetime Wh (accuChgEnergy / accuDsgEnergy) are read by the
  // battery energy rows of both families, so they are in no raw-only rule.
  counters: ['accuChgCap', 'accuDsgCap'],
  unmapped: ['actSoc', 'calendarSoh', 'cycleSoh', 'diffSoc', 'ecloudOcv', 'envTemp', 'maxCurSensorTemp', 'maxEnvTemp', 'minCurSensorTemp', 'minEnvTemp', 'v1p0.chgVol', 'v1p0.maxAvailableNum', 'v1p0.paraVolMax', 'v1p0.paraVolMin'],
};

/**
 * The heartbeats' raw-only rules with a family's own keys added to each kind: one rule per kind,
 * so each reason is listed once per family (as delta2GenerationRawOnly does).
 */
export function heartbeatRawOnly(own: Partial<Record<RawOnlyKind, readonly string[]>>): RawOnlyRule[] {
  return (Object.keys(RAW_ONLY_REASONS) as RawOnlyKind[]).map((kind) => ({ reason: RAW_ONLY_REASONS[kind], keys: [...(HEARTBEAT_RAW_ONLY[kind] ?? []), ...(own[kind] ?? [])] })).filter((rule) => rule.keys.length > 0);
}
