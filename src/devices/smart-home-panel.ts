/**
 * Smart Home Panel (v1): a transfer-switch panel; its "battery" is the DELTA Pro units wired to
 * it. Cites DOC SmartHomePanel, TOL public/smart_home_panel.py, DIAG smart_home_panel.json (real:
 * grid down, one DELTA Pro at 54 % feeding the circuits). Its numbers come from different
 * moments (channelPower.time 21:08, heartbeat 21:47), so circuits (99.5 W), battery channel
 * infoList[10] (173.8 W) and energyInfos[0].outputPower (203 W) do not balance exactly.
 */
import { RAW_ONLY_REASONS, CHARGE_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily, type MappingRow } from './device-family.js';

/**
 * Circuits 1–10 of `infoList` (entries 10 and 11 are the two backup-battery channels, TOL). The
 * top-level infoList is the newer push; quota/all may only have channelPower.infoList.
 */
const CIRCUIT_ROWS: readonly MappingRow[] = Array.from(
  { length: 10 },
  (_, i): MappingRow => ({
    metric: 'loadPower',
    key: [`infoList[${i}].chWatt`, `channelPower.infoList[${i}].chWatt`],
    scale: 1,
    tags: ['TOL'],
    evidence: `TOL smart_home_panel.py (circuit ${i + 1} power, W; "Circuits Combined Power" = circuits 1–10)`,
  }),
);

/**
 * The (up to two) backup batteries, net: the unit's input (lcdInputWatts: grid charging through
 * the panel, or its own PV) − its output to the panel (outputPower). An empty slot reports
 * zeros (energyInfos[1] in the real dump), which add nothing.
 */
const BACKUP_BATTERY_ROWS: readonly MappingRow[] = [0, 1].map(
  (n): MappingRow => ({
    // Both or nothing: input alone would read as charging.
    metric: 'batteryPower',
    key: `heartbeat.energyInfos[${n}].lcdInputWatts`,
    minus: `heartbeat.energyInfos[${n}].outputPower`,
    scale: 1,
    tags: ['TOL', 'DIAG'],
    evidence: `TOL (battery ${n + 1} input − output power, W); real dump 0 − 203 W while the grid is down`,
  }),
);

