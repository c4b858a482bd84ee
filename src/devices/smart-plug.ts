/**
 * Smart Plug (`2_1.` = the plug's heartbeat; `2_2.` holds its scheduled tasks). Cites DOC
 * SmartPlug, TOL public/smart_plug.py, FOX ef_plug_data.js, TAR, FIX smartPlugProperties.ts (a
 * real capture).
 *
 * The plug sits between the mains socket and one appliance and measures what flows through it:
 * the appliance's draw is the plug's output (port `ac`, and its total output) and the load it
 * sees. Its volt/freq are those of the socket it is plugged into, the grid side: AC input.
 */
import { RAW_ONLY_REASONS, AC_FREQUENCY, unmappedKeys, type DeviceFamily } from './device-family.js';

export const smartPlug: DeviceFamily = {
  id: 'smart_plug',
  title: 'Smart Plug',
  productNames: [/^Smart Plug$/i],
  snPrefixes: ['HW52'],
  // `2_1.` is the plug's alone. A PowerStream quota lists empty `2_1` / `2_2` objects (FIX), which
  // hold no `watts`, so these keys stay absent there.
  shapeKeys: ['2_1.watts', '2_1.volt', '2_1.current'],
  streamShape: 'cmd',
  energy: {
    ratedPowerW: 2500,
    ratedPowerEvidence: "the plug's own load limit: 2_1.maxWatts 2500 W in DOC SmartPlug's example and in the real FIX capture; no counter on the Open API (the app API's daily watth5 is not in quota/all), so load energy is integrated",
    rows: [],
  },
  rows: [
    { metric: 'loadPower', key: '2_1.watts', scale: 0.1, tags: ['DOC', 'TOL', 'FOX', 'TAR'], evidence: 'DOC SmartPlug (0.1 W), TOL (Deciwatts), FOX, TAR; tolwi issue #286 (app 17 W = raw 170)' },
    { metric: 'outputPower', key: '2_1.watts', scale: 0.1, tags: ['DOC', 'TOL', 'FOX', 'TAR'], evidence: "as load_power_watts: the plug's only output is the appliance it feeds" },
    { metric: 'portOutputPower', port: 'ac', key: '2_1.watts', scale: 0.1, tags: ['DOC', 'TOL', 'FOX', 'TAR'], evidence: "as load_power_watts: the plug's only output is the appliance it feeds" },
    { metric: 'acInputVoltage', key: '2_1.volt', scale: 1, tags: ['DOC', 'TOL', 'FIX'], evidence: 'DOC SmartPlug (V), TOL (Volt); FIX 228' },
    { metric: 'acInputFrequency', key: '2_1.freq', scale: 1, valid: AC_FREQUENCY, tags: ['DOC', 'FIX'], evidence: 'DOC SmartPlug (Hz); FIX 50' },
  ],
  rawOnly: [
    { prefixes: ['2_2.'], reason: RAW_ONLY_REASONS.tasks },
    {
      reason: RAW_ONLY_REASONS.settings,
      keys: ['2_1.brightness', '2_1.country', '2_1.meshEnable', '2_1.selfEmsSwitch', '2_1.town'],
    },
    {
      reason: RAW_ONLY_REASONS.identity,
      keys: ['2_1.meshId', '2_1.parentMac', '2_1.selfMac', '2_1.staIpAddr', '2_1.updateTime'],
    },
    {
      reason: RAW_ONLY_REASONS.status,
      keys: ['2_1.errCode', '2_1.lanState', '2_1.mqttErr', '2_1.mqttErrTime', '2_1.otaDlErr', '2_1.otaDlTlsErr', '2_1.resetReason', '2_1.rtcResetReason', '2_1.warnCode', '2_1.wifiErr', '2_1.wifiErrTime'],
    },
    {
      reason: RAW_ONLY_REASONS.counters,
      keys: ['2_1.resetCount', '2_1.runTime'],
    },
    {
      reason: RAW_ONLY_REASONS.unmapped,
      keys: ['2_1.heartbeatFrequency', '2_1.matterFabric', '2_1.meshLayel', '2_1.parentWifiRssi', '2_1.stackFree', '2_1.stackMinFree'],
    },
  ],
  unmapped: [
    { key: '2_1.current', reason: 'no unified AC-current metric (mA per DOC, TOL, FOX, TAR)', tags: ['DOC', 'TOL', 'FOX', 'TAR'] },
    { key: '2_1.temp', reason: "the plug's own temperature (°C per TOL, FOX; DOC gives no unit): no unified metric", tags: ['DOC', 'TOL', 'FOX'] },
    { key: '2_1.maxCur', reason: 'a setting (0.1 A, DOC), not a measurement', tags: ['DOC'] },
    { key: '2_1.maxWatts', reason: 'a setting, not a measurement' },
    ...unmappedKeys(['2_1.consWatt', '2_1.geneWatt', '2_1.consNum', '2_1.geneNum'], 'no source documents them; they look like totals of the energy-system mesh, not of this plug (FIX consWatt −820 while the plug draws 1 W)', ['FIX']),
    { key: '2_1.switchSta', reason: 'relay state (boolean), not a measurement' },
  ],
};
