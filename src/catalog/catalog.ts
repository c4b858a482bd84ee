/**
 * The metric catalog: every metric the exporter defines, as data (name without the configured
 * prefix, type, unit, labels, help), read by the code that creates the instruments and by the
 * generator of the docs' tables (test/tools/doc-tables/). Raw quota gauges are the exception:
 * they are named from their keys (raw-metric-names.ts) and never take one of these names.
 */

/** The labels every per-device series carries (device-labels.ts builds them). */
export const DEVICE_LABELS = ['device', 'device_name', 'product_name'] as const;

/** A label whose values are a fixed set, listed for the docs. */
export interface EnumLabel {
  name: string;
  values: readonly string[];
}

export type Label = string | EnumLabel;

export interface OwnMetric {
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  labels: readonly Label[];
  help: string;
}

/**
 * The exporter's own metrics: device state and self-metrics. Quota gauges are named from their keys (raw-metric-names.ts) and never take one of
 * these names. The docs' table is made from this list (test/tools/doc-tables/metrics-table.ts).
 */
export const METRICS = {
  online: {
    name: 'online',
    type: 'gauge',
    labels: [...DEVICE_LABELS],
    help: "1 if the device is online according to the EcoFlow device list (refreshed every DEVICE_LIST_INTERVAL) or, sooner, the MQTT stream's status message, else 0.",
  },
  connectionErrors: {
    name: 'connection_errors',
    type: 'counter',
    labels: [...DEVICE_LABELS],
    help: 'Failed quota reads of the device since start (kept from the Python exporter).',
  },
  lastUpdate: {
    name: 'last_update_timestamp_seconds',
    type: 'gauge',
    labels: [...DEVICE_LABELS],
    help: "When the device's quota values were last refreshed, by a REST read or a stream message (Unix time). Values older than DATA_STALE_AFTER are not exported.",
  },
  // Self-metrics: the exporter's own health. Their label sets are fixed (or one per device).
  apiRequests: {
    name: 'exporter_api_requests',
    type: 'counter',
    labels: ['endpoint', 'outcome', 'code'],
    help: 'EcoFlow API requests by endpoint, outcome and API code or HTTP status (circuit_open: refused without sending).',
  },
  apiRequestDuration: {
    name: 'exporter_api_request_duration_seconds',
    type: 'histogram',
    labels: ['endpoint'],
    help: 'Duration of EcoFlow API requests, body included.',
  },
  pollDuration: {
    name: 'exporter_poll_duration_seconds',
    type: 'histogram',
    labels: [{ name: 'kind', values: ['list', 'quota'] }],
    help: "Duration of successful polls (device list, or one device's quotas) including the snapshot update.",
  },
  lastSuccessfulPoll: {
    name: 'exporter_last_successful_poll_timestamp_seconds',
    type: 'gauge',
    labels: [...DEVICE_LABELS],
    help: "When the device's quotas were last read successfully (Unix time).",
  },
  devices: {
    name: 'exporter_devices',
    type: 'gauge',
    labels: ['state'],
    help: 'Selected devices by state: online, offline, restricted (key may not read them, 1006), failing (polls failing), stale (no fresh data).',
  },
  series: {
    name: 'exporter_series',
    type: 'gauge',
    labels: [],
    help: 'Series computed from quota values (raw, and unified unless switched off) in the last collection.',
  },
  seriesDropped: {
    name: 'exporter_series_dropped',
    type: 'gauge',
    labels: [...DEVICE_LABELS],
    help: 'Quota series of the device left out because it has more than MAX_SERIES_PER_DEVICE, or more metric names than MAX_METRICS_PER_DEVICE.',
  },
  circuitBreaker: {
    name: 'exporter_circuit_breaker_state',
    type: 'gauge',
    labels: [{ name: 'state', values: ['closed', 'open', 'half_open'] }],
    help: 'State of the EcoFlow API circuit breaker: 1 for the current state, 0 for the others.',
  },
  otlpExportFailures: {
    name: 'exporter_otlp_export_failures',
    type: 'counter',
    labels: [],
    help: 'OTLP pushes that failed (collector down, slow or refusing).',
  },
  serializerFallbacks: {
    name: 'exporter_serializer_fallbacks',
    type: 'counter',
    labels: [],
    help: "Times /metrics went over from the exporter's own text writer to the OpenTelemetry package's serializer because they wrote different text (compared at start and after each instrument renewal); 1 at most. /metrics stays right, scrapes cost more: a bug, please report it.",
  },
  streamState: {
    name: 'exporter_stream_state',
    type: 'gauge',
    labels: [{ name: 'state', values: ['off', 'connecting', 'connected', 'down'] }],
    help: 'State of the EcoFlow open-API MQTT stream: 1 for the current state, 0 for the others (off: ECOFLOW_MQTT=off).',
  },
  streamConnects: {
    name: 'exporter_stream_connects',
    type: 'counter',
    labels: [],
    help: 'Successful connections to the MQTT broker since start.',
  },
  streamDisconnects: {
    name: 'exporter_stream_disconnects',
    type: 'counter',
    labels: [],
    help: 'Lost connections to the MQTT broker since start (REST polls every COLLECTING_INTERVAL until it is back).',
  },
  streamMessages: {
    name: 'exporter_stream_messages',
    type: 'counter',
    labels: [...DEVICE_LABELS, { name: 'kind', values: ['type_code', 'cmd', 'params', 'flat', 'status'] }],
    help: 'Stream messages of the device that were understood, by shape (quota messages) or status.',
  },
  streamUnknownMessages: {
    name: 'exporter_stream_unknown_messages',
    type: 'counter',
    labels: [...DEVICE_LABELS, 'reason'],
    help: 'Stream messages of the device that were not understood and skipped (not_json, not_an_object, too_large, unknown_type_code, no_values, bad_status; merge_failed: a bug, please report it).',
  },
  streamMergeDuration: {
    name: 'exporter_stream_merge_duration_seconds',
    type: 'histogram',
    labels: [],
    help: "From a stream message's arrival to its values being in the series the next scrape reads.",
  },
  instrumentRenewals: {
    name: 'exporter_instrument_renewals',
    type: 'counter',
    labels: [],
    help: 'Times the metric instruments were built again to let go of the series of devices and keys that went away.',
  },
  energyReadingsRejected: {
    name: 'exporter_energy_readings_rejected',
    type: 'counter',
    labels: [...DEVICE_LABELS, { name: 'reason', values: ['jump', 'decrease', 'implausible_power', 'older_day'] }],
    help: 'Energy inputs of the device left out: a counter jump beyond what the device can deliver in the time, a power beyond its rating, a daily counter dated before the last one.',
  },
  energyStateWrites: {
    name: 'exporter_energy_state_writes',
    type: 'counter',
    labels: [{ name: 'outcome', values: ['ok', 'failed'] }],
    help: 'Writes of ENERGY_STATE_FILE (at start, every ENERGY_STATE_INTERVAL, soon after a counter starts, and at shutdown) by outcome.',
  },
  buildInfo: {
    name: 'exporter_build_info',
    type: 'gauge',
    labels: ['version', 'node_version'],
    help: 'Version of the exporter and of Node.js; always 1.',
  },
  residentMemory: {
    name: 'exporter_resident_memory_bytes',
    type: 'gauge',
    labels: [],
    help: 'Resident set size of the exporter process.',
  },
  heapUsed: {
    name: 'exporter_heap_used_bytes',
    type: 'gauge',
    labels: [],
    help: 'V8 heap in use.',
  },
  eventLoopLag: {
    name: 'exporter_event_loop_lag_seconds',
    type: 'gauge',
    labels: [],
    help: 'Longest event-loop stall since the previous collection (a 100 ms timer firing late).',
  },
} as const satisfies Record<string, OwnMetric>;

