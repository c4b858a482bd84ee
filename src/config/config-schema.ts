/**
 * Every option: its config-file key, doc line, format, default, environment variable and CLI
 * flag, and how its value becomes the Config the program reads. The tree is shaped like Config
 * (the type is derived from it: see option.ts), so a new option is one entry placed where the
 * program wants to read it. Entries are listed in --help and docs order.
 *
 * The environment names are those of the Python ecoflow_prometheus.py exporter and of the
 * OpenTelemetry SDK specification, so existing compose files keep working. Secrets have no CLI
 * flag (they would show in `ps`) and are marked sensitive.
 */
import { DEFAULT_MAX_RESPONSE_BYTES } from '../ecoflow/ecoflow-client.js';
import { loadWebConfig } from './web-config.js';
import { posix, win32 } from 'node:path';
import { derived, option, type ConfigOf, type OptionContext } from './option.js';

const toMs = (seconds: number) => Math.round(seconds * 1000);

/** `a, b,,c` → [a, b, c]. */
const commaList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** OpenTelemetry's `key1=value1,key2=value2` with URL-encoded parts. */
function keyValues(text: string, { option: { env }, problem }: OptionContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      // Never echo the entry: header values are often credentials.
      problem(`${env}: every entry must look like key=value`);
      continue;
    }
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      problem(`${env}: an entry is not valid URL encoding`);
    }
  }
  return out;
}

const demo = option({
  key: 'demo',
  doc: 'Run against the built-in EcoFlow cloud simulator (no keys needed).',
  format: Boolean,
  default: false,
  env: 'ECOFLOW_DEMO',
  arg: 'demo',
});

/** The simulator needs no keys; a *_FILE that was set has had its say (read, or reported). */
function requiredUnlessDemo(key: string, { option, env, valueOf, problem }: OptionContext): string {
  if (!key && !valueOf(demo) && !(option.fileEnv && env[option.fileEnv])) {
    problem(`${option.env} is required (or ${option.fileEnv}); use --demo to try the exporter without keys`);
  }
  return key;
}

const deviceSns = option({
  key: 'ecoflow.deviceSn',
  doc: 'Serial number(s) to export, comma-separated; empty = every device of the account.',
  format: String,
  default: '',
  env: 'ECOFLOW_DEVICE_SN',
  arg: 'device-sn',
  derive: commaList,
});

const rawMetrics = option({
  key: 'metrics.raw',
  doc: "Raw quota metrics: every key of every payload, named after the key, in the device's own units (about 80 % of the series); false (or 0, no, off) leaves them out and keeps the unified metrics, the energy counters and the device state. The shipped overview and energy dashboards and the alert rules read none of them.",
  format: 'switch',
  default: true,
  env: 'RAW_METRICS',
  arg: 'raw-metrics',
});

const collectingIntervalMs = option({
  key: 'polling.collectingInterval',
  doc: 'Seconds between quota polls of one device.',
  format: 'seconds',
  default: 10,
  env: 'COLLECTING_INTERVAL',
  arg: 'collecting-interval',
  derive: toMs,
});

