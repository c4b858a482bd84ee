import { AC_FREQUENCY, CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, type DeviceFamily, type MappingRow } from './device-family.js';

/**
 * DELTA 3 generation and DELTA Pro 3: flat camelCase keys, powers as float W. Sources: DOC =
 * Olli0103/ecoflow API/DeltaPro3.md (the only official key list of the generation), TOL =
 * tolwi/hassio-ecoflow-cloud devices/internal/delta3.py and public/delta3_max_plus.py, DIAG =
 * tolwi diag/delta_3_2.json (a real DELTA 3 dump, app MQTT: src/simulator/payloads/delta3.json).
 *
 * Output-only ports are read with `abs`: the real DELTA 3 dump reports powGetAcOut −194.6 while
 * powOutSumW is +196 (TOL wraps these keys in OutWattsAbsSensorEntity for that reason), and an
 * Open-API DELTA Pro 3 client documents the same keys as "(-N W)" (PietroLubini/homebridge-ecoflow
 * deltaPro3HttpApiContracts.ts, which takes Math.abs). A port that only delivers power has one
 * direction, which the metric name already says; the bidirectional ports (Power In/Out,
 * extra-battery) stay unmapped because their sign is unconfirmed.
 */
export const DELTA3_FAMILY_ROWS: readonly MappingRow[] = [
  { metric: 'inputPower', key: 'powInSumW', scale: 1, source: 'DOC DeltaPro3 (W, float); DIAG 699 while powGetAcIn 696.2 (AC the only input)' },
  { metric: 'outputPower', key: 'powOutSumW', scale: 1, source: 'DOC DeltaPro3 (W, float); DIAG 196 ≈ |powGetAcOut| 194.6' },
  { metric: 'portInputPower', port: 'ac', key: 'powGetAcIn', scale: 1, source: 'DOC DeltaPro3 (W), TOL (AC in power); DIAG 696.19 while AC charging' },
  { metric: 'portOutputPower', port: 'usb', key: 'powGetQcusb1', scale: 1, abs: true, source: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb', key: 'powGetQcusb2', scale: 1, abs: true, source: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec1', scale: 1, abs: true, source: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec2', scale: 1, abs: true, source: 'DOC DeltaPro3 (W), TOL' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec3', scale: 1, abs: true, source: 'TOL public/delta3_max_plus.py (DELTA 3 Max Plus, W)' },
  // The 12 V car socket (TOL: "DC Car Out Power" on DELTA Pro 3, "DC out" on DELTA 3).
  { metric: 'portOutputPower', port: 'car', key: 'powGet12v', scale: 1, abs: true, source: 'DOC DeltaPro3 (W), TOL' },
  { metric: 'acInputFrequency', key: 'plugInInfoAcInFeq', scale: 1, valid: AC_FREQUENCY, source: 'DOC DeltaPro3 (AC input frequency, int Hz; sic "Feq")' },
];

/** Keys both families leave out. */
export const DELTA3_FAMILY_UNMAPPED = [
  { key: 'bmsBattSoc', reason: 'main pack only; battery_soc_ratio is the overall SoC (cmsBattSoc)' },
  { key: 'bmsChgRemTime / bmsDsgRemTime', reason: 'main pack only; cmsChgRemTime / cmsDsgRemTime are the whole device' },
  { key: 'cmsChgDsgState / bmsChgDsgState', reason: 'enum (0 idle, 1 discharging, 2 charging), no unified metric' },
  { key: 'bmsDesignCap / cmsBattFullEnergy', reason: 'capacities (mAh / Wh): no unified metric' },
  { key: 'bmsMinCellTemp / bmsMaxMosTemp / bmsMinMosTemp', reason: 'battery temperature takes one reading per pack (bmsMaxCellTemp)' },
  { key: 'powGet5p8 / powGet4p81 / powGet4p82', reason: 'bidirectional Power In/Out and extra-battery ports: sign unconfirmed (ecoflow-units.md §4)' },
  { key: 'acOutFreq', reason: 'the configured output frequency (cfgAcOutFreq, listed with settings), present whether or not the inverter runs' },
  { key: 'bmsBattVol / bmsBattAmp / plugInInfoAcInVol / plugInInfoAcOutVol', reason: 'app-MQTT keys (FOX), not confirmed in quota/all (ecoflow-units.md §4)' },
] as const;

