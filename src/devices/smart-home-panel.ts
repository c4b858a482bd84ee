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

/** The device-local day of the heartbeat's daily counters: year, month, day (DIAG 2025, 12, 6). */
const DAY = ['heartbeat.time.year', 'heartbeat.time.month', 'heartbeat.time.day'] as const;

export const smartHomePanel: DeviceFamily = {
  id: 'smart_home_panel',
  title: 'Smart Home Panel',
  productNames: [/^Smart Home Panel$/i],
  snPrefixes: ['SP10'],
  shapeKeys: ['heartbeat.backupBatPer', 'heartbeat.backupChaTime', 'heartbeat.energyInfos[0].batteryPercentage'],
  streamShape: 'params',
  energy: {
    ratedPowerW: 50960,
    ratedPowerEvidence:
      "what its circuits can carry plus the DELTA Pro charging it feeds: the breakers of circuits 1–10 in the real dump (loadChCurInfo.cur 16 + 30 + 16 + 30 + 16 + 16 + 16 + 16 + 16 + 20 = 192 A) at 230 V = 44 160 W, plus up to 6800 W of DELTA Pro charging (the installation guide as summarised on manuzoid.com, 'EcoFlow Smart Home Panel Installation guide': 10 circuits, 240 V / 160 A, DELTA Pros charged at up to 6800 W) = 50 960 W",
    rows: [
      {
        kind: 'daily',
        rating: {
          watts: 36000,
          evidence: "the panel's 10 circuits at 30 A each (FOX ef_panel_data.js loadChCurInfo, current range 0–30 A; DIAG's largest breaker 30 A) × 120 V: the panel is a US split-phase product (120/240 V). DELTA Pro charging is not in this counter (DIAG gridDayWatth 7280 ≈ Σ mains buckets 7188)",
        },
        metric: 'gridImportEnergy',
        keys: ['heartbeat.gridDayWatth'],
        day: DAY,
        scale: 3600,
        tags: ['DOC', 'TOL', 'DIAG', 'FIX', 'FOX'],
        evidence:
          'the circuits\' energy from the grid today (Wh, float; DOC "grid power consumption per day" without a unit, TOL InEnergySensorEntity Wh, FOX Wh): DIAG 7280.39 against the circuits\' mainsLoadWatt buckets Σ 7188 (−1.3 %), FIX 6232.75 against 6170. The grid energy that charges the DELTA Pros through the panel is not in it',
      },
      {
        kind: 'daily',
        rating: { watts: 7200, evidence: 'two DELTA Pros × 3600 W (DIAG energyInfos[].ratePower 3600; FOX spec DELTA Pro acOutput 3600W); their surges fit in the margin' },
        metric: 'batteryDischargeEnergy',
        keys: ['heartbeat.backupDayWatth'],
        day: DAY,
        scale: 3600,
        tags: ['DOC', 'TOL', 'DIAG', 'FIX', 'FOX'],
        evidence: "the circuits' energy from the backup batteries today (Wh; DOC, TOL OutEnergySensorEntity, FOX): DIAG 2294.229 against the backupLoadWatt buckets Σ 2098, FIX 522.95 against 494. It stands for the batteries' discharge into the panel; their charge stays integrated from battery_power_watts",
      },
      // Both keys added: what the circuits used today, from grid and battery. load_power_watts is
      // the circuits' sum, so its integral is given up for this counter, on purpose.
      {
        kind: 'daily',
        rating: { watts: 36000, evidence: 'grid and battery reach the circuits through the same 10 × 30 A breakers at 120 V (as grid_import_energy)' },
        metric: 'loadEnergy',
        keys: ['heartbeat.gridDayWatth', 'heartbeat.backupDayWatth'],
        day: DAY,
        scale: 3600,
        tags: ['DOC', 'TOL', 'DIAG'],
        evidence: "the circuits' energy today, grid + battery (Wh; DOC, TOL): DIAG 7280.39 + 2294.229 = 9574.619 Wh",
      },
      {
        kind: 'circuit-buckets',
        rating: { watts: 3600, evidence: "one circuit's breaker: 30 A × 120 V (FOX ef_panel_data.js loadChCurInfo; DIAG loadChCurInfo.cur); twice this covers a channel reported at 240 V" },
        metric: 'circuitEnergy',
        key: 'mainsLoadWatt.watth',
        day: ['mainsLoadWatt.rtc'],
        source: 'grid',
        circuits: 10,
        scale: 3600,
        tags: ['DOC', 'FIX', 'DIAG', 'FOX'],
        evidence:
          "per circuit, per device-local hour, today's energy from the grid (integer Wh): 10 arrays of 24 (FIX schema integer[][]; FOX sums each row into watthDaytoDate, Wh); rtc names the day (DIAG '2025-12-6'). DIAG: Σ 7188 Wh ≈ gridDayWatth 7280; buckets filled up to the current hour, mains 0 after hour 18 when the grid went down. Not in DOC",
      },
      {
        kind: 'circuit-buckets',
        rating: { watts: 3600, evidence: "one circuit's breaker, as from the grid: 30 A × 120 V" },
        metric: 'circuitEnergy',
        key: 'backupLoadWatt.watth',
        day: ['backupLoadWatt.rtc'],
        source: 'battery',
        circuits: 10,
        scale: 3600,
        tags: ['DOC', 'FIX', 'DIAG', 'FOX'],
        evidence: "per circuit, per hour, today's energy from the backup batteries (integer Wh, 10 × 24): DIAG Σ 2098 Wh ≈ backupDayWatth 2294, filled in hours 18–21 while the grid was down. Not in DOC",
      },
    ],
  },
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
        'heartbeat.time.hour',
        'heartbeat.time.min',
        'heartbeat.time.sec',
        'heartbeat.time.week',
        'id',
        'loadChCurInfo.cmdSet',
        'loadChCurInfo.id',
        'mainsLoadWatt.cmdSet',
        'mainsLoadWatt.id',
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
      // 2 × 24 hourly Wh of the battery channels (FOX "Daily energy DP1/DP2"): meaning unconfirmed.
      reason: RAW_ONLY_REASONS.energyCounters,
      tags: ['FOX'],
      keys: ['topupLoadWatt.watth'],
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