/**
 * The unified metrics: one name per quantity, in base units, whatever the model. Device
 * families map their raw quota keys onto these (src/devices/<family>.ts). Their labels are
 * DEVICE_LABELS, plus `port` (one of PORTS) on the per-port ones, or `phase` (one of PHASES) on
 * the per-phase ones.
 */
export interface UnifiedMetric {
  name: string;
  /** UCUM unit for the instrument (`# UNIT` in the exposition, `unit` in OTLP). */
  unit: string;
  help: string;
  /** Set on the metrics that carry a `port` label. */
  perPort?: true;
  /** Set on the metrics that carry a `phase` label. */
  perPhase?: true;
}

export const UNIFIED_METRICS = {
  batterySoc: {
    name: 'battery_soc_ratio',
    unit: '1',
    help: 'State of charge of the whole device, 0-1 (what the app shows: all packs combined).',
  },
  batterySoh: { name: 'battery_soh_ratio', unit: '1', help: 'State of health of the main battery pack, 0-1.' },
  batteryTemperature: { name: 'battery_temperature_celsius', unit: 'Cel', help: 'Temperature of the main battery pack.' },
  batteryVoltage: { name: 'battery_voltage_volts', unit: 'V', help: 'Voltage of the main battery pack.' },
  batteryCurrent: {
    name: 'battery_current_amperes',
    unit: 'A',
    help: 'Current of the main battery pack: positive while charging, negative while discharging.',
  },
  batteryPower: {
    name: 'battery_power_watts',
    unit: 'W',
    help: 'Battery power: positive while charging, negative while discharging.',
  },
  batteryCycles: { name: 'battery_cycles', unit: '1', help: 'Charge cycles of the main battery pack.' },
  batteryTimeToFull: {
    name: 'battery_time_to_full_seconds',
    unit: 's',
    help: 'Estimated time until the battery is full; no series while not charging.',
  },
  batteryTimeToEmpty: {
    name: 'battery_time_to_empty_seconds',
    unit: 's',
    help: 'Estimated time until the battery is empty; no series while not discharging.',
  },
  inputPower: { name: 'input_power_watts', unit: 'W', help: 'Total input power of the device.' },
  outputPower: { name: 'output_power_watts', unit: 'W', help: 'Total output power of the device.' },
  portInputPower: { name: 'port_input_power_watts', unit: 'W', help: 'Input power by port (ac, solar, usb, …: a fixed list of port names).', perPort: true },
  portOutputPower: { name: 'port_output_power_watts', unit: 'W', help: 'Output power by port (ac, solar, usb, …: a fixed list of port names).', perPort: true },
  acInputVoltage: { name: 'ac_input_voltage_volts', unit: 'V', help: 'AC input (grid or charging) voltage.' },
  acOutputVoltage: { name: 'ac_output_voltage_volts', unit: 'V', help: 'AC output (inverter) voltage.' },
  acInputFrequency: { name: 'ac_input_frequency_hertz', unit: 'Hz', help: 'AC input frequency.' },
  acOutputFrequency: { name: 'ac_output_frequency_hertz', unit: 'Hz', help: 'AC output (inverter) frequency.' },
  gridPower: { name: 'grid_power_watts', unit: 'W', help: 'Power exchanged with the grid: positive importing, negative exporting.' },
  gridPhasePower: {
    name: 'grid_phase_power_watts',
    unit: 'W',
    help: 'Power exchanged with the grid on one phase (L1, L2, L3), at the house connection: positive importing. The total is grid_power_watts, a metric of its own, so a sum by device counts nothing twice.',
    perPhase: true,
  },
  loadPower: { name: 'load_power_watts', unit: 'W', help: 'Power drawn by the household or appliance load the device sees.' },
} as const satisfies Record<string, UnifiedMetric>;

