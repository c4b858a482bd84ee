import { AC_FREQUENCY, CHARGE_PERCENT, HEALTH_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';

/**
 * DELTA Pro (`bmsMaster.`, `bmsSlave1|2.`, `ems.`, `inv.`, `mppt.`, `pd.`). Sources: DOC =
 * Olli0103/ecoflow API/DeltaPro.md, TOL = tolwi/hassio-ecoflow-cloud devices/public/delta_pro.py,
 * FOX = foxthefox/ioBroker.ecoflow-mqtt ef_deltapro_data.js, TAR = TarasKhust/ecoflow-api-mqtt,
 * FIX = rustyy/ecoflow-api deltaProProperties.ts (real capture: charging from 296 W of PV while
 * feeding extra battery 1, no AC).
 *
 * DOC is wrong about the `mppt.` module: its watts are 0.1 W, volts 0.1 V and amps 0.01 A, not
 * W / mV / mA (FIX: inWatts 2960 against pd.wattsInSum 296; inVol 69.1 V × inAmp 4.28 A = 296 W).
 */
export const deltaPro: DeviceFamily = {
  id: 'delta_pro',
  title: 'DELTA Pro',
  productNames: [/^DELTA Pro$/i],
  // rabits/ha-ef-ble delta_pro.py; real units seen as DCAB, DCEB, DCJB: the 3rd and 4th characters
  // vary, so the DC* prefixes it lists, not DCAB alone.
  snPrefixes: ['DCA', 'DCE', 'DCK', 'DCC', 'DCU', 'DCT', 'DCG', 'DCS', 'DCF', 'DCJ', 'Z1', 'R511'],
  // bmsMaster./ems. modules are DELTA Pro's alone among the families with a table.
  shapeKeys: ['bmsMaster.soc', 'ems.lcdShowSoc', 'inv.invOutVol', 'pd.wattsOutSum'],
  streamShape: 'params',
  firmware: { key: 'pd.sysVer', encoding: 'u32' },
  rows: [
    // ems.lcdShowSoc combines main and extra batteries, as the display shows it.
    { metric: 'batterySoc', key: ['ems.f32LcdShowSoc', 'ems.lcdShowSoc', 'pd.soc'], scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC'], evidence: 'DOC DeltaPro (%)' },
    { metric: 'batterySoh', key: 'bmsMaster.soh', scale: 0.01, valid: HEALTH_PERCENT, tags: ['DOC'], evidence: 'DOC DeltaPro (%)' },
    { metric: 'batteryTemperature', key: 'bmsMaster.temp', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro (°C)' },
    // DOC: "float", no unit; every integration reads mV.
    { metric: 'batteryVoltage', key: 'bmsMaster.vol', scale: 0.001, tags: ['TOL', 'FIX', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (mV); FIX 50133' },
    { metric: 'batteryCurrent', key: 'bmsMaster.amp', scale: 0.001, tags: ['TOL', 'DIAG', 'FIX', 'TAR'], evidence: 'TOL, TAR (mA, + charging); checked FIX +3105 while charging, DIAG −4591 while discharging' },
    // bmsMaster.inputWatts was 0 in FIX while the pack took +3.1 A.
    { metric: 'batteryPower', key: 'bmsMaster.vol', times: 'bmsMaster.amp', scale: 1e-6, tags: ['FIX'], evidence: 'vol (mV) × amp (mA, + charging); checked FIX: 50.133 V × 3.105 A = 156 W, with slave 1 at 114 W, of 296 W PV' },
    { metric: 'batteryCycles', key: 'bmsMaster.cycles', scale: 1, tags: ['DOC', 'DIAG', 'FIX'], evidence: 'DIAG, FIX (not in DOC)' },
    // Sentinels: 5999, and 143999 seen on ems.chgRemainTime (DIAG).
    { metric: 'batteryTimeToFull', key: 'ems.chgRemainTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC DeltaPro (min)' },
    { metric: 'batteryTimeToEmpty', key: 'ems.dsgRemainTime', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC'], evidence: 'DOC DeltaPro (min)' },
    { metric: 'inputPower', key: 'pd.wattsInSum', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro (W)' },
    { metric: 'outputPower', key: 'pd.wattsOutSum', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro (W)' },
    { metric: 'portInputPower', port: 'ac', key: 'inv.inputWatts', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro (W, AC charging)' },
    { metric: 'portOutputPower', port: 'ac', key: 'inv.outputWatts', scale: 1, tags: ['DOC'], evidence: 'DOC DeltaPro (W, AC discharging)' },
    { metric: 'portInputPower', port: 'solar', key: 'mppt.inWatts', scale: 0.1, tags: ['DOC', 'TOL', 'FIX', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (0.1 W; DOC says W); checked FIX 2960 = pd.wattsInSum 296' },
    { metric: 'portOutputPower', port: 'usb', key: 'pd.usb1Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'usb', key: 'pd.usb2Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'usb', key: 'pd.qcUsb1Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'usb', key: 'pd.qcUsb2Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'usb_c', key: 'pd.typec1Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'usb_c', key: 'pd.typec2Watts', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaPro (W), TOL' },
    { metric: 'portOutputPower', port: 'car', key: 'mppt.carOutWatts', scale: 0.1, tags: ['TOL', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (0.1 W)' },
    // The Anderson 12 V 30 A output.
    { metric: 'portOutputPower', port: 'dc', key: 'mppt.dcdc12vWatts', scale: 0.1, tags: ['TOL', 'FOX', 'TAR'], evidence: 'TOL, FOX, TAR (0.1 W)' },
    { metric: 'acInputVoltage', key: 'inv.acInVol', scale: 0.001, tags: ['DOC', 'DIAG'], evidence: 'DOC DeltaPro (mV); DIAG 230168' },
    { metric: 'acOutputVoltage', key: 'inv.invOutVol', scale: 0.001, tags: ['DOC'], evidence: 'DOC DeltaPro (mV)' },
    { metric: 'acInputFrequency', key: 'inv.acInFreq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC'], evidence: 'DOC DeltaPro (Hz)' },
    { metric: 'acOutputFrequency', key: 'inv.invOutFreq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC'], evidence: 'DOC DeltaPro (Hz)' },
  ],
  rawOnly: [
    { prefixes: ['bmsSlave1.', 'bmsSlave2.'], reason: 'extra packs, every key under their prefix: the battery metrics describe the main pack; their SoC is in the combined ems.lcdShowSoc' },
  ],
  unmapped: [
    ...unmappedKeys(['bmsMaster.inputWatts', 'bmsMaster.outputWatts'], 'W per DOC/TOL, 0.1 W per FOX, and 0 in FIX while the pack took +3.1 A: battery power is vol × amp instead', ['DOC', 'TOL', 'FIX', 'FOX']),
    { key: 'pd.remainTime', reason: 'sign unreliable: +240 while discharging (DIAG); ems.chgRemainTime / dsgRemainTime give each direction', tags: ['DIAG'] },
    { key: 'pd.carWatts', reason: 'unit unconfirmed: W (TOL) vs 0.1 W (FOX); the car port uses mppt.carOutWatts', tags: ['TOL', 'FOX'] },
    { key: 'mppt.outWatts', reason: 'the MPPT converter\'s output inside the unit, not a port' },
    ...unmappedKeys(['mppt.inVol', 'mppt.inAmp', 'mppt.outVol', 'mppt.outAmp', 'mppt.carOutVol', 'mppt.carOutAmp', 'mppt.dcdc12vVol'], 'DC voltages (0.1 V) and currents (0.01 A): no unified metric (inVol × inAmp checks the solar row)'),
    ...unmappedKeys(['bmsMaster.soc', 'bmsMaster.f32ShowSoc'], 'main pack only; battery_soc_ratio is the combined ems.f32LcdShowSoc the display shows'),
    ...unmappedKeys(['bmsMaster.minCellTemp', 'bmsMaster.maxCellTemp', 'bmsMaster.minMosTemp', 'bmsMaster.maxMosTemp'], 'battery_temperature_celsius uses the pack temp'),
    ...unmappedKeys(['bmsMaster.designCap', 'bmsMaster.fullCap', 'bmsMaster.remainCap'], 'capacities (mAh): no unified metric'),
    ...unmappedKeys(['inv.acInAmp', 'inv.invOutAmp'], 'AC currents: no unified metric'),
    ...unmappedKeys(['inv.outTemp', 'mppt.mpptTemp', 'pd.typec1Temp'], 'device temperatures: no unified metric'),
    ...unmappedKeys(['pd.chgSunPower', 'pd.chgPowerAc', 'pd.chgPowerDc', 'pd.dsgPowerAc', 'pd.dsgPowerDc'], 'energy counters (Wh): no unified metric'),
  ],
};