/**
 * DELTA 3, 3 Plus, 3 Max, 3 Max Plus, 3 Classic (not DELTA 3 1500, which speaks the DELTA 2
 * protocol). The only real dump is app MQTT: it carries the BMS heartbeat (`vol`, `amp`, `soh`,
 * `cycles`, `temp`, same struct and units as DELTA 2's bms_bmsStatus) and the EMS heartbeat
 * (`v1p0.*`) instead of the cms* keys, so those stand in after the quota/all names.
 */
export const delta3: DeviceFamily = {
  id: 'delta3',
  title: 'DELTA 3 / 3 Plus / 3 Max / 3 Max Plus / 3 Classic',
  productNames: [/^DELTA 3$/i, /^DELTA 3 Plus$/i, /^DELTA 3 Max$/i, /^DELTA 3 Max Plus$/i, /^DELTA 3 Classic$/i],
  snPrefixes: ['P231', 'P351', 'D3N1', 'D3M1', 'P321'],
  shapeKeys: ['powInSumW', 'powOutSumW', 'powGetAcIn'],
  // DELTA Pro 3 has the same totals; its PV inputs are powGetPvH/powGetPvL, the DELTA 3's
  // powGetPv/powGetPv2. STREAM has neither powInSumW nor powOutSumW.
  shapeTest: (read) => read('powGetPvH') === undefined && read('powGetPvL') === undefined,
  // No firmware: sysVer in the dump sits in the BMS heartbeat (next to sysLoaderVer and
  // bmsHeartbeatVer), the battery's firmware, not the unit's.
  rows: [
    ...DELTA3_FAMILY_ROWS,
    // v1p0 is the EMS heartbeat: lcdShowSoc is the displayed, combined SoC (as DELTA 2's
    // bms_emsStatus.lcdShowSoc); shuette42/ecoflow-energy-ha maps it onto cmsBattSoc.
    { metric: 'batterySoc', key: ['cmsBattSoc', 'v1p0.f32LcdShowSoc', 'v1p0.lcdShowSoc'], scale: 0.01, valid: CHARGE_PERCENT, source: 'DOC DeltaPro3 (cmsBattSoc: overall SoC, float %), TOL (cms_batt_soc); DIAG v1p0.f32LcdShowSoc 97.955' },
    { metric: 'batterySoh', key: ['bmsBattSoh', 'soh'], scale: 0.01, valid: HEALTH_PERCENT, source: 'TAR, FOX (bmsBattSoh %); BMS heartbeat soh % (DIAG 100, as DELTA 2 bms_bmsStatus.soh)' },
    { metric: 'batteryTemperature', key: ['bmsMaxCellTemp', 'temp'], scale: 1, source: 'DOC DeltaPro3 (bmsMaxCellTemp: "temperature of the main battery", °C); BMS heartbeat temp °C (DIAG 32)' },
    { metric: 'batteryVoltage', key: 'vol', scale: 0.001, source: 'BMS heartbeat vol, mV (DIAG 54100; 16 cells × ~3381 mV = 54.1 V)' },
    { metric: 'batteryCurrent', key: 'amp', scale: 0.001, source: 'BMS heartbeat amp, mA, + charging (DIAG +8035 while AC charging, chgDsgState 2)' },
    { metric: 'batteryPower', key: 'vol', times: 'amp', scale: 1e-6, source: 'vol (mV) × amp (mA); checked DIAG: 54.1 V × 8.035 A = 434.7 W vs BMS inputWatts 434' },
    { metric: 'batteryCycles', key: 'cycles', scale: 1, source: 'BMS heartbeat cycles (DIAG 3; TOL CyclesSensorEntity)' },
    { metric: 'batteryTimeToFull', key: ['cmsChgRemTime', 'v1p0.chgRemainTime'], scale: 60, valid: REMAINING_MINUTES, source: 'DOC DeltaPro3 (min), TOL; DIAG v1p0.chgRemainTime 2 at 98 %' },
    { metric: 'batteryTimeToEmpty', key: ['cmsDsgRemTime', 'v1p0.dsgRemainTime'], scale: 60, valid: REMAINING_MINUTES, source: 'DOC DeltaPro3 (min), TOL; DIAG 5939 (sentinel) while charging' },
    // DELTA 3 Plus / Max have two PV inputs, the base DELTA 3 one: solar_1 throughout.
    { metric: 'portInputPower', port: 'solar_1', key: 'powGetPv', scale: 1, source: 'TOL internal/delta3.py, public/delta3_max_plus.py (W)' },
    { metric: 'portInputPower', port: 'solar_2', key: 'powGetPv2', scale: 1, source: 'TOL public/delta3_max_plus.py (W)' },
    { metric: 'portOutputPower', port: 'ac', key: 'powGetAcOut', scale: 1, abs: true, source: 'TOL internal/delta3.py (OutWattsAbsSensorEntity); DIAG −194.6 while powOutSumW 196' },
  ],
  unmapped: [
    ...DELTA3_FAMILY_UNMAPPED,
    { key: 'inputWatts / outputWatts', reason: 'BMS pack power; battery power is vol × amp (they agree in DIAG: 434 W)' },
    { key: 'soc / f32ShowSoc', reason: 'BMS (main pack) SoC; battery_soc_ratio is the combined SoC (cmsBattSoc, v1p0.lcdShowSoc)' },
    { key: 'remainTime', reason: 'BMS heartbeat, one value for both directions; v1p0 / cms* say it per direction' },
    { key: 'powGetAcOutList.powGetAcOutItem[n]', reason: 'per-outlet AC powers (DELTA 3 Max Plus); index meaning disputed (rabits/ha-ef-ble PR #420) and they would double the ac port' },
    { key: 'sysVer', reason: 'BMS firmware (BMS heartbeat), not the unit\'s' },
  ],
};

