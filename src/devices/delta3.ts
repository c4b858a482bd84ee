/**
 * DELTA 3, 3 Plus, 3 Max, 3 Max Plus, 3 Classic (not DELTA 3 1500, which speaks the DELTA 2
 * protocol). The only real dump is app MQTT: it carries the BMS heartbeat (`vol`, `amp`, `soh`,
 * `cycles`, `temp`, same struct and units as DELTA 2's bms_bmsStatus) and the EMS heartbeat
 * (`v1p0.*`) instead of the cms* keys, so those stand in after the quota/all names.
 *
 * DELTA 3 Max Plus (D3M1), checked on FOX's app-channel decode (test/data2/delta3maxplus.json)
 * and the Open-API key lists of TOL public/delta3_max_plus.py and SHU: totals, AC in, USB, SoC
 * and remaining times hold (in 87 W = AC in 87 W; out 87 W = |AC out −87|; 53.02 V × −0.096 A =
 * −5.1 W beside the BMS outputWatts 5; accuChgEnergy 10 240 Wh at 4 cycles of a 2 kWh pack). Its
 * Open-API quota/all, per those lists, has no heartbeat keys (no battery voltage, current,
 * temperature, SoH, cycles or lifetime counters) and no powGetAcOut. DELTA 3 Max (D3N1): no
 * capture anywhere; only a key list (MichelFR/ha-ecoflow-iot), which has powGetAcOut and one PV
 * input. docs/devices.md says how well each is known.
 */
import { CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';
import { DELTA3_GENERATION_ROWS, DELTA3_GENERATION_UNMAPPED } from './delta3-generation.js';
import { heartbeatRawOnly } from './heartbeat-keys.js';

export const delta3: DeviceFamily = {
  id: 'delta3',
  title: 'DELTA 3 / 3 Plus / 3 Max / 3 Max Plus / 3 Classic',
  productNames: [/^DELTA 3$/i, /^DELTA 3 Plus$/i, /^DELTA 3 Max$/i, /^DELTA 3 Max Plus$/i, /^DELTA 3 Classic$/i],
  // SHU (its PR #217, the app's registry) and FOX's decode give D3M1 = Max Plus, D3N1 = Max;
  // GnoX/ha-ef-ble reads D3M1 as the Max and adds D3E1 as the Max Plus. All are this family.
  snPrefixes: ['P231', 'P351', 'D3N1', 'D3M1', 'D3E1', 'P321'],
  shapeKeys: ['powInSumW', 'powOutSumW', 'powGetAcIn'],
  // DELTA Pro 3 has the same totals; its PV inputs are powGetPvH/powGetPvL, the DELTA 3's
  // powGetPv/powGetPv2. STREAM has neither powInSumW nor powOutSumW.
  shapeAbsent: ['powGetPvH', 'powGetPvL'],
  streamShape: 'flat',
  // No firmware: sysVer in the dump sits in the BMS heartbeat (next to sysLoaderVer and
  // bmsHeartbeatVer), the battery's firmware, not the unit's.
  energy: {
    ratedPowerW: 3900,
    ratedPowerEvidence:
      "the largest model, DELTA 3 Max Plus: FOX spec acOutput '3000W, 3900W X-Boost' (3900 W), above the unit's own AC discharge limit plugInInfoAcOutDsgPowMax 3600 W (FOX test/data2/delta3maxplus.json); its inputs (AC charging up to 2400 W by the app's setting, SHU issue #181; two PV inputs) and the smaller models (FOX spec: DELTA 3 / Plus 1800 W, X-Boost 3600 W; Max 2400 W, X-Boost 3200 W) stay below it. No EcoFlow spec page in the sources: FOX's copy of the figures",
    rows: [
      {
        kind: 'lifetime',
        rating: {
          watts: 2500,
          evidence: "DELTA 3 Max Plus, the largest model: its pack asks for at most tagChgAmp 44.8 A × v1p0.chgVol 55.03 V = 2465 W (FOX test/data2/delta3maxplus.json); AC charging is set up to 2400 W in the app (SHU issue #181, EFBLE PR #104; FOX's spec says 1500 W)",
        },
        metric: 'batteryChargeEnergy',
        keys: ['accuChgEnergy'],
        scale: 3600,
        tags: ['DOC', 'TOL', 'DIAG', 'FOX'],
        evidence:
          "BMS heartbeat lifetime charge of the pack whose vol / amp battery_power_watts reads (the main pack; one heartbeat in the flat quota): uint32 Wh in TOL internal/proto/ef_delta3.proto and internal/delta_pro_3.py, FOX ef_delta3_data.js. DIAG 3311 Wh at cycles 3 (1 kWh pack); the next dump's 3329 (+18 Wh) matches ΔaccuChgCap 324 mAh × 53.2 V = 17 Wh. Not in DOC's quota/all list: where a quota lacks it, it also lacks vol / amp",
      },
      {
        kind: 'lifetime',
        rating: { watts: 3900, evidence: "FOX spec (DELTA 3 Max Plus): acOutput '3000W, 3900W X-Boost'; the other models give 1800–2400 W; DC ports fit in the margin" },
        metric: 'batteryDischargeEnergy',
        keys: ['accuDsgEnergy'],
        scale: 3600,
        tags: ['TOL', 'DIAG', 'FOX'],
        evidence: 'BMS heartbeat lifetime discharge of the same pack (Wh; TOL, FOX as accuChgEnergy); DIAG 2054 Wh',
      },
    ],
  },
  rows: [
    ...DELTA3_GENERATION_ROWS,
    // v1p0 is the EMS heartbeat: lcdShowSoc is the displayed, combined SoC (as DELTA 2's
    // bms_emsStatus.lcdShowSoc); shuette42/ecoflow-energy-ha maps it onto cmsBattSoc.
    { metric: 'batterySoc', key: ['cmsBattSoc', 'v1p0.f32LcdShowSoc', 'v1p0.lcdShowSoc'], scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC DeltaPro3 (cmsBattSoc: overall SoC, float %), TOL (cms_batt_soc); DIAG v1p0.f32LcdShowSoc 97.955' },
    { metric: 'batterySoh', key: ['bmsBattSoh', 'soh'], scale: 0.01, valid: HEALTH_PERCENT, tags: ['DIAG', 'FOX', 'TAR'], evidence: 'TAR, FOX (bmsBattSoh %); BMS heartbeat soh % (DIAG 100, as DELTA 2 bms_bmsStatus.soh)' },
    { metric: 'batteryTemperature', key: ['bmsMaxCellTemp', 'temp'], scale: 1, tags: ['DOC', 'DIAG'], evidence: 'DOC DeltaPro3 (bmsMaxCellTemp: "temperature of the main battery", °C); BMS heartbeat temp °C (DIAG 32)' },
    { metric: 'batteryVoltage', key: 'vol', scale: 0.001, tags: ['DIAG'], evidence: 'BMS heartbeat vol, mV (DIAG 54100; 16 cells × ~3381 mV = 54.1 V)' },
    { metric: 'batteryCurrent', key: 'amp', scale: 0.001, tags: ['DIAG'], evidence: 'BMS heartbeat amp, mA, + charging (DIAG +8035 while AC charging, chgDsgState 2)' },
    { metric: 'batteryPower', key: 'vol', times: 'amp', scale: 1e-6, tags: ['DIAG'], evidence: 'vol (mV) × amp (mA); checked DIAG: 54.1 V × 8.035 A = 434.7 W vs BMS inputWatts 434' },
    { metric: 'batteryCycles', key: 'cycles', scale: 1, tags: ['TOL', 'DIAG'], evidence: 'BMS heartbeat cycles (DIAG 3; TOL CyclesSensorEntity)' },
    { metric: 'batteryTimeToFull', key: ['cmsChgRemTime', 'v1p0.chgRemainTime'], scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC DeltaPro3 (min), TOL; DIAG v1p0.chgRemainTime 2 at 98 %' },
    { metric: 'batteryTimeToEmpty', key: ['cmsDsgRemTime', 'v1p0.dsgRemainTime'], scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC DeltaPro3 (min), TOL; DIAG 5939 (sentinel) while charging' },
    // DELTA 3 Plus / Max have two PV inputs, the base DELTA 3 one: solar_1 throughout.
    { metric: 'portInputPower', port: 'solar_1', key: 'powGetPv', scale: 1, tags: ['TOL'], evidence: 'TOL internal/delta3.py, public/delta3_max_plus.py (W)' },
    { metric: 'portInputPower', port: 'solar_2', key: 'powGetPv2', scale: 1, tags: ['TOL'], evidence: 'TOL public/delta3_max_plus.py (W)' },
    { metric: 'portOutputPower', port: 'ac', key: 'powGetAcOut', scale: 1, abs: true, tags: ['TOL', 'DIAG'], evidence: 'TOL internal/delta3.py (OutWattsAbsSensorEntity); DIAG −194.6 while powOutSumW 196' },
  ],
  // The BMS / EMS heartbeat keys STREAM reports too are in heartbeat-keys.ts; these are DELTA 3's own.
  rawOnly: heartbeatRawOnly({
    cells: ['maxCellTemp', 'minCellTemp'],
    unmapped: ['designCap', 'fullCap', 'realSoh', 'remainCap'],
  }),
  unmapped: [
    ...DELTA3_GENERATION_UNMAPPED,
    ...unmappedKeys(['inputWatts', 'outputWatts'], 'BMS pack power; battery power is vol × amp (they agree in DIAG: 434 W)', ['DIAG']),
    ...unmappedKeys(['soc', 'f32ShowSoc'], 'BMS (main pack) SoC; battery_soc_ratio is the combined SoC (cmsBattSoc, v1p0.lcdShowSoc)'),
    { key: 'remainTime', reason: 'BMS heartbeat, one value for both directions; v1p0 / cms* say it per direction', tags: ['DIAG'] },
    {
      key: 'powGetAcOutList',
      reason:
        "per-outlet AC powers (DELTA 3 Max Plus; signed, − = output): [0] is AC1 and [2] AC2, checked on a unit by loading each socket alone (SHU parsers/delta3_http.py), where EFBLE read [3] (its PR #420). Over the Open API the Max Plus may send only these, not powGetAcOut (SHU's and TOL's key lists): then the ac port has no series; mapping them waits for a quota/all capture of one",
      tags: ['EFBLE', 'SHU', 'TOL'],
    },
    { key: 'sysVer', reason: "BMS firmware (BMS heartbeat), not the unit's", tags: ['DIAG'] },
  ],
};
