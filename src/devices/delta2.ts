import { AC_FREQUENCY, CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily, type MappingRow } from './device-family.js';

/**
 * DELTA 2 (`pd.`, `bms_bmsStatus.`, `bms_emsStatus.`, `inv.`, `mppt.`). Sources: DOC =
 * Olli0103/ecoflow API/Delta2.md (official docs), TOL = tolwi/hassio-ecoflow-cloud
 * devices/public/delta2.py, FIX = rustyy/ecoflow-api delta2Properties.ts (real capture).
 * DELTA 2 Max and the RIVER 2 family share most keys: their files start from these rows.
 */
export const DELTA2_FAMILY_ROWS: readonly MappingRow[] = [
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

/** Keys the DELTA 2 family leaves out, shared with DELTA 2 Max and RIVER 2. */
export const DELTA2_FAMILY_UNMAPPED = [
  ...unmappedKeys(['bms_bmsStatus.inputWatts', 'bms_bmsStatus.outputWatts'], '0 on the main pack while current flowed in real dumps (DELTA 2 FIX); battery power is computed as vol × amp instead', ['DIAG', 'FIX']),
  { key: 'pd.carWatts', reason: 'unit disputed: W (TOL) vs 0.1 W (FOX); the car port uses mppt.carOutWatts', tags: ['TOL', 'FOX'] },
  { key: 'pd.remainTime', reason: 'one signed value for both directions; bms_emsStatus.chgRemainTime / dsgRemainTime say the same per direction' },
  { key: 'mppt.outWatts', reason: 'the MPPT converter\'s output inside the unit, not a port' },
  ...unmappedKeys(['mppt.inVol', 'mppt.inAmp'], 'PV voltage and current: no unified metric'),
  ...unmappedKeys(['bms_bmsStatus.soc', 'bms_bmsStatus.f32ShowSoc'], 'main pack only; battery_soc_ratio is the combined bms_emsStatus.f32LcdShowSoc the display shows'),
  ...unmappedKeys(['bms_bmsStatus.minCellTemp', 'bms_bmsStatus.maxCellTemp', 'bms_bmsStatus.minMosTemp', 'bms_bmsStatus.maxMosTemp'], 'battery_temperature_celsius uses the pack temp'),
  ...unmappedKeys(['bms_bmsStatus.designCap', 'bms_bmsStatus.fullCap', 'bms_bmsStatus.remainCap'], 'capacities (mAh): no unified metric'),
  ...unmappedKeys(['inv.acInAmp', 'inv.invOutAmp'], 'AC currents: no unified metric'),
  ...unmappedKeys(['inv.outTemp', 'mppt.mpptTemp', 'pd.typec1Temp', 'pd.carTemp'], 'device temperatures: no unified metric'),
] as const;

export const delta2: DeviceFamily = {
  id: 'delta2',
  title: 'DELTA 2',
  productNames: [/^DELTA 2$/i],
  snPrefixes: ['R331'],
  shapeKeys: ['bms_emsStatus.lcdShowSoc', 'inv.invOutVol', 'mppt.inWatts', 'pd.wattsOutSum'],
  // DELTA 2 Max has these keys too, and a second PV input (pd.pv2ChargeWatts) of its own.
  shapeAbsent: ['pd.pv2ChargeWatts'],
  shapeRanges: [{ key: 'bms_bmsStatus.vol', min: 1001, why: 'RIVER 2 has the same keys with the pack voltage in whole volts (≈ 26); DELTA 2 reads mV (≈ 50 000), so anything above 1000 is a DELTA 2' }],
  streamShape: 'type_code',
  firmware: { key: 'pd.sysVer', encoding: 'u32' },
  rows: [
    ...DELTA2_FAMILY_ROWS,
    { metric: 'batteryVoltage', key: 'bms_bmsStatus.vol', scale: 0.001, tags: ['DOC', 'FIX'], evidence: 'DOC Delta2 (mV); FIX 52161' },
    { metric: 'batteryPower', key: 'bms_bmsStatus.vol', times: 'bms_bmsStatus.amp', scale: 1e-6, tags: ['FIX'], evidence: 'vol (mV) × amp (mA, + charging); checked FIX: 52.161 V × −3.753 A = −195.8 W vs pd.wattsOutSum 201' },
    { metric: 'portInputPower', port: 'solar', key: 'mppt.inWatts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC Delta2 (W), TOL' },
  ],
  rawOnly: [],
  unmapped: DELTA2_FAMILY_UNMAPPED,
};
