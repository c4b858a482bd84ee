/**
 * Smart Meter (BK21): the meter at the house connection, read by the STREAM system. Cites TOL
 * public/smart_meter.py and EFSDK, a live capture (src/simulator/payloads/smartmeter.json).
 *
 * Stream-only: quota/all answers success with no data for it (EFSDK), so every value comes
 * over the open-MQTT stream, with `gridConnectionDataRecord` a nested object in `params`.
 *
 * The record's names mislead. `todayActive` is not a daily figure: it only ever rose, and in
 * every one of the 19 pushes (of 29) that carry the record `todayActive − totalActiveEnergy = totalReactiveEnergy`
 * (12,822,300 − 12,809,327 = 12,973 Wh at the end). TOL names `totalActiveEnergy` "net energy
 * consumption" and `totalReactiveEnergy` "lifetime energy delivery" (Wh, EnergySensorEntity).
 * Read together: `todayActive` is the energy taken from the grid, `totalReactiveEnergy` the
 * energy fed into it, and `totalActiveEnergy` the difference. Over the capture's minute
 * `todayActive` rose 18 Wh while the meter read about 1,140 W of import (1,140 W × 56 s ≈
 * 17.7 Wh), and `totalReactiveEnergy` stood still: import is seen counting; export is inferred
 * from the identity and TOL's name, not seen rising (docs/devices.md says so).
 */
import { PHASES } from '../catalog/catalog.js';
import { unmappedKeys, type DeviceFamily, type EnergyRating } from './device-family.js';

/** The house connection: as for STREAM's grid rows, a bound no house reading exceeds (200 A at 240 V). */
const HOUSE_CONNECTION_W = 48_000;
const HOUSE_CONNECTION_EVIDENCE = 'the house connection, not the meter: 48 kW (200 A at 240 V; 3 × 63 A at 230 V is 43.5 kW), as for STREAM grid_power_watts; an assumption, not a Smart Meter figure';

/** No public figure bounds what the counters count but the house connection: so unverified. */
const HOUSE_CONNECTION_RATING: EnergyRating = { watts: HOUSE_CONNECTION_W, evidence: HOUSE_CONNECTION_EVIDENCE, unverified: true };

export const smartMeter: DeviceFamily = {
  id: 'smart_meter',
  title: 'Smart Meter',
  productNames: [/^Smart Meter$/i],
  snPrefixes: ['BK21'],
  identityTags: ['EFSDK'],
  // STREAM units report the system's grid power too (powGetSysGrid), but not per phase.
  shapeKeys: ['gridConnectionPowerL1', 'gridConnectionDataRecord.todayActive'],
  streamShape: 'params',
  streamOnly: true,
  energy: {
    ratedPowerW: HOUSE_CONNECTION_W,
    ratedPowerEvidence: HOUSE_CONNECTION_EVIDENCE,
    ratedPowerUnverified: true,
    rows: [
      {
        kind: 'lifetime',
        metric: 'gridImportEnergy',
        keys: ['gridConnectionDataRecord.todayActive'],
        scale: 3600,
        rating: HOUSE_CONNECTION_RATING,
        tags: ['TOL', 'EFSDK'],
        evidence: 'lifetime energy taken from the grid (Wh) despite its name: EFSDK never saw it fall, it rose 18 Wh in a minute of ~1,150 W import, and it equals totalActiveEnergy + totalReactiveEnergy in every push that carries the record; TOL reads it as Wh (EnergySensorEntity)',
      },
      {
        kind: 'lifetime',
        metric: 'gridExportEnergy',
        keys: ['gridConnectionDataRecord.totalReactiveEnergy'],
        scale: 3600,
        rating: HOUSE_CONNECTION_RATING,
        tags: ['TOL', 'EFSDK'],
        evidence:
          'lifetime energy fed into the grid (Wh) despite its name: TOL "lifetime energy delivery" (EnergySensorEntity, Wh); EFSDK: todayActive − totalActiveEnergy (net) equals it in every push that carries the record; it stood at 12,973 Wh through a minute of import, so it was not seen rising. Read as reactive energy (its name) it would be 0.1 % of the active energy, where a house draws tens of percent: not plausible',
      },
    ],
  },
  rows: [
    {
      metric: 'gridPower',
      key: 'powGetSysGrid',
      scale: 1,
      tags: ['TOL', 'EFSDK'],
      evidence: 'TOL (WattsSensorEntity, "power global"); EFSDK: 1148.4448 W, the sum of gridConnectionPowerL1..L3, positive while importing (todayActive rising)',
    },
    ...PHASES.map((phase) => ({
      metric: 'gridPhasePower' as const,
      phase,
      key: `gridConnectionPower${phase}`,
      scale: 1,
      tags: ['TOL', 'EFSDK'] as const,
      evidence: `TOL (WattsSensorEntity, "power ${phase}"); EFSDK: L1 1148.4448 W = powGetSysGrid, L2 and L3 0 W on a one-phase house; positive importing, as the total`,
    })),
  ],
  rawOnly: [],
  unmapped: [
    ...unmappedKeys(['gridConnectionVolL1', 'gridConnectionVolL2', 'gridConnectionVolL3'], "voltage of one phase at the house connection (V; TOL VoltSensorEntity; EFSDK 244.1, 121.8, 121.8 on a one-phase house): ac_input_voltage_volts is a device's own input, so no unified metric", ['TOL', 'EFSDK']),
    {
      key: 'gridConnectionDataRecord.totalActiveEnergy',
      reason: 'net energy from the grid (Wh): TOL "net energy consumption"; EFSDK: todayActive − totalReactiveEnergy in every push that carries the record. Import and export are counted; the net is their difference in PromQL',
      tags: ['TOL', 'EFSDK'],
    },
    ...unmappedKeys(['gridConnectionDataRecord.todayActiveL1', 'gridConnectionDataRecord.todayActiveL2', 'gridConnectionDataRecord.todayActiveL3'], "per phase, by TOL's name (Wh); EFSDK: L1 equals totalActiveEnergy (the net) on a one-phase house, so a net per phase, not an import: no per-phase energy metric", [
      'TOL',
      'EFSDK',
    ]),
    {
      key: 'gridConnectionDataRecord.todayReactive',
      reason: '0 in every push of EFSDK, and not among the keys TOL reads: meaning unknown',
      tags: ['EFSDK', 'TOL'],
    },
  ],
};
