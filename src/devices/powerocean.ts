/**
 * PowerOcean home battery system: floats in base units, flat keys plus nested objects
 * (`pcsAPhase.vol`) and arrays (`mpptHeartBeat[0].mpptPv[0].pwr`), reached by path. Cites DOC
 * PowerOcean and TOL public/powerocean.py.
 *
 * The key names are DOC's, as in src/simulator/payloads/powerocean.json (constructed from DOC,
 * not captured). DOC reads them one by one via POST /iot-open/sign/device/quota; TOL sees them
 * prefixed (`96_1.pcsAPhase.vol`, `96_8.bpSoc`) and flat (`bpPwr`). How quota/all spells them is
 * UNCONFIRMED: if it prefixes them, these rows give no series.
 *
 * Signs follow DOC's example, which balances: load sysLoadPwr 101 = grid sysGridPwr −3 (export)
 * + battery 104 (bpPwr −104, discharging).
 */
import { RAW_ONLY_REASONS, CHARGE_PERCENT, unmappedKeys, type DeviceFamily } from './device-family.js';

export const powerocean: DeviceFamily = {
  id: 'powerocean',
  title: 'PowerOcean',
  productNames: [/^Power ?Ocean$/i],
  // 3-phase, 1-phase and DC-Fit. PowerOcean Plus (R37…) is left out: its keys are unknown.
  snPrefixes: ['HJ3', 'J32', 'HC3'],
  shapeKeys: ['bpSoc', 'sysGridPwr', 'sysLoadPwr'],
  streamShape: 'flat',
  energy: {
    ratedPowerW: 48000,
    // The house connection's, not a PowerOcean figure.
    ratedPowerUnverified: true,
    ratedPowerEvidence:
      'the inverter moves up to about 10–12 kW (the quota/all reply quoted in TOL public/powerocean.py: ems_change_report.poAiSchedule.pcsMaxOutPwr 10 000 W, bpDsgPwrMax 9900 W, bpChgPwrMax 7500 W), but grid_power_watts and load_power_watts (sysGridPwr, sysLoadPwr) are the whole house at the meter, EV charging included: bounded by the house connection, taken as 48 kW (200 A at 240 V; 3 × 63 A at 230 V is 43.5 kW). An assumption, not a PowerOcean figure',
    rows: [
      {
        kind: 'lifetime',
        rating: { watts: 12000, evidence: 'estimate: the device reports poAiSchedule.bpChgPwrMax 7500 with 3 packs and 5000 with 2 (≈ 2500 W a pack; TOL public/powerocean.py, SHU tests); 12 kW taken as the largest system, whose pack count is not confirmed', unverified: true },
        metric: 'batteryChargeEnergy',
        keys: ['ems_change_report.bpTotalChgEnergy'],
        scale: 3600,
        tags: ['DOC', 'SHU', 'FOX', 'TOL'],
        evidence:
          "the system's lifetime battery charge, all packs (Wh): SHU parsers/powerocean.py reads this key as the quota/all one (÷1000 → kWh; the flat bpTotalChgEnergy is its POST /quota spelling), FOX (×0.001 kWh, total_increasing). The quota/all reply quoted in TOL public/powerocean.py (three packs) has ems_change_report.bpTotalChgEnergy 20 528 Wh against the packs' bpAccuChgEnergy 8323 + 4391 + 8320 = 21 034 Wh (−2 %), next to the flat bpPwr / bpSoc this table reads. Still unconfirmed by a capture of our own: DOC lists it not, and our payload (built from DOC) lacks it",
      },
      {
        kind: 'lifetime',
        rating: { watts: 12000, evidence: 'estimate: discharge leaves through the inverter (pcsMaxOutPwr 10 000 on a 10 kW unit; bpDsgPwrMax 9900 / 6600; SHU tests); 12 kW taken as the largest non-Plus model', unverified: true },
        metric: 'batteryDischargeEnergy',
        keys: ['ems_change_report.bpTotalDsgEnergy'],
        scale: 3600,
        tags: ['SHU', 'FOX', 'TOL'],
        evidence: "the system's lifetime battery discharge, all packs (Wh): SHU parsers/powerocean.py, FOX; TOL public/powerocean.py's quoted reply 8859 Wh against the packs' bpAccuDsgEnergy 4446 + 573 + 4345 = 9364 Wh; spelling as for the charge counter",
      },
    ],
  },
  rows: [
    // bpSoc 999 means "no battery attached" (niltrip/powerocean#23): out of range, no series.
    { metric: 'batterySoc', key: 'bpSoc', scale: 0.01, valid: CHARGE_PERCENT, tags: ['DOC', 'NIL'], evidence: 'DOC PowerOcean (system SoC, %); 999 = no battery attached (NIL)' },
    { metric: 'batteryPower', key: 'bpPwr', scale: 1, tags: ['DOC'], evidence: 'DOC (W, + charging / − discharging: inferred from the DOC example balance)' },
    { metric: 'gridPower', key: 'sysGridPwr', scale: 1, tags: ['DOC'], evidence: 'DOC (W, + import / − export: inferred from the DOC example balance)' },
    { metric: 'loadPower', key: 'sysLoadPwr', scale: 1, tags: ['DOC'], evidence: 'DOC (house load, W)' },
    { metric: 'portInputPower', port: 'solar_1', key: 'mpptHeartBeat[0].mpptPv[0].pwr', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC, TOL (PV string 1, W)' },
    { metric: 'portInputPower', port: 'solar_2', key: 'mpptHeartBeat[0].mpptPv[1].pwr', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC, TOL (PV string 2, W)' },
    { metric: 'portOutputPower', port: 'ev', key: 'evPwr', scale: 1, tags: ['DOC'], evidence: 'DOC (EV charger, W)' },
    // Phase A (L1), the only phase of the single-phase models.
    { metric: 'acOutputVoltage', key: 'pcsAPhase.vol', scale: 1, tags: ['DOC', 'TOL'], evidence: 'DOC, TOL (inverter phase A, V)' },
  ],
  rawOnly: [
    {
      reason: RAW_ONLY_REASONS.status,
      keys: ['chargingStatus', 'emsErrCode.errCode', 'errorCode'],
    },
    // Per pack bpAccu*Energy (TOL: Wh): no pack label in the metrics, and the system total
    // (ems_change_report.bpTotal*Energy) is read by the energy rows. The flat bpTotal*Energy is
    // SHU's POST /quota spelling of that total.
    {
      reason: RAW_ONLY_REASONS.energyCounters,
      tags: ['TOL', 'SHU'],
      keys: ['bpAccuChgEnergy', 'bpAccuDsgEnergy', 'bpTotalChgEnergy', 'bpTotalDsgEnergy'],
    },
    {
      reason: RAW_ONLY_REASONS.unmapped,
      keys: ['hpMaster.tempAmbient', 'hpMaster.tempInlet', 'hpMaster.tempOutlet', 'hrEnergyStream', 'sectorA.tempCurr', 'sectorB.tempCurr', 'sectorDhw.tempCurr'],
    },
  ],
  unmapped: [
    { key: 'mpptPwr', reason: 'PV total: the per-string rows give the solar ports; adding it would count the PV twice' },
    ...unmappedKeys(['pcsBPhase.vol', 'pcsCPhase.vol'], 'one AC output voltage series per device: phase A stands for the set'),
    ...unmappedKeys(
      ['pcsAPhase.amp', 'pcsAPhase.actPwr', 'pcsAPhase.reactPwr', 'pcsAPhase.apparentPwr', 'pcsBPhase.amp', 'pcsBPhase.actPwr', 'pcsBPhase.reactPwr', 'pcsBPhase.apparentPwr', 'pcsCPhase.amp', 'pcsCPhase.actPwr', 'pcsCPhase.reactPwr', 'pcsCPhase.apparentPwr'],
      'per-phase inverter current and powers: no unified per-phase metric; actPwr sign undocumented',
    ),
    ...unmappedKeys(['mpptHeartBeat[0].mpptPv[0].vol', 'mpptHeartBeat[0].mpptPv[0].amp', 'mpptHeartBeat[0].mpptPv[1].vol', 'mpptHeartBeat[0].mpptPv[1].amp'], 'per-string PV voltage / current: no unified metric'),
    ...unmappedKeys(['bpSoh', 'bpVol', 'bpAmp', 'bpCycles', 'bpRemainWatth', 'bpMaxCellTemp', 'bpCellMaxVol'], 'per battery module (prefixed, several packs, TOL/FOX only): no single main pack, and their quota/all spelling is unconfirmed', ['TOL', 'FOX']),
  ],
};
