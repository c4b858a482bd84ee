/**
 * The rows DELTA 3 and DELTA Pro 3 share: flat camelCase keys, powers as float W. DOC's page
 * DeltaPro3.md is the only official key list of the generation; DIAG's delta_3_2.json is a real
 * DELTA 3 dump (app MQTT), the payload src/simulator/payloads/delta3.json.
 *
 * Output-only ports are read with `abs`: the real DELTA 3 dump reports powGetAcOut −194.6 while
 * powOutSumW is +196 (TOL wraps these keys in OutWattsAbsSensorEntity for that reason), and an
 * Open-API DELTA Pro 3 client (HB) documents the same keys as "(-N W)" and takes Math.abs. A port
 * that only delivers power has one direction, which the metric name already says; the
 * bidirectional ports (Power In/Out, extra-battery) stay unmapped because their sign is
 * unconfirmed.
 */
import { AC_FREQUENCY, type MappingRow, type UnmappedKey } from './device-family.js';

export const DELTA3_GENERATION_ROWS: readonly MappingRow[] = [
  { metric: 'inputPower', key: 'powInSumW', scale: 1, tags: ['DOC', 'DIAG'], evidence: 'DOC DeltaPro3 (W, float); DIAG 699 while powGetAcIn 696.2 (AC the only input)' },
  { metric: 'outputPower', key: 'powOutSumW', scale: 1, tags: ['DOC', 'DIAG'], evidence: 'DOC DeltaPro3 (W, float); DIAG 196 ≈ |powGetAcOut| 194.6' },
  { metric: 'portInputPower', port: 'ac', key: 'powGetAcIn', scale: 1, tags: ['DOC', 'TOL', 'DIAG'], evidence: 'DOC DeltaPro3 (W), TOL (AC in power); DIAG 696.19 while AC charging' },
  { metric: 'portOutputPower', port: 'usb', key: 'powGetQcusb1', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb', key: 'powGetQcusb2', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec1', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (W), TOL internal/delta3.py (abs)' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec2', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (W), TOL' },
  { metric: 'portOutputPower', port: 'usb_c', key: 'powGetTypec3', scale: 1, abs: true, tags: ['TOL'], evidence: 'TOL public/delta3_max_plus.py (DELTA 3 Max Plus, W)' },
  // The 12 V car socket (TOL: "DC Car Out Power" on DELTA Pro 3, "DC out" on DELTA 3).
  { metric: 'portOutputPower', port: 'car', key: 'powGet12v', scale: 1, abs: true, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro3 (W), TOL' },
  { metric: 'acInputFrequency', key: 'plugInInfoAcInFeq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC'], evidence: 'DOC DeltaPro3 (AC input frequency, int Hz; sic "Feq")' },
];

/** Bidirectional ports: DOC lists them without a sign convention, and no dump shows one moving. */
const SIGN_UNCONFIRMED = 'bidirectional port (Power In/Out or extra battery): DOC gives no sign convention and no dump shows which way it counts';
/** Keys FOX reads from the app MQTT API; no quota/all dump or DOC list has them. */
const APP_MQTT_ONLY = "FOX reads it from the app MQTT API; not in DOC's quota/all list nor in any quota/all dump we have";

/** Keys both families leave out. */
export const DELTA3_GENERATION_UNMAPPED: readonly UnmappedKey[] = [
  { key: 'bmsBattSoc', reason: 'main pack only; battery_soc_ratio is the overall SoC (cmsBattSoc)' },
  { key: 'bmsChgRemTime', reason: 'main pack only; cmsChgRemTime is the whole device' },
  { key: 'bmsDsgRemTime', reason: 'main pack only; cmsDsgRemTime is the whole device' },
  { key: 'cmsChgDsgState', reason: 'enum (0 idle, 1 discharging, 2 charging), no unified metric', tags: ['DOC'] },
  { key: 'bmsChgDsgState', reason: 'enum (0 idle, 1 discharging, 2 charging), no unified metric', tags: ['DOC'] },
  { key: 'bmsDesignCap', reason: 'main-pack capacity (mAh per DOC; TAR labels it Wh): no unified metric', tags: ['DOC', 'TAR'] },
  { key: 'cmsBattFullEnergy', reason: 'full energy of all packs (Wh per TAR): no unified metric', tags: ['TAR'] },
  { key: 'bmsMinCellTemp', reason: 'battery temperature takes one reading per pack (bmsMaxCellTemp)' },
  { key: 'bmsMaxMosTemp', reason: 'MOSFET temperature; battery temperature takes one reading per pack (bmsMaxCellTemp)' },
  { key: 'bmsMinMosTemp', reason: 'MOSFET temperature; battery temperature takes one reading per pack (bmsMaxCellTemp)' },
  { key: 'powGet5p8', reason: SIGN_UNCONFIRMED, tags: ['DOC'] },
  { key: 'powGet4p81', reason: SIGN_UNCONFIRMED, tags: ['DOC'] },
  { key: 'powGet4p82', reason: SIGN_UNCONFIRMED, tags: ['DOC'] },
  { key: 'acOutFreq', reason: 'the configured output frequency (DOC lists it with the settings, as cfgAcOutFreq), present whether or not the inverter runs', tags: ['DOC'] },
  { key: 'bmsBattVol', reason: APP_MQTT_ONLY, tags: ['FOX', 'DOC'] },
  { key: 'bmsBattAmp', reason: APP_MQTT_ONLY, tags: ['FOX', 'DOC'] },
  { key: 'plugInInfoAcInVol', reason: APP_MQTT_ONLY, tags: ['FOX', 'DOC'] },
  { key: 'plugInInfoAcOutVol', reason: APP_MQTT_ONLY, tags: ['FOX', 'DOC'] },
];
