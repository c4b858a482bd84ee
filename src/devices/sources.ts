/**
 * The sources legend: every tag a device table cites, defined once with the public repository
 * and file(s) where the fact can be checked. Rows and unmapped entries name tags (`tags`) and
 * say what they saw there (`evidence`); the tag type only admits tags listed here, and a test
 * checks that every tag here is cited somewhere.
 */
export interface Source {
  /** Short tag, as rows cite it. */
  tag: string;
  /** What the source is and why it counts. */
  what: string;
  /** The public GitHub repository, `owner/name`. */
  repo: string;
  /** File(s) inside it; `<dev>`-style placeholders stand for one file per model. */
  paths: readonly string[];
}

export const SOURCES = [
  {
    tag: 'DOC',
    what: 'EcoFlow\'s official developer documentation (quota keys, units, examples), copied verbatim; rows name the page, e.g. "DOC Delta2"',
    repo: 'Olli0103/ecoflow',
    paths: ['API/<Device>.md'],
  },
  {
    tag: 'TOL',
    what: 'tolwi\'s Home Assistant integration: the sensor class fixes a key\'s scale (Milli*, Deci*, …); its issues are cited by number ("tolwi issue #100")',
    repo: 'tolwi/hassio-ecoflow-cloud',
    paths: ['custom_components/ecoflow_cloud/sensor.py', 'custom_components/ecoflow_cloud/devices/public/*.py', 'custom_components/ecoflow_cloud/devices/internal/*.py', 'custom_components/ecoflow_cloud/devices/public/data_bridge.py'],
  },
  {
    tag: 'DIAG',
    what: 'real device dumps shipped with TOL (diagnostics); several are payloads of the demo fleet',
    repo: 'tolwi/hassio-ecoflow-cloud',
    paths: ['diag/*.json'],
  },
  {
    tag: 'FIX',
    what: 'real Open-API quota/all captures (test fixtures); copies are payloads of the demo fleet',
    repo: 'rustyy/ecoflow-api',
    paths: ['packages/rest-client/src/__fixtures__/*Properties.ts'],
  },
  {
    tag: 'RUS',
    what: "a typed schema of the PowerStream quota whose comments carry DOC's units",
    repo: 'rustyy/ecoflow-api',
    paths: ['packages/schemas/src/powerStream/getProperties.ts'],
  },
  {
    tag: 'FOX',
    what: 'ioBroker dictionaries (unit and `mult` per key) for the app MQTT API: same field names, other group prefixes',
    repo: 'foxthefox/ioBroker.ecoflow-mqtt',
    paths: ['lib/dict_data/ef_<dev>_data.js', "lib/ecoflow_data.js (EcoFlow's specification figures, `spec` per model)", 'test/data2/<dev>.json (decoded real messages)'],
  },
  {
    tag: 'TAR',
    what: 'an Open-API Home Assistant integration (units, divisors, keys DOC leaves out); its issue #30 holds a real DELTA Pro Ultra quota/all dump',
    repo: 'TarasKhust/ecoflow-api-mqtt',
    paths: ['custom_components/ecoflow_api/sensor.py'],
  },
  {
    tag: 'HB',
    what: 'a Homebridge plugin speaking the Open API: per-model HTTP contracts (DELTA Pro 3 outputs as "(-N W)", read with Math.abs) and the MQTT message types',
    repo: 'PietroLubini/homebridge-ecoflow',
    paths: ['src/accessories/batteries/deltapro3/interfaces/deltaPro3HttpApiContracts.ts', 'src/accessories/apis/interfaces/ecoFlowMqttContacts.ts'],
  },
  {
    tag: 'EFBLE',
    what: 'a Bluetooth Home Assistant integration: serial-number prefixes per model; its PR #420 discusses DELTA 3 Max Plus per-outlet powers, its issue #449 is a DELTA Max (DAEB…), its issue #211 a STREAM Microinverter unlocked to 1200 W',
    repo: 'rabits/ha-ef-ble',
    paths: ['custom_components/ef_ble/eflib/devices/*.py'],
  },
  {
    tag: 'SHU',
    what: 'a Home Assistant integration with real masked captures (a PowerStream quota; 24 frames of a STREAM Microinverter, BK01, from its issue #141), DELTA 3 parsers that map the EMS SoC onto cmsBattSoc, a PowerOcean quota/all parser (Wh lifetime totals), and serial prefixes per model',
    repo: 'shuette42/ecoflow-energy-ha',
    paths: ['tests/fixtures/powerstream/hw51_quota_masked.json', 'tests/fixtures/stream/bk01_capture_masked.json', 'custom_components/ecoflow_energy/ecoflow/parsers/delta3_http.py', 'custom_components/ecoflow_energy/ecoflow/parsers/powerocean.py', 'custom_components/ecoflow_energy/ecoflow/const.py'],
  },
  {
    tag: 'EVCC',
    what: "evcc's EcoFlow STREAM support; commit 509fb9c reports REST quota/all giving cmsBattSoc 0 constantly",
    repo: 'evcc-io/evcc',
    paths: ['commit 509fb9c'],
  },
  {
    tag: 'NIL',
    what: 'a PowerOcean Home Assistant integration; its issue #23 reports bpSoc 999 with no battery attached',
    repo: 'niltrip/powerocean',
    paths: ['issue #23'],
  },
  {
    tag: 'EFSDK',
    what: 'a recording of a live EU Open-API session (2026-09-27): REST answers and the open-MQTT pushes of a STREAM Ultra, a STREAM AC Pro and a Smart Meter, with their times',
    repo: 'colombod/ecoflow-sdk',
    paths: ['python/tests/recordings/live-20260927/recording.json', 'python/tests/recordings/live-20260928/recording.json', 'python/CHANGELOG.md'],
  },
] as const satisfies readonly Source[];

/** A tag defined in SOURCES: rows can cite nothing else. */
export type SourceTag = (typeof SOURCES)[number]['tag'];
