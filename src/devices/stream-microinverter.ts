/**
 * STREAM Microinverter (BK01): two PV strings into the house, no battery. Cites FOX
 * test/data2/stream_inverter.json (decoded real messages: the fixture
 * src/simulator/payloads/stream_microinverter.json) and ef_stream_inverter_data.js, TOL
 * internal/stream_microinverter.py and its issues #533 and #594 (open-MQTT pushes and a
 * diagnostics dump of real units), SHU (24 frames of a BK01 over 199 s, issue #141 there).
 *
 * Stream-only: quota/all answers with no data for it (TOL commit 47a15bc, citing its issues #651
 * and #696). Its keys are the STREAM units' names for what it has (powGetPv, gridConnection*),
 * without any battery, system or energy-counter key, so it has a table of its own: under
 * STREAM's, its AC output (gridConnectionPower, which STREAM leaves unmapped) had no series.
 *
 * gridConnectionPower is the power fed into the house: it equals the two strings' sum in every
 * dump (#533: 214.6 = 214.6 W; FOX: 99.28 + 84.8 = 184.08 ≈ 184.1 W; SHU 38.7 = 19.02 + 19.68).
 */
import { AC_FREQUENCY, RAW_ONLY_REASONS, unmappedKeys, type DeviceFamily } from './device-family.js';

export const streamMicroinverter: DeviceFamily = {
  id: 'stream_microinverter',
  title: 'STREAM Microinverter',
  // The device list gives STREAM units no productName (TOL PR #483, EFSDK): the serial prefix is
  // what recognises them. The device names itself "STREAM Microinverter-xxxx" (TOL issue #594).
  productNames: [/^STREAM Microinverter( \(US\))?$/i],
  // TOL internal/stream_microinverter.py (product_id 17409), SHU, EFBLE. BK02 is in EFBLE's list
  // beside it as a STREAM Microinverter (probably the US model), with no dump behind it: kept,
  // because without a product name an unrecognised unit would be polled over REST for nothing.
  snPrefixes: ['BK01', 'BK02'],
  identityTags: ['TOL', 'SHU', 'EFBLE'],
  // The power factor and target are the inverter's own: no STREAM battery unit sends them (EFSDK).
  shapeKeys: ['gridConnectionPower', 'gridConnectionPowerFactor', 'invTargetPwr'],
  streamShape: 'flat',
  streamOnly: true,
  energy: {
    ratedPowerW: 1200,
    ratedPowerUnverified: true,
    ratedPowerEvidence:
      'unverified (no EcoFlow datasheet in the sources): two MPPT inputs of about 600 W / 16 A each (TOL issue #520), AC output 800 W as shipped (feedGridModePowMax 800 in TOL issues #533 and #594, feedGridModePowLimit 800 in FOX) and up to 1200 W once unlocked in the app (EFBLE issue #211; FOX invTargetPwr up to 1200)',
    // No energy counter in any dump (TOL #533, #594, FOX, SHU): PV and output energy are integrated.
    rows: [],
  },
  rows: [
    { metric: 'portInputPower', port: 'solar_1', key: 'powGetPv', scale: 1, tags: ['TOL', 'FOX', 'SHU'], evidence: 'TOL, FOX (W float); SHU 19.02 W = plugInInfoPvVol 28.43 V × plugInInfoPvAmp 0.669 A (FOX 99.28 W against 35.65 V × 2.44 A = 87 W: its two messages are of different moments)' },
    { metric: 'portInputPower', port: 'solar_2', key: 'powGetPv2', scale: 1, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (W float); FOX 84.8 W' },
    { metric: 'outputPower', key: 'gridConnectionPower', scale: 1, tags: ['TOL', 'FOX', 'SHU'], evidence: 'TOL, FOX (W float, + feeding the house); equals powGetPv + powGetPv2 in every dump (file comment)' },
    { metric: 'portOutputPower', port: 'ac', key: 'gridConnectionPower', scale: 1, tags: ['TOL', 'FOX'], evidence: 'its one output, the grid-tied AC port (as outputPower)' },
    // The grid-tied port is where its AC leaves, as the PowerStream's invOpVolt.
    { metric: 'acOutputVoltage', key: 'gridConnectionVol', scale: 1, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (V float); FOX 232.6 V, TOL issue #533 238.8 V' },
    { metric: 'acOutputFrequency', key: 'gridConnectionFreq', scale: 1, valid: AC_FREQUENCY, tags: ['TOL', 'FOX'], evidence: 'TOL, FOX (Hz float); FOX 50, TOL issue #533 49.89' },
  ],
  rawOnly: [
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: [
        'countryCode',
        'debugModeEnable',
        'displayPropertyFullUploadPeriod',
        'displayPropertyIncrementalUploadPeriod',
        'factoryModeEnable',
        'feedGridModePowLimit',
        'feedGridModePowMax',
        'gridCodeSelection',
        'gridConnectionPowerFactorSetting',
        'invTargetPwr',
        'runtimePropertyFullUploadPeriod',
        'runtimePropertyIncrementalUploadPeriod',
        'townCode',
        'utcSetMode',
        'utcTimezone',
        'utcTimezoneId',
      ],
    },
    { reason: RAW_ONLY_REASONS.identity, keys: ['gridCodeVersion'] },
    { reason: RAW_ONLY_REASONS.status, keys: ['devErrcodeList', 'gridConnectionSta', 'gridCurtailmentSignal', 'moduleWifiRssi'] },
  ],
  unmapped: [
    // Newer firmware may send only these (TOL stream_pv_helpers.py, seen on STREAM Ultra; a 2026 BK01 capture still sends powGetPv).
    ...unmappedKeys(['plugInInfoPvVol', 'plugInInfoPvAmp', 'plugInInfoPv2Vol', 'plugInInfoPv2Amp'], "per-string PV voltage and current: no unified metric; the strings' powers are powGetPv / powGetPv2", ['FOX']),
    { key: 'gridConnectionAmp', reason: 'no unified AC-current metric', tags: ['FOX'] },
    ...unmappedKeys(['gridConnectionPowerFactor', 'gridConnectionReactivePower'], 'no unified power-factor or reactive-power metric (1 and 0 in every dump)', ['FOX']),
    { key: 'invNtcTemp3', reason: "the inverter's temperature, its only one (TOL issue #533): no unified inverter-temperature metric", tags: ['TOL'] },
  ],
};
