import { CHARGE_PERCENT, REMAINING_MINUTES, unmappedKeys, type DeviceFamily } from './device-family.js';

/**
 * WAVE 2 portable air conditioner (`pd.`, `power.`, `motor.`, `bms.`). Several readings appear
 * twice, from the PD and from the power board (`pd.acPwrIn` / `power.acPwrIn`): the PD's is read
 * first, the power board's stands in. Sources: DOC = Olli0103/ecoflow API/Wave.md, TOL =
 * tolwi/hassio-ecoflow-cloud devices/internal/wave2.py, FOX = foxthefox/ioBroker.ecoflow-mqtt
 * lib/dict_data/ef_wave2_data.js. No real capture exists: nothing here is checked by arithmetic.
 *
 * The unit consumes power; it has no outputs and no key that totals its inputs, so it has no
 * input/output totals, only its two input ports.
 */
export const wave2: DeviceFamily = {
  id: 'wave2',
  title: 'WAVE 2',
  productNames: [/^WAVE 2$/i],
  snPrefixes: ['KT21'],
  // `motor.` and `pd.mainMode` (cool/heat/fan) are the air conditioner's alone.
  shapeKeys: ['pd.mainMode', 'pd.acPwrIn', 'motor.power'],
  streamShape: 'params',
  rows: [
    // pd.batSoc is the unit's view of its battery; bms.bmsSoc the pack's own report.
    { metric: 'batterySoc', key: ['pd.batSoc', 'bms.bmsSoc'], scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'FOX'], evidence: 'DOC Wave (pd.batSoc 0–100, bms.bmsSoc), FOX (%)' },
    { metric: 'batteryVoltage', key: 'bms.bmsVol', scale: 0.001, tags: ['DOC'], evidence: 'DOC Wave (BMS voltage, 1 mV)' },
    { metric: 'batteryTimeToFull', key: 'pd.batChgRemain', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL', 'FOX'], evidence: 'TOL (RemainSensor, min), FOX (min, max 5999); DOC gives no unit' },
    { metric: 'batteryTimeToEmpty', key: 'pd.batDsgRemain', scale: 60, valid: REMAINING_MINUTES, tags: ['DOC', 'TOL', 'FOX'], evidence: 'TOL (RemainSensor, min), FOX (min, max 5999); DOC gives no unit' },
    { metric: 'portInputPower', port: 'ac', key: ['pd.acPwrIn', 'power.acPwrIn'], scale: 1, tags: ['DOC', 'TOL', 'FOX'], evidence: 'DOC Wave (AC input power, W), TOL, FOX' },
    // The XT60 input takes PV or a car charger (pd.mpptWork 1 = car, 2 = solar); DOC names the power "PV input".
    { metric: 'portInputPower', port: 'solar', key: ['pd.mpptPwr', 'power.mpptPwr'], scale: 1, tags: ['DOC', 'TOL', 'FOX'], evidence: 'DOC Wave (PV input power, W), TOL, FOX' },
    // DOC's own MQTT example has acVoltRms 232, which at 0.1 V would be 23.2 V: if that example and
    // not the field table is right, a mains reading shows up below 800 and is dropped, not shown ÷10.
    { metric: 'acInputVoltage', key: ['power.acVoltRms', 'pd.acVoltRms'], scale: 0.1, valid: { min: 800, max: 3000 }, tags: ['DOC', 'FOX'], evidence: 'DOC Wave (RMS AC input voltage, 0.1 V), FOX (×0.1)' },
  ],
  rawOnly: [],
  unmapped: [
    ...unmappedKeys(['bms.bmsCur', 'pd.batCurr', 'power.batCurr'], 'mA per DOC, but no sign is documented and FOX treats batCurr as 0–10 A (unsigned): battery current and vol × amp power would guess the direction', ['DOC', 'FOX']),
    ...unmappedKeys(['pd.batPwrOut', 'power.batPwrOut'], 'discharge power only (W, DOC); with no charge counterpart it cannot give a signed battery_power_watts', ['DOC']),
    { key: 'pd.batPower', reason: 'DOC "Battery power" with no unit or sign; TOL\'s entry has a typo (`"pd.batPower "`) so it was never read', tags: ['DOC', 'TOL'] },
    ...unmappedKeys(['pd.batVolt', 'power.batVolt'], 'battery voltage from the PD / power board (0.01 V per DOC for pd.batVolt); bms.bmsVol is the pack\'s own reading. DOC\'s example power.batVolt 74 fits neither a 0.01 V nor a 1 V reading of a charged pack', ['DOC']),
    ...unmappedKeys(['power.acFreq', 'pd.acFreq'], 'AC input frequency with no unit in DOC (FOX: Hz): unconfirmed in ecoflow-units.md', ['DOC', 'FOX']),
    ...unmappedKeys(['bms.soc', 'bms.tmp'], 'read by TOL but not in DOC\'s quota/all list: key unconfirmed', ['DOC', 'TOL']),
    { key: 'pd.pvPower', reason: 'PV charging power, the share of pd.mpptPwr that charges the battery: not a port of its own' },
    ...unmappedKeys(['motor.power', 'pd.sysPowerWatts', 'pd.psdrPower'], 'compressor motor, "system" and "power supply" power (W): the unit\'s own consumption in parts, not documented as a total'),
    ...unmappedKeys(['pd.mpptVol', 'power.mpptVol', 'pd.mpptCur'], 'PV voltage (0.01 V) / current (mA): no unified per-port voltage or current metric'),
    ...unmappedKeys(['pd.acCurrRms', 'power.acCurrRms'], 'AC input current (mA): no unified AC-current metric'),
    ...unmappedKeys(['pd.envTemp', 'pd.coolTemp', 'pd.condTemp', 'pd.evapTemp', 'pd.airInTemp', 'pd.heatEnv', 'pd.coolEnv', 'pd.motorOutTemp', 'pd.tempNtc', 'bms.maxCellTemp', 'bms.minCellTemp'], 'air-conditioner and cell temperatures: no unified metric (the pack temperature itself is not in DOC)', ['DOC']),
    { key: 'pd.ver', reason: 'DOC: "version of drainage logic", not firmware: no firmware label', tags: ['DOC'] },
  ],
};
