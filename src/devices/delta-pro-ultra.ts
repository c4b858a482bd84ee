/**
 * DELTA Pro Ultra (`hs_yj751_*` modules; floats already in W, V, A). Cites DOC DeltaProUltra,
 * TOL, TAR sensor.py (keys DOC leaves out) and TarasKhust issue #30 (a real quota/all dump, flat
 * keys like `hs_yj751_bms_slave_addr.1.hwVer`). No real dump was checked by arithmetic: the
 * payload in src/simulator is built from DOC's key list.
 */
import { RAW_ONLY_REASONS, CHARGE_PERCENT, HEALTH_PERCENT, unmappedKeys, type DeviceFamily } from './device-family.js';

const SHOW = 'hs_yj751_pd_appshow_addr';
const BACKEND = 'hs_yj751_pd_backend_addr';
/** Battery packs are numbered by their place in the stack; pack 1 stands for "the main pack". */
const PACK1 = 'hs_yj751_bms_slave_addr.1';

export const deltaProUltra: DeviceFamily = {
  id: 'delta_pro_ultra',
  title: 'DELTA Pro Ultra',
  productNames: [/^DELTA Pro Ultra$/i],
  snPrefixes: ['Y711'],
  // The hs_yj751 module names belong to this model alone.
  shapeKeys: [`${SHOW}.wattsInSum`, `${SHOW}.inHvMpptPwr`],
  streamShape: 'params',
  energy: {
    ratedPowerW: 12800,
    ratedPowerEvidence:
      "two bidirectional 3600 W inverters: 7200 W sustained, 10 800 W surge, and each can charge from AC (http://linspyre.com/ecopower/dpuinverters.html, 'Delta Pro Ultra: Two Inverters in One Power Station'); with the 5600 W of its high- and low-voltage PV inputs (FOX spec, lib/ecoflow_data.js: solarInput '80-450V 15A max, 4,000W max; 30-150V 15A max, 1,600W max') the inputs can reach 7200 + 5600 = 12 800 W, above the surge. No energy counter: native accumulated counters do not populate (tolwi PR #851), bpEnergy is pack capacity; integrated",
    rows: [],
  },
  rows: [
    { metric: 'batterySoc', key: `${SHOW}.soc`, scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC'], evidence: 'DOC DeltaProUltra ("SOC for the entire device", %)' },
    { metric: 'batterySoh', key: `${PACK1}.soh`, scale: 0.01, valid: HEALTH_PERCENT, tags: ['DOC', 'TAR'], evidence: 'TAR; TarasKhust issue #30 dump (%, not in DOC)' },
    { metric: 'batteryTemperature', key: `${PACK1}.temp`, scale: 1, tags: ['DOC', 'TAR'], evidence: 'TAR (°C, not in DOC)' },
    { metric: 'batteryCycles', key: `${PACK1}.cycles`, scale: 1, tags: ['DOC', 'TAR'], evidence: 'TAR; TarasKhust issue #30 dump (not in DOC)' },
    { metric: 'batteryVoltage', key: `${BACKEND}.batVol`, scale: 1, tags: ['DOC', 'TAR'], evidence: 'TAR (V, e.g. 104.277; not in DOC)' },
    // Whole-unit battery power as charge minus discharge; batAmp under-reads (see unmapped), so
    // vol × amp is no option here.
    { metric: 'batteryPower', key: `${BACKEND}.bmsInputWatts`, minus: `${BACKEND}.bmsOutputWatts`, scale: 1, tags: ['DOC', 'TAR'], evidence: 'TAR (W, battery charging minus discharging; not in DOC)' },
    { metric: 'inputPower', key: `${SHOW}.wattsInSum`, scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaProUltra (W), TOL' },
    { metric: 'outputPower', key: `${SHOW}.wattsOutSum`, scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaProUltra (W), TOL' },
    { metric: 'portInputPower', port: 'ac', key: `${SHOW}.inAcC20Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W, AC C20 input)' },
    { metric: 'portInputPower', port: 'power_in_out', key: `${SHOW}.inAc5p8Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W, Power In/Out port input)' },
    { metric: 'portInputPower', port: 'solar_hv', key: `${SHOW}.inHvMpptPwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portInputPower', port: 'solar_lv', key: `${SHOW}.inLvMpptPwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    // The AC outlets: two on each 120 V leg, the 240 V L14-30 and the TT-30.
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcL11Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcL12Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcL21Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcL22Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcL14Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'ac', key: `${SHOW}.outAcTtPwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W, "AC30A")' },
    { metric: 'portOutputPower', port: 'power_in_out', key: `${SHOW}.outAc5p8Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W, Power In/Out port output)' },
    { metric: 'portOutputPower', port: 'usb', key: `${SHOW}.outUsb1Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'usb', key: `${SHOW}.outUsb2Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'usb_c', key: `${SHOW}.outTypec1Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'usb_c', key: `${SHOW}.outTypec2Pwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W)' },
    { metric: 'portOutputPower', port: 'dc', key: `${SHOW}.outAdsPwr`, scale: 1, tags: ['DOC'], evidence: 'DOC DeltaProUltra (W, DC Anderson port)' },
    // The C20 inlet is the AC charging input; the Power In/Out port has its own (inAc5p8Vol).
    { metric: 'acInputVoltage', key: `${BACKEND}.inAcC20Vol`, scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaProUltra (V), TOL' },
    // One outlet's voltage stands for the inverter: L2-1 is a 120 V leg (the first DOC lists a
    // voltage for; L1-1 and L1-2 have none in DOC).
    { metric: 'acOutputVoltage', key: `${BACKEND}.outAcL21Vol`, scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC DeltaProUltra (V), TOL' },
  ],
  rawOnly: [
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: [
        'hs_yj751_pd_app_set_info_addr.acOftenOpenMinSoc',
        'hs_yj751_pd_app_set_info_addr.acOutFreq',
        'hs_yj751_pd_app_set_info_addr.acStandbyMins',
        'hs_yj751_pd_app_set_info_addr.acXboost',
        'hs_yj751_pd_app_set_info_addr.chg5p8SetWatts',
        'hs_yj751_pd_app_set_info_addr.chgC20SetWatts',
        'hs_yj751_pd_app_set_info_addr.chgMaxSoc',
        'hs_yj751_pd_app_set_info_addr.dcStandbyMins',
        'hs_yj751_pd_app_set_info_addr.dsgMinSoc',
        'hs_yj751_pd_app_set_info_addr.powerStandbyMins',
        'hs_yj751_pd_app_set_info_addr.screenStandbySec',
        'hs_yj751_pd_app_set_info_addr.sysBackupSoc',
        'hs_yj751_pd_app_set_info_addr.sysTimezoneId',
        'hs_yj751_pd_app_set_info_addr.sysWordMode',
        'hs_yj751_pd_app_set_info_addr.timezoneSettype',
      ],
    },
    {
      reason: RAW_ONLY_REASONS.identity,
      keys: ['hs_yj751_pd_appshow_addr.simIccid'],
    },
    {
      reason: RAW_ONLY_REASONS.status,
      keys: ['hs_yj751_pd_appshow_addr.showFlag', 'hs_yj751_pd_appshow_addr.wireless4gOn'],
    },
  ],
  unmapped: [
    { key: `${SHOW}.remainTime`, reason: 'one value for charging and discharging whose sign is unconfirmed: cannot tell time-to-full from time-to-empty' },
    { key: `${BACKEND}.batAmp`, reason: 'not in DOC, and one project reports it under-reads 4–7× (unattributed): battery current unconfirmed', tags: ['DOC'] },
    ...unmappedKeys(
      ['outAcL11Pf', 'outAcL12Pf', 'outAcL14Pf', 'outAcL21Pf', 'outAcL22Pf', 'outAcTtPf', 'outAcP58Pf'].map((k) => `${BACKEND}.${k}`),
      'DOC calls them output frequency, the name says power factor: unconfirmed, so no AC output frequency',
      ['DOC'],
    ),
    { key: `${SHOW}.outPrPwr`, reason: 'parallel-box discharge: no port fits, and the box hangs on the Power In/Out port, so it may double-count outAc5p8Pwr' },
    ...unmappedKeys([`${BACKEND}.inAc5p8Vol`, `${BACKEND}.inAc5p8Amp`, `${BACKEND}.outAc5p8Vol`, `${BACKEND}.outAc5p8Amp`], "Power In/Out port voltage and current: no per-port voltage metric; the AC input voltage is the C20 inlet's"),
    ...unmappedKeys(
      ['outAcL12Amp', 'outAcL14Amp', 'outAcL21Amp', 'outAcL22Amp', 'outAcTtAmp', 'outAcL14Vol', 'outAcL22Vol', 'outAcTtVol', 'inAcC20Amp'].map((k) => `${BACKEND}.${k}`),
      'per-outlet voltages and currents: no unified metric (one outlet stands for the AC output voltage)',
    ),
    ...unmappedKeys([`${BACKEND}.inHvMpptVol`, `${BACKEND}.inHvMpptAmp`, `${BACKEND}.inLvMpptVol`, `${BACKEND}.inLvMpptAmp`], 'PV voltages and currents (DOC mislabels them "AC"): no unified metric', ['DOC']),
    // Other packs (hs_yj751_bms_slave_addr.2 and up) and pack 1's SoC, capacities and cell voltages (TAR) are not in this payload, built from DOC: nothing to list.
    // Device temperatures (pdTemp, pcsAcTemp, mpptHvTemp; TAR) are not in this payload either.
  ],
};