export const smartHomePanel: DeviceFamily = {
  id: 'smart_home_panel',
  title: 'Smart Home Panel',
  productNames: [/^Smart Home Panel$/i],
  snPrefixes: ['SP10'],
  shapeKeys: ['heartbeat.backupBatPer', 'heartbeat.backupChaTime', 'heartbeat.energyInfos[0].batteryPercentage'],
  streamShape: 'params',
  energy: { ratedPowerW: 0, ratedPowerEvidence: 'not yet researched', rows: [] },
  rows: [
    // A panel with no backup battery wired has no capacity: its 0 % is not a battery.
    { metric: 'batterySoc', key: 'heartbeat.backupBatPer', when: { key: 'heartbeat.backupFullCap', min: 1 }, scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'TOL'], evidence: 'DOC SmartHomePanel (combined backup SoC, %), TOL' },
    // DOC: "backup discharge time", despite the name. DIAG: 443 min while discharging, against
    // the battery's own dischargeTime 442.
    { metric: 'batteryTimeToEmpty', key: 'heartbeat.backupChaTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC SmartHomePanel (min), TOL; checked DIAG: 443 vs energyInfos[0].dischargeTime 442' },
    ...BACKUP_BATTERY_ROWS,
    ...CIRCUIT_ROWS,
  ],
  rawOnly: [
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: ['backupChaDiscCfg.discLower', 'backupChaDiscCfg.forceChargeHigh', 'chUseInfo.isEnable', 'emergencyStrategy.backupMode', 'emergencyStrategy.isCfg', 'emergencyStrategy.overloadMode', 'epsModeInfo.eps', 'heartbeat.timezoneInfo.timezone', 'splitPhaseInfo.cfgList'],
    },
    {
      reason: RAW_ONLY_REASONS.identity,
      keys: [
        'addr',
        'areaInfo.cmdSet',
        'areaInfo.id',
        'backupChaDiscCfg.cmdSet',
        'backupChaDiscCfg.id',
        'backupLoadWatt.cmdSet',
        'backupLoadWatt.id',
        'backupLoadWatt.rtc',
        'cfgSta.cmdSet',
        'cfgSta.id',
        'chUseInfo.cmdSet',
        'chUseInfo.id',
        'channelPower.cmdSet',
        'channelPower.id',
        'channelPower.time.day',
        'channelPower.time.hour',
        'channelPower.time.min',
        'channelPower.time.month',
        'channelPower.time.sec',
        'channelPower.time.week',
        'channelPower.time.year',
        'cmdFunc',
        'cmdId',
        'emergencyStrategy.cmdSet',
        'emergencyStrategy.id',
        'epsModeInfo.cmdSet',
        'epsModeInfo.id',
        'gridInfo.cmdSet',
        'gridInfo.id',
        'heartbeat.cmdSet',
        'heartbeat.id',
        'heartbeat.mm100Sn',
        'heartbeat.time.day',
        'heartbeat.time.hour',
        'heartbeat.time.min',
        'heartbeat.time.month',
        'heartbeat.time.sec',
        'heartbeat.time.week',
        'heartbeat.time.year',
        'id',
        'loadChCurInfo.cmdSet',
        'loadChCurInfo.id',
        'mainsLoadWatt.cmdSet',
        'mainsLoadWatt.id',
        'mainsLoadWatt.rtc',
        'selfCheck.cmdSet',
        'selfCheck.id',
        'selfCheck.phaseType',
        'splitPhaseInfo.cmdSet',
        'splitPhaseInfo.id',
        'timestamp',
        'topupLoadWatt.cmdSet',
        'topupLoadWatt.id',
        'topupLoadWatt.rtc',
        'version',
      ],
    },
    {
      reason: RAW_ONLY_REASONS.status,
      keys: ['cfgSta.sta', 'emergencyStrategy.chSta', 'heartbeat.errorCodes', 'selfCheck.chErrorSta', 'selfCheck.errorCode', 'selfCheck.flag', 'selfCheck.result'],
    },
    {
      reason: RAW_ONLY_REASONS.energyCounters,
      keys: ['backupLoadWatt.watth', 'heartbeat.backupDayWatth', 'heartbeat.gridDayWatth', 'mainsLoadWatt.watth', 'topupLoadWatt.watth'],
    },
    {
      reason: RAW_ONLY_REASONS.counters,
      keys: ['heartbeat.workTime'],
    },
    {
      reason: RAW_ONLY_REASONS.unmapped,
      keys: ['areaInfo.area', 'channelPower.infoList', 'heartbeat.backupCmdChCtrlInfos', 'heartbeat.energyInfos', 'heartbeat.loadCmdChCtrlInfos', 'infoList', 'loadChInfo.info'],
    },
  ],
  unmapped: [
    ...unmappedKeys(['gridInfo.gridVol', 'gridInfo.gridFreq'], 'read 230 V / 50 Hz with the grid down (heartbeat.gridSta 0) in the real dump: the configured grid standard, not a measurement', ['DIAG']),
    { key: 'heartbeat.backupFullCap', reason: 'unit unconfirmed (DOC gives none; 78275 in DIAG); only used to tell whether a battery is wired at all', tags: ['DOC', 'DIAG'] },
    ...unmappedKeys(['infoList[10].chWatt', 'infoList[11].chWatt', 'channelPower.infoList[10].chWatt', 'channelPower.infoList[11].chWatt'], 'backup-battery channels: sign while charging undocumented; battery power uses energyInfos (explicit in / out)'),
    ...unmappedKeys(['heartbeat.energyInfos[0].batteryPercentage', 'heartbeat.energyInfos[1].batteryPercentage'], 'per battery; battery_soc_ratio is the combined backupBatPer'),
    ...unmappedKeys(['heartbeat.energyInfos[0].chargeTime', 'heartbeat.energyInfos[1].chargeTime'], '443 min while discharging in DIAG (equal to backupChaTime): not a time to full', ['DIAG']),
    ...unmappedKeys(['heartbeat.energyInfos[0].dischargeTime', 'heartbeat.energyInfos[1].dischargeTime'], 'per battery; backupChaTime is the combined time to empty'),
    ...unmappedKeys(['heartbeat.energyInfos[0].emsBatTemp', 'heartbeat.energyInfos[1].emsBatTemp'], 'per battery, and an empty slot reads 0 °C: no main pack to report'),
    { key: 'loadChCurInfo.cur', reason: 'values 16 / 20 / 30 look like breaker ratings (A), not live currents' },
    ...unmappedKeys(['selfCheck.vIn', 'selfCheck.vOut'], 'self-test results, not live readings'),
    { key: 'heartbeat.gridSta', reason: 'grid present flag: no unified metric' },
  ],
};
