/**
 * The metrics this exporter defines itself: name without the configured prefix, type, labels
 * and help. Quota gauges are named from their keys (raw-metric-names.ts) and never take one of
 * these names. The docs' table is made from this list (test/tools/doc-tables/metrics-table.ts).
 */
export const METRICS = {
  online: {
    name: 'online',
    type: 'gauge',
    labels: 'device, device_name, product_name',
    help: '1 if the device is online according to the EcoFlow device list (refreshed every DEVICE_LIST_INTERVAL) or, sooner, the MQTT stream\'s status message, else 0.',
  },
  connectionErrors: {
    name: 'connection_errors',
    type: 'counter',
    labels: 'device, device_name, product_name',
    help: 'Failed quota reads of the device since start (kept from the Python exporter).',
  },
  lastUpdate: {
    name: 'last_update_timestamp_seconds',
    type: 'gauge',
    labels: 'device, device_name, product_name',
    help: 'When the device\'s quota values were last refreshed, by a REST read or a stream message (Unix time). Values older than DATA_STALE_AFTER are not exported.',
  },
  // Self-metrics: the exporter's own health. Their label sets are fixed (or one per device).
  apiRequests: {
    name: 'exporter_api_requests',
    type: 'counter',
    labels: 'endpoint, outcome, code',
    help: 'EcoFlow API requests by endpoint, outcome and API code or HTTP status (circuit_open: refused without sending).',
  },
  apiRequestDuration: {
    name: 'exporter_api_request_duration_seconds',
    type: 'histogram',
    labels: 'endpoint',
    help: 'Duration of EcoFlow API requests, body included.',
  },
  pollDuration: {
    name: 'exporter_poll_duration_seconds',
    type: 'histogram',
    labels: 'kind (list, quota)',
    help: 'Duration of successful polls (device list, or one device\'s quotas) including the snapshot update.',
  },
  lastSuccessfulPoll: {
    name: 'exporter_last_successful_poll_timestamp_seconds',
    type: 'gauge',
    labels: 'device, device_name, product_name',
    help: 'When the device\'s quotas were last read successfully (Unix time).',
  },
  devices: {
    name: 'exporter_devices',
    type: 'gauge',
    labels: 'state',
    help: 'Selected devices by state: online, offline, restricted (key may not read them, 1006), failing (polls failing), stale (no fresh data).',
  },
  series: {
    name: 'exporter_series',
    type: 'gauge',
    labels: '',
    help: 'Series computed from quota values (raw, and unified unless switched off) in the last collection.',
  },
  seriesDropped: {
    name: 'exporter_series_dropped',
    type: 'gauge',
    labels: 'device, device_name, product_name',
    help: 'Quota series of the device left out because it has more than MAX_SERIES_PER_DEVICE.',
  },
  circuitBreaker: {
    name: 'exporter_circuit_breaker_state',
    type: 'gauge',
    labels: 'state (closed, open, half_open)',
    help: 'State of the EcoFlow API circuit breaker: 1 for the current state, 0 for the others.',
  },
  otlpExportFailures: {
    name: 'exporter_otlp_export_failures',
    type: 'counter',
    labels: '',
    help: 'OTLP pushes that failed (collector down, slow or refusing).',
  },
  streamState: {
    name: 'exporter_stream_state',
    type: 'gauge',
    labels: 'state (off, connecting, connected, down)',
    help: 'State of the EcoFlow open-API MQTT stream: 1 for the current state, 0 for the others (off: ECOFLOW_MQTT=off).',
  },
  streamConnects: {
    name: 'exporter_stream_connects',
    type: 'counter',
    labels: '',
    help: 'Successful connections to the MQTT broker since start.',
  },
  streamDisconnects: {
    name: 'exporter_stream_disconnects',
    type: 'counter',
    labels: '',
    help: 'Lost connections to the MQTT broker since start (REST polls every COLLECTING_INTERVAL until it is back).',
  },
  streamMessages: {
    name: 'exporter_stream_messages',
    type: 'counter',
    labels: 'device, device_name, product_name, kind (type_code, cmd, params, flat, status)',
    help: 'Stream messages of the device that were understood, by shape (quota messages) or status.',
  },
  streamUnknownMessages: {
    name: 'exporter_stream_unknown_messages',
    type: 'counter',
    labels: 'device, device_name, product_name, reason',
    help: 'Stream messages of the device that were not understood and skipped (not_json, not_an_object, too_large, unknown_type_code, no_values, bad_status; merge_failed: a bug, please report it).',
  },
  streamMergeDuration: {
    name: 'exporter_stream_merge_duration_seconds',
    type: 'histogram',
    labels: '',
    help: 'From a stream message\'s arrival to its values being in the series the next scrape reads.',
  },
  instrumentRenewals: {
    name: 'exporter_instrument_renewals',
    type: 'counter',
    labels: '',
    help: 'Times the metric instruments were built again to let go of the series of devices and keys that went away.',
  },
  buildInfo: {
    name: 'exporter_build_info',
    type: 'gauge',
    labels: 'version, node_version',
    help: 'Version of the exporter and of Node.js; always 1.',
  },
  residentMemory: {
    name: 'exporter_resident_memory_bytes',
    type: 'gauge',
    labels: '',
    help: 'Resident set size of the exporter process.',
  },
  heapUsed: {
    name: 'exporter_heap_used_bytes',
    type: 'gauge',
    labels: '',
    help: 'V8 heap in use.',
  },
  eventLoopLag: {
    name: 'exporter_event_loop_lag_seconds',
    type: 'gauge',
    labels: '',
    help: 'Longest event-loop stall since the previous collection (a 100 ms timer firing late).',
  },
} as const;

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