/**
 * DELTA Pro 3. No real dump: the rows use the DOC quota/all names. Outputs per TOL/DOC; the
 * totals and shared ports are the DELTA 3 rows.
 */
export const deltaPro3: DeviceFamily = {
  id: 'delta_pro_3',
  title: 'DELTA Pro 3',
  productNames: [/^DELTA Pro 3$/i],
  snPrefixes: ['MR51'],
  // The two PV inputs are DELTA Pro 3's own names (DELTA 3: powGetPv, STREAM: powGetPv…Pv4).
  shapeKeys: ['powInSumW', 'powOutSumW', 'powGetPvH', 'powGetPvL'],
  rows: [
    ...DELTA3_FAMILY_ROWS,
    { metric: 'batterySoc', key: 'cmsBattSoc', scale: 0.01, valid: CHARGE_PERCENT, source: 'DOC DeltaPro3 (overall SoC, float %), TOL' },
    { metric: 'batterySoh', key: ['bmsBattSoh', 'cmsBattSoh'], scale: 0.01, valid: HEALTH_PERCENT, source: 'TAR, FOX (%; not in the DOC copy)' },
    { metric: 'batteryTemperature', key: 'bmsMaxCellTemp', scale: 1, source: 'DOC DeltaPro3 ("temperature of the main battery", °C)' },
    { metric: 'batteryTimeToFull', key: 'cmsChgRemTime', scale: 60, valid: REMAINING_MINUTES, source: 'DOC DeltaPro3 (min)' },
    { metric: 'batteryTimeToEmpty', key: 'cmsDsgRemTime', scale: 60, valid: REMAINING_MINUTES, source: 'DOC DeltaPro3 (min)' },
    { metric: 'portInputPower', port: 'solar_hv', key: 'powGetPvH', scale: 1, source: 'DOC DeltaPro3 (high-voltage PV, W)' },
    { metric: 'portInputPower', port: 'solar_lv', key: 'powGetPvL', scale: 1, source: 'DOC DeltaPro3 (low-voltage PV, W)' },
    // TOL: "DC Anderson Out Power".
    { metric: 'portOutputPower', port: 'dc', key: 'powGet24v', scale: 1, abs: true, source: 'DOC DeltaPro3 (24 V, W), TOL' },
  ],
  unmapped: [
    ...DELTA3_FAMILY_UNMAPPED,
    {
      key: 'powGetAc / powGetAcHvOut / powGetAcLvOut / powGetAcLvTt30Out',
      reason:
        'AC outputs, but whether powGetAc ("real-time AC power") is the total of the HV/LV/TT-30 outlets or the EU model\'s only outlet (homebridge-ecoflow) is unconfirmed: summing them may double count; output_power_watts (powOutSumW) covers the total',
    },
    { key: 'cycles', reason: 'not in the DOC quota/all list; a DELTA Pro 3 REST dump had none (ecoflow-units.md §4)' },
  ],
};