export type UnifiedMetricId = keyof typeof UNIFIED_METRICS;

/**
 * The energy counters: joules (the Prometheus base unit), so that `rate(x_joules_total[5m])` is
 * the matching `_watts` gauge. A family's table says, per metric and port, whether the device's
 * own counter, a daily counter accumulated here, or the integral of the power metric `power`
 * feeds it (src/energy/energy-plan.ts). `part`: only that sign of a signed power.
 */
export interface EnergyMetric {
  name: string;
  help: string;
  /** The power metric this is the energy of, for families that integrate it. */
  power?: { metric: UnifiedMetricId; part?: 'positive' | 'negative' };
  /** Carries a `port` label (the power metric's ports). */
  perPort?: true;
  /** Carries `circuit` and `source` labels (Smart Home Panel). */
  perCircuit?: true;
}

export const ENERGY_METRICS = {
  portInputEnergy: {
    name: 'port_input_energy_joules_total',
    help: 'Energy taken in by port since the counter started (same ports as port_input_power_watts).',
    power: { metric: 'portInputPower' },
    perPort: true,
  },
  portOutputEnergy: {
    name: 'port_output_energy_joules_total',
    help: 'Energy given out by port since the counter started (same ports as port_output_power_watts).',
    power: { metric: 'portOutputPower' },
    perPort: true,
  },
  inputEnergy: { name: 'input_energy_joules_total', help: 'Energy taken in by the device, all inputs together.', power: { metric: 'inputPower' } },
  outputEnergy: { name: 'output_energy_joules_total', help: 'Energy given out by the device, all outputs together.', power: { metric: 'outputPower' } },
  batteryChargeEnergy: {
    name: 'battery_charge_energy_joules_total',
    help: 'Energy into the battery (the family table says which packs: docs/energy.md).',
    power: { metric: 'batteryPower', part: 'positive' },
  },
  batteryDischargeEnergy: {
    name: 'battery_discharge_energy_joules_total',
    help: 'Energy out of the battery (the family table says which packs: docs/energy.md).',
    power: { metric: 'batteryPower', part: 'negative' },
  },
  gridImportEnergy: {
    name: 'grid_import_energy_joules_total',
    help: 'Energy taken from the grid, where the device sees the grid.',
    power: { metric: 'gridPower', part: 'positive' },
  },
  gridExportEnergy: {
    name: 'grid_export_energy_joules_total',
    help: 'Energy fed into the grid, where the device sees the grid.',
    power: { metric: 'gridPower', part: 'negative' },
  },
  loadEnergy: {
    name: 'load_energy_joules_total',
    help: "Energy used by the load the device measures (a Smart Plug's appliance, a house).",
    power: { metric: 'loadPower' },
  },
  circuitEnergy: {
    name: 'circuit_energy_joules_total',
    help: 'Smart Home Panel: energy used by each circuit (the number the app shows), by source (grid or battery).',
    perCircuit: true,
  },
} as const satisfies Record<string, EnergyMetric>;

