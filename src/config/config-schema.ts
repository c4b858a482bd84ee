import convict from 'convict';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../ecoflow/ecoflow-client.js';

/**
 * Every option: its doc line, format, default, environment variable and CLI flag. The
 * environment names are those of the Python ecoflow_prometheus.py exporter and of the
 * OpenTelemetry SDK specification, so existing compose files keep working.
 * Secrets have no CLI flag (they would show in `ps`) and are marked sensitive.
 */
convict.addFormat({
  name: 'seconds',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error('must be a positive number of seconds');
  },
  coerce: (v: unknown) => Number(v),
});

convict.addFormat({
  name: 'seconds-or-zero',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('must be 0 or a positive number of seconds');
  },
  coerce: (v: unknown) => Number(v),
});

convict.addFormat({
  name: 'milliseconds',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error('must be a positive whole number of milliseconds');
  },
  coerce: (v: unknown) => Number(v),
});

convict.addFormat({
  name: 'positive-int',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error('must be a whole number of at least 1');
  },
  coerce: (v: unknown) => Number(v),
});

convict.addFormat({
  name: 'http-url',
  validate(value: unknown) {
    if (value === '') return;
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw new Error('must be an http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
  },
  coerce: (v: unknown) => String(v).trim(),
});

convict.addFormat({
  name: 'log-level',
  validate(value: unknown) {
    if (!['debug', 'info', 'warn', 'error'].includes(String(value))) throw new Error('must be one of debug, info, warn, error');
  },
  // The Python exporter documented WARNING and upper case.
  coerce: (v: unknown) => {
    const level = String(v).trim().toLowerCase();
    return level === 'warning' ? 'warn' : level;
  },
});

convict.addFormat({
  name: 'metric-prefix',
  validate(value: unknown) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(String(value))) {
      throw new Error('must start with a letter or underscore and hold only letters, digits and underscores');
    }
  },
  coerce: (v: unknown) => String(v).trim(),
});

convict.addFormat({
  name: 'secret',
  validate(value: unknown) {
    if (typeof value !== 'string') throw new Error('must be a string');
    if (/\s/.test(value)) throw new Error('contains white space; keys are single words (check for a pasted line break)');
  },
  // Pasted keys often carry a trailing newline, which the cloud answers with 8521.
  coerce: (v: unknown) => String(v).trim(),
});

convict.addFormat({
  name: 'otlp-protocol',
  validate(value: unknown) {
    if (value === '' || value === 'http/protobuf' || value === 'http/json') return;
    if (value === 'grpc') throw new Error('grpc is not supported by this exporter; use http/protobuf (port 4318) or http/json');
    throw new Error('must be http/protobuf or http/json');
  },
  coerce: (v: unknown) => String(v).trim().toLowerCase(),
});

convict.addFormat({
  name: 'switch',
  validate(value: unknown) {
    if (typeof value !== 'boolean') throw new Error('must be true or false');
  },
  // Environment values are strings: "0" and "no" must not read as true.
  coerce: (v: unknown) => {
    const text = String(v).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return text;
  },
});

convict.addFormat({
  name: 'mqtt-mode',
  validate(value: unknown) {
    if (!['auto', 'on', 'off'].includes(String(value))) throw new Error('must be auto, on or off');
  },
  coerce: (v: unknown) => {
    const text = String(v).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return 'on';
    if (['false', '0', 'no'].includes(text)) return 'off';
    return text;
  },
});

convict.addFormat({
  name: 'instance-name',
  validate(value: unknown) {
    if (!/^[A-Za-z0-9_-]{0,32}$/.test(String(value))) throw new Error('may hold up to 32 letters, digits, - and _');
  },
  coerce: (v: unknown) => String(v).trim(),
});