export const configSchema = {
  demo,
  ecoflow: {
    accessKey: option({
      key: 'ecoflow.accessKey',
      doc: 'EcoFlow developer access key (or ECOFLOW_ACCESS_KEY_FILE: path of a file holding it).',
      format: 'secret',
      default: '',
      env: 'ECOFLOW_ACCESS_KEY',
      fileEnv: 'ECOFLOW_ACCESS_KEY_FILE',
      sensitive: true,
      derive: requiredUnlessDemo,
    }),
    secretKey: option({
      key: 'ecoflow.secretKey',
      doc: 'EcoFlow developer secret key (or ECOFLOW_SECRET_KEY_FILE: path of a file holding it).',
      format: 'secret',
      default: '',
      env: 'ECOFLOW_SECRET_KEY',
      fileEnv: 'ECOFLOW_SECRET_KEY_FILE',
      sensitive: true,
      derive: requiredUnlessDemo,
    }),
    /** Empty: every device of the account. */
    deviceSns,
    deviceName: option({
      key: 'ecoflow.deviceName',
      doc: 'Overrides the device_name label (when one serial number is set).',
      format: String,
      default: '',
      env: 'ECOFLOW_DEVICE_NAME',
      arg: 'device-name',
      derive: (name, { valueOf, problem }) => {
        if (name && valueOf(deviceSns).length !== 1) problem('ECOFLOW_DEVICE_NAME: applies only when ECOFLOW_DEVICE_SN names exactly one device');
        return name || undefined;
      },
    }),
    apiHost: option({
      key: 'ecoflow.apiHost',
      doc: 'EcoFlow API base URL: https://api-e.ecoflow.com (Europe), https://api-a.ecoflow.com (Americas).',
      format: 'http-url',
      default: 'https://api.ecoflow.com',
      env: 'ECOFLOW_API_HOST',
      arg: 'api-host',
    }),
    requestTimeoutMs: option({
      key: 'ecoflow.requestTimeout',
      doc: 'Seconds one EcoFlow API request may take, body included.',
      format: 'seconds',
      default: 10,
      env: 'ECOFLOW_REQUEST_TIMEOUT',
      arg: 'request-timeout',
      derive: toMs,
    }),
    backoffBaseMs: option({
      key: 'ecoflow.backoffBase',
      doc: 'Longest wait, in seconds, before the next EcoFlow request after one failed: a random wait between half of it and all of it; doubles per consecutive failure, at most 60.',
      format: 'seconds',
      default: 1,
      env: 'ECOFLOW_BACKOFF_BASE',
      arg: 'backoff-base',
      derive: toMs,
    }),
    circuitBreakerThreshold: option({
      key: 'ecoflow.circuitBreakerThreshold',
      doc: 'Consecutive failed EcoFlow requests that pause all requests (circuit breaker opens).',
      format: 'positive-int',
      default: 5,
      env: 'ECOFLOW_CIRCUIT_BREAKER_THRESHOLD',
      arg: 'circuit-breaker-threshold',
    }),
    circuitBreakerPauseMs: option({
      key: 'ecoflow.circuitBreakerPause',
      doc: 'Seconds of the first pause; then one probe request, and a doubled pause (at most 10 min) if it fails.',
      format: 'seconds',
      default: 30,
      env: 'ECOFLOW_CIRCUIT_BREAKER_PAUSE',
      arg: 'circuit-breaker-pause',
      derive: toMs,
    }),
    restrictedRetryMs: option({
      key: 'ecoflow.restrictedRetry',
      doc: 'Seconds before a device the key may not read (API code 1006) is tried again.',
      format: 'seconds',
      default: 1800,
      env: 'ECOFLOW_RESTRICTED_RETRY',
      arg: 'restricted-retry',
      derive: toMs,
    }),
    maxResponseBytes: option({
      key: 'ecoflow.maxResponseBytes',
      doc: 'Largest EcoFlow API response body accepted; larger ones are cut off and counted as errors.',
      format: 'positive-int',
      default: DEFAULT_MAX_RESPONSE_BYTES,
      env: 'ECOFLOW_MAX_RESPONSE_BYTES',
      arg: 'max-response-bytes',
    }),
  },
  mqtt: {
    mode: option({
      key: 'mqtt.mode',
      doc: 'The EcoFlow open-API MQTT stream (values within a second, REST only reconciles): auto = use it when the broker accepts us, else REST polling with a log line saying why; on = start-up fails if it cannot connect; off = REST polling only.',
      format: 'mqtt-mode',
      default: 'auto',
      env: 'ECOFLOW_MQTT',
      arg: 'mqtt',
    }),
    /** Part of the client ID; empty: none. */
    instance: option({
      key: 'mqtt.clientId',
      doc: 'Instance name in the MQTT client ID (ecoflow-exporter-<hash of the access key>-<this>): give each installation on the same account its own. EcoFlow blocks accounts that use more than about 10 client IDs a day: do not change it often.',
      format: 'instance-name',
      default: '',
      env: 'ECOFLOW_MQTT_CLIENT_ID',
      arg: 'mqtt-client-id',
    }),
    /** A device silent on the stream this long (at least) is polled over REST again. */
    silenceMs: option({
      key: 'mqtt.silence',
      doc: 'Seconds a device may at least be silent on the stream before REST polls it every COLLECTING_INTERVAL again; the limit is 3 × its usual gap between messages, at least this.',
      format: 'seconds',
      default: 60,
      env: 'ECOFLOW_MQTT_SILENCE',
      arg: 'mqtt-silence',
      derive: toMs,
    }),
    /**
     * NODE_EXTRA_CA_CERTS: trusted beside the system's CAs. Node's own variable, read for the
     * MQTT TLS socket too; not an option of ours, so not in --help.
     */
    extraCaFile: derived({}, (_, { env }) => env.NODE_EXTRA_CA_CERTS || undefined),
  },
  exporter: {
    host: option({
      key: 'exporter.host',
      doc: 'Address the metrics endpoint binds to.',
      format: String,
      default: '0.0.0.0',
      env: 'EXPORTER_HOST',
      arg: 'host',
    }),
    port: option({
      key: 'exporter.port',
      doc: 'Port of the Prometheus endpoint (/metrics); 0 = no endpoint (push-only sidecar).',
      format: 'port',
      default: 9090,
      env: 'EXPORTER_PORT',
      arg: 'port',
    }),
    web: option({
      key: 'exporter.webConfigFile',
      doc: 'Prometheus exporter-toolkit style web config (YAML): TLS and basic auth for the endpoint; empty = plain HTTP, no auth.',
      format: String,
      default: '',
      env: 'WEB_CONFIG_FILE',
      arg: 'web-config-file',
      derive: (file, { problem }) => {
        if (!file) return undefined;
        const loaded = loadWebConfig(file);
        loaded.problems.forEach(problem);
        return loaded.config;
      },
    }),
  },
  polling: {
    collectingIntervalMs,
    /** REST reads of a device the stream keeps fresh. */
    reconcileIntervalMs: option({
      key: 'polling.reconcileInterval',
      doc: 'Seconds between REST reads of a device while the MQTT stream keeps it fresh (reconciliation); without the stream, COLLECTING_INTERVAL applies.',
      format: 'seconds',
      default: 300,
      env: 'RECONCILE_INTERVAL',
      arg: 'reconcile-interval',
      derive: toMs,
    }),
    deviceListIntervalMs: option({
      key: 'polling.deviceListInterval',
      doc: 'Seconds between device-list refreshes (online state, added and removed devices).',
      format: 'seconds',
      default: 30,
      env: 'DEVICE_LIST_INTERVAL',
      arg: 'device-list-interval',
      derive: toMs,
    }),
    retryTimeoutMs: option({
      key: 'polling.retryTimeout',
      doc: 'Seconds between start-up attempts.',
      format: 'seconds',
      default: 30,
      env: 'RETRY_TIMEOUT',
      arg: 'retry-timeout',
      derive: toMs,
    }),
    establishAttempts: option({
      key: 'polling.establishAttempts',
      doc: 'Start-up attempts before giving up.',
      format: 'positive-int',
      default: 5,
      env: 'ESTABLISH_ATTEMPTS',
      arg: 'establish-attempts',
    }),
  },
  /** Values not refreshed for this long are dropped from the output. */
  staleAfterMs: option({
    key: 'polling.staleAfter',
    doc: "Seconds after which a device's values that were not refreshed are dropped; 0 = 3 collecting intervals, at least 60. While the MQTT stream speaks for a device (it sends only what changes), the values of its last REST read stay until the next reconciliation is this much overdue.",
    format: 'seconds-or-zero',
    default: 0,
    env: 'DATA_STALE_AFTER',
    arg: 'data-stale-after',
    derive: (seconds, { valueOf }) => (seconds > 0 ? toMs(seconds) : Math.max(3 * valueOf(collectingIntervalMs), 60_000)),
  }),
  metricsPrefix: option({
    key: 'metrics.prefix',
    doc: "Metric name prefix (METRICTS_PREFIX, the Python exporter's spelling, is read too).",
    format: 'metric-prefix',
    default: 'ecoflow',
    env: 'METRICS_PREFIX',
    legacyEnv: 'METRICTS_PREFIX',
    arg: 'metrics-prefix',
  }),
  maxSeriesPerDevice: option({
    key: 'metrics.maxSeriesPerDevice',
    doc: 'Quota series exported per device at most; the rest are counted in <prefix>_exporter_series_dropped.',
    format: 'positive-int',
    default: 5000,
    env: 'MAX_SERIES_PER_DEVICE',
    arg: 'max-series-per-device',
  }),
  maxMetricsPerDevice: option({
    key: 'metrics.maxMetricsPerDevice',
    doc: "Raw metric names one device's keys may make at most (each is an instrument of its own, which costs far more memory than a series); the keys past it are left out and counted in <prefix>_exporter_series_dropped like those past MAX_SERIES_PER_DEVICE.",
    format: 'positive-int',
    // About twice the most any known model makes (PowerStream: 353); see quota-budget.ts.
    default: 750,
    env: 'MAX_METRICS_PER_DEVICE',
    arg: 'max-metrics-per-device',
  }),
  /** node-options.ts: when the exporter restarts itself without the small fleet's memory options. */
  largeFleetDevices: option({
    key: 'exporter.largeFleetDevices',
    doc: "From this many devices the exporter restarts itself once, in place, right after the first device list, with Node's default memory settings instead of the small fleet's it starts with (--max-semi-space-size=2 --heap-growing-percent=30, whatever starts it): faster scrapes for a large fleet, for more memory (docs/performance.md). 0: never. Either option of your own (--max-semi-space-size on the command line or in NODE_OPTIONS, --heap-growing-percent on the command line: Node refuses it in NODE_OPTIONS) is kept, and the exporter then sets neither.",
    format: 'whole-number',
    default: 200,
    env: 'LARGE_FLEET_DEVICES',
    arg: 'large-fleet-devices',
  }),
  /** Unified base-unit metrics beside the raw ones. */
  unifiedMetrics: option({
    key: 'metrics.unified',
    doc: 'Unified base-unit metrics (battery_soc_ratio, port_output_power_watts, …, device_info) beside the raw ones; false (or 0, no, off; flag: --unified-metrics false) leaves only the raw quota metrics.',
    format: 'switch',
    default: true,
    env: 'UNIFIED_METRICS',
    arg: 'unified-metrics',
    derive: (unified, { valueOf, problem }) => {
      if (!unified && !valueOf(rawMetrics)) problem('RAW_METRICS=false with UNIFIED_METRICS=false leaves no device values to export: turn one of them on');
      return unified;
    },
  }),
  rawMetrics,
  metricsInclude: option({
    key: 'metrics.include',
    doc: "Export only the device metrics whose name (prefix included, as in /metrics) matches one of these comma-separated globs (* any run, ? one character, [a-z] a class); empty: all. online, device_info, the last-update time and the exporter's own metrics always stay.",
    format: String,
    default: '',
    env: 'METRICS_INCLUDE',
    arg: 'metrics-include',
    derive: commaList,
  }),
  metricsExclude: option({
    key: 'metrics.exclude',
    doc: 'Leave out the device metrics whose name matches one of these comma-separated globs; wins over METRICS_INCLUDE. Excluded series are never built: they cost no memory and no time at collection.',
    format: String,
    default: '',
    env: 'METRICS_EXCLUDE',
    arg: 'metrics-exclude',
    derive: commaList,
  }),
  /** energy-state-file.ts: every energy counter as last exported, kept across restarts. */
  energyStateFile: option({
    key: 'energy.stateFile',
    doc: 'File that keeps the energy counters across restarts (written every ENERGY_STATE_INTERVAL and at shutdown; with it, counters are exported as last written, so a crash never makes one go back). auto: $XDG_STATE_HOME/ecoflow-exporter/energy-state.json, else ~/.local/state/ecoflow-exporter/energy-state.json (Windows: %LOCALAPPDATA%\\ecoflow-exporter\\energy-state.json); none in demo mode. Empty: no file (counters start again at every start). The Docker image sets /var/lib/ecoflow-exporter/energy-state.json, on its volume.',
    format: String,
    default: 'auto',
    env: 'ENERGY_STATE_FILE',
    arg: 'energy-state-file',
    // The file, or why there is none (the log says it at start).
    derive: (file, { env, valueOf }): { path: string } | { why: string } => {
      const given = file.trim();
      if (given !== 'auto') return given ? { path: given } : { why: 'ENERGY_STATE_FILE is empty' };
      // Demo devices are simulated afresh at every launch: nothing of theirs is worth keeping.
      if (valueOf(demo)) return { why: 'demo mode' };
      const path = perUserStateFile(env, process.platform);
      return path
        ? { path }
        : { why: `ENERGY_STATE_FILE is auto and ${process.platform === 'win32' ? 'LOCALAPPDATA' : 'HOME'} is not set: no per-user folder` };
    },
  }),
  energyStateIntervalMs: option({
    key: 'energy.stateInterval',
    doc: 'Seconds between writes of ENERGY_STATE_FILE. With a state file, energy counters move when written: a shorter interval makes them fresher, a longer one writes the disk less (an SD card).',
    format: 'positive-int',
    default: 60,
    env: 'ENERGY_STATE_INTERVAL',
    arg: 'energy-state-interval',
    derive: toMs,
  }),
  logLevel: option({
    key: 'log.level',
    doc: 'Log level: debug, info, warn, error (any case).',
    format: 'log-level',
    default: 'info',
    env: 'LOG_LEVEL',
    arg: 'log-level',
  }),
  logFormat: option({
    key: 'log.format',
    doc: 'Log format: auto (JSON unless stdout is a terminal), json or text.',
    format: ['auto', 'json', 'text'],
    default: 'auto',
    env: 'LOG_FORMAT',
    arg: 'log-format',
  }),
  /** Absent when no OTLP endpoint is configured. */
  otlp: derived(
    {
      url: derived(
        {
          endpoint: option({
            key: 'otlp.endpoint',
            doc: 'OTLP base URL; metrics go to URL/v1/metrics. Setting it or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT turns OTLP push on.',
            format: 'http-url',
            default: '',
            env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          }),
          metricsEndpoint: option({
            key: 'otlp.metricsEndpoint',
            doc: 'OTLP metrics URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
            format: 'http-url',
            default: '',
            env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
          }),
        },
        ({ endpoint, metricsEndpoint }) => metricsEndpoint || (endpoint ? `${endpoint.replace(/\/+$/, '')}/v1/metrics` : ''),
      ),
      protocol: derived(
        {
          protocol: option({
            key: 'otlp.protocol',
            doc: 'OTLP protocol: http/protobuf (default) or http/json.',
            format: 'otlp-protocol',
            default: '',
            env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
          }),
          metricsProtocol: option({
            key: 'otlp.metricsProtocol',
            doc: 'OTLP protocol for metrics; wins over OTEL_EXPORTER_OTLP_PROTOCOL.',
            format: 'otlp-protocol',
            default: '',
            env: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
          }),
        },
        ({ protocol, metricsProtocol }) => metricsProtocol || protocol || 'http/protobuf',
      ),
      headers: derived(
        {
          headers: option({
            key: 'otlp.headers',
            doc: 'Headers sent with every OTLP request: key1=value1,key2=value2 (values URL-encoded).',
            format: String,
            default: '',
            env: 'OTEL_EXPORTER_OTLP_HEADERS',
            sensitive: true,
            derive: keyValues,
          }),
          metricsHeaders: option({
            key: 'otlp.metricsHeaders',
            doc: 'Headers for OTLP metrics requests only; merged over OTEL_EXPORTER_OTLP_HEADERS.',
            format: String,
            default: '',
            env: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
            sensitive: true,
            derive: keyValues,
          }),
        },
        ({ headers, metricsHeaders }) => ({ ...headers, ...metricsHeaders }),
      ),
      intervalMs: option({
        key: 'otlp.exportInterval',
        doc: 'Milliseconds between OTLP pushes.',
        format: 'milliseconds',
        default: 60000,
        env: 'OTEL_METRIC_EXPORT_INTERVAL',
      }),
      timeoutMs: option({
        key: 'otlp.exportTimeout',
        doc: 'Milliseconds one OTLP push may take.',
        format: 'milliseconds',
        default: 30000,
        env: 'OTEL_METRIC_EXPORT_TIMEOUT',
      }),
    },
    (otlp) => (otlp.url ? otlp : undefined),
  ),
  resource: {
    serviceName: option({
      key: 'otlp.serviceName',
      doc: 'service.name resource attribute of pushed metrics.',
      format: String,
      default: 'ecoflow-exporter',
      env: 'OTEL_SERVICE_NAME',
    }),
    attributes: option({
      key: 'otlp.resourceAttributes',
      doc: 'Extra resource attributes of pushed metrics: key1=value1,key2=value2.',
      format: String,
      default: '',
      env: 'OTEL_RESOURCE_ATTRIBUTES',
      derive: keyValues,
    }),
  },
};

/** What the program reads: the schema's shape, each value of its entry's (derived) type. */
export type Config = ConfigOf<typeof configSchema>;

/**
 * Where energy state lives when ENERGY_STATE_FILE is `auto`: the XDG base directory
 * specification's state home (state that should persist between restarts, not worth backing
 * up), or Windows' local application data. Undefined without a home to put it in.
 */
function perUserStateFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const file = 'energy-state.json';
  if (platform === 'win32') return env.LOCALAPPDATA ? win32.join(env.LOCALAPPDATA, 'ecoflow-exporter', file) : undefined;
  const stateHome = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : env.HOME ? posix.join(env.HOME, '.local', 'state') : undefined;
  return stateHome && posix.join(stateHome, 'ecoflow-exporter', file);
}