export type EnergyMetricId = keyof typeof ENERGY_METRICS;

/** UCUM unit of every energy counter. */
export const ENERGY_UNIT = 'J';

/** The `source` values of circuit_energy_joules_total. */
export const CIRCUIT_SOURCES = ['grid', 'battery'] as const;

export type CircuitSource = (typeof CIRCUIT_SOURCES)[number];

/** The one descriptive series per device; its labels say what the exporter knows of the model. */
export const DEVICE_INFO = {
  name: 'device_info',
  labels: [...DEVICE_LABELS, 'family', 'firmware'],
  help: 'Always 1 for every listed device, online or not; labels family (the unified-metrics table used, "unknown" if none) and firmware (where the payload says).',
} as const;

/**
 * Port names: a fixed vocabulary so dashboards can sum or split by port on any model. Rows of
 * one family that share a metric and a port add up (USB-A 1 + USB-A 2 = `usb`).
 */
export const PORTS = {
  ac: 'AC sockets out, or AC charging in (grid)',
  solar: 'solar (PV) input of a device with one PV input',
  solar_1: 'first PV string of a device with several',
  solar_2: 'second PV string',
  solar_hv: 'high-voltage PV input (DELTA Pro Ultra, DELTA Pro 3)',
  solar_lv: 'low-voltage PV input (DELTA Pro Ultra, DELTA Pro 3)',
  car: '12 V car socket (out) or car charging (in)',
  usb: 'USB-A outputs, fast-charge ones included',
  usb_c: 'USB-C outputs',
  dc: 'other DC outputs: DC5521, Anderson, 12 V/24 V regulated',
  extra_battery: "extra-battery ports (reserved: no table maps them yet, the XT150 keys' sign is disputed)",
  power_in_out: 'the Power In/Out port (DELTA Pro Ultra, DELTA Pro 3)',
  ev: 'EV charger (PowerOcean)',
  solar_3: 'third PV string (STREAM Ultra: four PV inputs)',
  solar_4: 'fourth PV string (STREAM Ultra)',
} as const;

export type Port = keyof typeof PORTS;

/** The phases of a three-phase house connection, as the meters name them. */
export const PHASES = ['L1', 'L2', 'L3'] as const;

export type Phase = (typeof PHASES)[number];

/** The label of per-port metrics, with the port names allowed. */
export const PORT_LABEL = { name: 'port', values: Object.keys(PORTS) } as const satisfies EnumLabel;

/** The label of per-phase metrics. */
export const PHASE_LABEL = { name: 'phase', values: PHASES } as const satisfies EnumLabel;

/** The labels of per-circuit metrics: the circuit's number, and the source its energy came from. */
export const CIRCUIT_LABELS = { circuit: 'circuit', source: { name: 'source', values: CIRCUIT_SOURCES } } as const satisfies Record<string, Label>;

/** The labels a unified metric or energy counter carries: DEVICE_LABELS, and `port`, `phase`, or `circuit` and `source`. */
export function metricLabels(metric: UnifiedMetric | EnergyMetric): readonly Label[] {
  if (metric.perPort) return [...DEVICE_LABELS, PORT_LABEL];
  if ('perPhase' in metric && metric.perPhase) return [...DEVICE_LABELS, PHASE_LABEL];
  if ('perCircuit' in metric && metric.perCircuit) return [...DEVICE_LABELS, CIRCUIT_LABELS.circuit, CIRCUIT_LABELS.source];
  return DEVICE_LABELS;
}

/** Name fragments reserved for the exporter's own metrics, now and in later releases. */
const RESERVED = new Set<string>([METRICS.online.name, METRICS.connectionErrors.name, 'connection_errors_total']);
const RESERVED_PREFIXES = ['exporter_', 'last_update_'];

/**
 * The full metric name of a quota suffix; a suffix that would shadow our own metrics, or one of
 * `alsoReserved` (the unified names, when that layer is on), gets `_value`.
 */
export function quotaMetricName(prefix: string, suffix: string, alsoReserved?: ReadonlySet<string>): string {
  const clash = RESERVED.has(suffix) || RESERVED_PREFIXES.some((p) => suffix.startsWith(p)) || alsoReserved?.has(suffix) === true;
  return `${prefix}_${clash ? `${suffix}_value` : suffix}`;
}

export function ownMetricName(prefix: string, metric: { name: string }): string {
  return `${prefix}_${metric.name}`;
}