export const configSchema = {
  demo: {
    doc: 'Run against the built-in EcoFlow cloud simulator (no keys needed).',
    format: Boolean,
    default: false,
    env: 'ECOFLOW_DEMO',
    arg: 'demo',
  },
  ecoflow: {
    accessKey: {
      doc: 'EcoFlow developer access key (or ECOFLOW_ACCESS_KEY_FILE: path of a file holding it).',
      format: 'secret',
      default: '',
      env: 'ECOFLOW_ACCESS_KEY',
      sensitive: true,
    },
    secretKey: {
      doc: 'EcoFlow developer secret key (or ECOFLOW_SECRET_KEY_FILE: path of a file holding it).',
      format: 'secret',
      default: '',
      env: 'ECOFLOW_SECRET_KEY',
      sensitive: true,
    },
    deviceSn: {
      doc: 'Serial number(s) to export, comma-separated; empty = every device of the account.',
      format: String,
      default: '',
      env: 'ECOFLOW_DEVICE_SN',
      arg: 'device-sn',
    },
    deviceName: {
      doc: 'Overrides the device_name label (when one serial number is set).',
      format: String,
      default: '',
      env: 'ECOFLOW_DEVICE_NAME',
      arg: 'device-name',
    },
    apiHost: {
      doc: 'EcoFlow API base URL: https://api-e.ecoflow.com (Europe), https://api-a.ecoflow.com (Americas).',
      format: 'http-url',
      default: 'https://api.ecoflow.com',
      env: 'ECOFLOW_API_HOST',
      arg: 'api-host',
    },
    requestTimeout: {
      doc: 'Seconds one EcoFlow API request may take, body included.',
      format: 'seconds',
      default: 10,
      env: 'ECOFLOW_REQUEST_TIMEOUT',
      arg: 'request-timeout',
    },
    backoffBase: {
      doc: 'Seconds of the first backoff after a failed EcoFlow request; doubles per failure (with jitter), at most 60.',
      format: 'seconds',
      default: 1,
      env: 'ECOFLOW_BACKOFF_BASE',
      arg: 'backoff-base',
    },
    circuitBreakerThreshold: {
      doc: 'Consecutive failed EcoFlow requests that pause all requests (circuit breaker opens).',
      format: 'positive-int',
      default: 5,
      env: 'ECOFLOW_CIRCUIT_BREAKER_THRESHOLD',
      arg: 'circuit-breaker-threshold',
    },
    circuitBreakerPause: {
      doc: 'Seconds of the first pause; then one probe request, and a doubled pause (at most 10 min) if it fails.',
      format: 'seconds',
      default: 30,
      env: 'ECOFLOW_CIRCUIT_BREAKER_PAUSE',
      arg: 'circuit-breaker-pause',
    },
    restrictedRetry: {
      doc: 'Seconds before a device the key may not read (API code 1006) is tried again.',
      format: 'seconds',
      default: 1800,
      env: 'ECOFLOW_RESTRICTED_RETRY',
      arg: 'restricted-retry',
    },
    maxResponseBytes: {
      doc: 'Largest EcoFlow API response body accepted; larger ones are cut off and counted as errors.',
      format: 'positive-int',
      default: DEFAULT_MAX_RESPONSE_BYTES,
      env: 'ECOFLOW_MAX_RESPONSE_BYTES',
      arg: 'max-response-bytes',
    },
  },
  mqtt: {
    mode: {
      doc: 'The EcoFlow open-API MQTT stream (values within a second, REST only reconciles): auto = use it when the broker accepts us, else REST polling with a log line saying why; on = start-up fails if it cannot connect; off = REST polling only.',
      format: 'mqtt-mode',
      default: 'auto',
      env: 'ECOFLOW_MQTT',
      arg: 'mqtt',
    },
    clientId: {
      doc: 'Instance name in the MQTT client ID (ecoflow-exporter-<hash of the access key>-<this>): give each installation on the same account its own. EcoFlow blocks accounts that use more than about 10 client IDs a day: do not change it often.',
      format: 'instance-name',
      default: '',
      env: 'ECOFLOW_MQTT_CLIENT_ID',
      arg: 'mqtt-client-id',
    },
    silence: {
      doc: 'Seconds a device may at least be silent on the stream before REST polls it every COLLECTING_INTERVAL again; the limit is 3 × its usual gap between messages, at least this.',
      format: 'seconds',
      default: 60,
      env: 'ECOFLOW_MQTT_SILENCE',
      arg: 'mqtt-silence',
    },
  },
  exporter: {
    host: {
      doc: 'Address the metrics endpoint binds to.',
      format: String,
      default: '0.0.0.0',
      env: 'EXPORTER_HOST',
      arg: 'host',
    },
    port: {
      doc: 'Port of the Prometheus endpoint (/metrics); 0 = no endpoint (push-only sidecar).',
      format: 'port',
      default: 9090,
      env: 'EXPORTER_PORT',
      arg: 'port',
    },
    webConfigFile: {
      doc: 'Prometheus exporter-toolkit style web config (YAML): TLS and basic auth for the endpoint; empty = plain HTTP, no auth.',
      format: String,
      default: '',
      env: 'WEB_CONFIG_FILE',
      arg: 'web-config-file',
    },
  },
  polling: {
    collectingInterval: {
      doc: 'Seconds between quota polls of one device.',
      format: 'seconds',
      default: 10,
      env: 'COLLECTING_INTERVAL',
      arg: 'collecting-interval',
    },
    reconcileInterval: {
      doc: 'Seconds between REST reads of a device while the MQTT stream keeps it fresh (reconciliation); without the stream, COLLECTING_INTERVAL applies.',
      format: 'seconds',
      default: 300,
      env: 'RECONCILE_INTERVAL',
      arg: 'reconcile-interval',
    },
    deviceListInterval: {
      doc: 'Seconds between device-list refreshes (online state, added and removed devices).',
      format: 'seconds',
      default: 30,
      env: 'DEVICE_LIST_INTERVAL',
      arg: 'device-list-interval',
    },
    retryTimeout: {
      doc: 'Seconds between start-up attempts.',
      format: 'seconds',
      default: 30,
      env: 'RETRY_TIMEOUT',
      arg: 'retry-timeout',
    },
    establishAttempts: {
      doc: 'Start-up attempts before giving up.',
      format: 'positive-int',
      default: 5,
      env: 'ESTABLISH_ATTEMPTS',
      arg: 'establish-attempts',
    },
    staleAfter: {
      doc: 'Seconds after which a device\'s values that were not refreshed are dropped; 0 = 3 collecting intervals, at least 60. While the MQTT stream speaks for a device (it sends only what changes), the values of its last REST read stay until the next reconciliation is this much overdue.',
      format: 'seconds-or-zero',
      default: 0,
      env: 'DATA_STALE_AFTER',
      arg: 'data-stale-after',
    },
  },
  metrics: {
    prefix: {
      doc: 'Metric name prefix (METRICTS_PREFIX, the Python exporter\'s spelling, is read too).',
      format: 'metric-prefix',
      default: 'ecoflow',
      env: 'METRICS_PREFIX',
      arg: 'metrics-prefix',
    },
    maxSeriesPerDevice: {
      doc: 'Quota series exported per device at most; the rest are counted in <prefix>_exporter_series_dropped.',
      format: 'positive-int',
      default: 5000,
      env: 'MAX_SERIES_PER_DEVICE',
      arg: 'max-series-per-device',
    },
    unified: {
      doc: 'Unified base-unit metrics (battery_soc_ratio, port_output_power_watts, …, device_info) beside the raw ones; false (or 0, no, off; flag: --unified-metrics false) leaves only the raw quota metrics.',
      format: 'switch',
      default: true,
      env: 'UNIFIED_METRICS',
      arg: 'unified-metrics',
    },
  },
  log: {
    level: {
      doc: 'Log level: debug, info, warn, error (any case).',
      format: 'log-level',
      default: 'info',
      env: 'LOG_LEVEL',
      arg: 'log-level',
    },
    format: {
      doc: 'Log format: auto (JSON unless stdout is a terminal), json or text.',
      format: ['auto', 'json', 'text'],
      default: 'auto',
      env: 'LOG_FORMAT',
      arg: 'log-format',
    },
  },
  otlp: {
    endpoint: {
      doc: 'OTLP base URL; metrics go to URL/v1/metrics. Setting it or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT turns OTLP push on.',
      format: 'http-url',
      default: '',
      env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    },
    metricsEndpoint: {
      doc: 'OTLP metrics URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
      format: 'http-url',
      default: '',
      env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    },
    protocol: {
      doc: 'OTLP protocol: http/protobuf (default) or http/json.',
      format: 'otlp-protocol',
      default: '',
      env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    },
    metricsProtocol: {
      doc: 'OTLP protocol for metrics; wins over OTEL_EXPORTER_OTLP_PROTOCOL.',
      format: 'otlp-protocol',
      default: '',
      env: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
    },
    headers: {
      doc: 'Headers sent with every OTLP request: key1=value1,key2=value2 (values URL-encoded).',
      format: String,
      default: '',
      env: 'OTEL_EXPORTER_OTLP_HEADERS',
      sensitive: true,
    },
    metricsHeaders: {
      doc: 'Headers for OTLP metrics requests only; merged over OTEL_EXPORTER_OTLP_HEADERS.',
      format: String,
      default: '',
      env: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
      sensitive: true,
    },
    exportInterval: {
      doc: 'Milliseconds between OTLP pushes.',
      format: 'milliseconds',
      default: 60000,
      env: 'OTEL_METRIC_EXPORT_INTERVAL',
    },
    exportTimeout: {
      doc: 'Milliseconds one OTLP push may take.',
      format: 'milliseconds',
      default: 30000,
      env: 'OTEL_METRIC_EXPORT_TIMEOUT',
    },
    serviceName: {
      doc: 'service.name resource attribute of pushed metrics.',
      format: String,
      default: 'ecoflow-exporter',
      env: 'OTEL_SERVICE_NAME',
    },
    resourceAttributes: {
      doc: 'Extra resource attributes of pushed metrics: key1=value1,key2=value2.',
      format: String,
      default: '',
      env: 'OTEL_RESOURCE_ATTRIBUTES',
    },
  },
};

export type ConfigSchema = typeof configSchema;
