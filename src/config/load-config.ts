import { readFileSync } from 'node:fs';
import convict from 'convict';
import { configSchema } from './config-schema.js';
import { loadWebConfig, type WebConfig } from '../export/web-config.js';

export interface Config {
  demo: boolean;
  ecoflow: {
    accessKey: string;
    secretKey: string;
    /** Empty: every device of the account. */
    deviceSns: string[];
    deviceName?: string;
    apiHost: string;
    requestTimeoutMs: number;
    maxResponseBytes: number;
    backoffBaseMs: number;
    circuitBreakerThreshold: number;
    circuitBreakerPauseMs: number;
    restrictedRetryMs: number;
  };
  exporter: { host: string; port: number; web?: WebConfig };
  mqtt: {
    mode: 'auto' | 'on' | 'off';
    /** Part of the client ID; empty: none. */
    instance: string;
    /** A device silent on the stream this long (at least) is polled over REST again. */
    silenceMs: number;
    /** NODE_EXTRA_CA_CERTS: trusted beside the system's CAs. */
    extraCaFile?: string;
  };
  polling: {
    collectingIntervalMs: number;
    /** REST reads of a device the stream keeps fresh. */
    reconcileIntervalMs: number;
    deviceListIntervalMs: number;
    retryTimeoutMs: number;
    establishAttempts: number;
  };
  /** Values not refreshed for this long are dropped from the output. */
  staleAfterMs: number;
  metricsPrefix: string;
  maxSeriesPerDevice: number;
  /** Unified base-unit metrics beside the raw ones. */
  unifiedMetrics: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'auto' | 'json' | 'text';
  /** Absent when no OTLP endpoint is configured. */
  otlp?: {
    url: string;
    protocol: 'http/protobuf' | 'http/json';
    headers: Record<string, string>;
    intervalMs: number;
    timeoutMs: number;
  };
  resource: { serviceName: string; attributes: Record<string, string> };
}

export type LoadResult = { kind: 'config'; config: Config } | { kind: 'help'; text: string } | { kind: 'version' };

/** Invalid configuration: one line per problem, none of them holding a secret value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

interface Leaf {
  doc: string;
  default: unknown;
  env?: string;
  arg?: string;
  sensitive?: boolean;
}

const SECRET_FILES: Array<[string, string]> = [
  ['ECOFLOW_ACCESS_KEY', 'ECOFLOW_ACCESS_KEY_FILE'],
  ['ECOFLOW_SECRET_KEY', 'ECOFLOW_SECRET_KEY_FILE'],
];

/**
 * Builds the configuration from an environment, CLI arguments and an optional JSON file
 * (`--config file.json`). Precedence: CLI > environment > file > defaults. Pure apart from
 * reading the files named; throws ConfigError.
 */
export function loadConfig(input: { env: NodeJS.ProcessEnv; args: string[] }): LoadResult {
  const problems: string[] = [];
  const { args, configFiles, help, version, unknown } = splitArgs(input.args);
  if (help) return { kind: 'help', text: helpText() };
  if (version) return { kind: 'version' };
  for (const flag of unknown) problems.push(`${flag}: unknown option (see --help)`);

  const env: NodeJS.ProcessEnv = { ...input.env };
  const reported = new Set<string>();
  for (const [name, fileName] of SECRET_FILES) {
    const path = env[fileName];
    if (!path) continue;
    reported.add(name);
    if (env[name]) {
      problems.push(`${fileName}: set together with ${name}; set only one of them`);
      continue;
    }
    try {
      env[name] = readFileSync(path, 'utf8').trim();
    } catch (err) {
      problems.push(`${fileName}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (env.METRICS_PREFIX === undefined && env.METRICTS_PREFIX !== undefined) env.METRICS_PREFIX = env.METRICTS_PREFIX;

  const store = convict(configSchema, { env, args });
  for (const file of configFiles) {
    try {
      store.loadFile(file);
    } catch (err) {
      problems.push(`--config ${file}: ${(err as NodeJS.ErrnoException).code ?? 'cannot be read as JSON'}`);
    }
  }
  try {
    store.validate({ allowed: 'strict' });
  } catch (err) {
    problems.push(...String((err as Error).message).split('\n').filter(Boolean).map((line) => describeProblem(line, env, args)));
  }

  // Carry on so that one run reports every problem, not the first batch.
  const c = store.getProperties();
  if (!c.demo) {
    if (!c.ecoflow.accessKey && !reported.has('ECOFLOW_ACCESS_KEY')) problems.push('ECOFLOW_ACCESS_KEY is required (or ECOFLOW_ACCESS_KEY_FILE); use --demo to try the exporter without keys');
    if (!c.ecoflow.secretKey && !reported.has('ECOFLOW_SECRET_KEY')) problems.push('ECOFLOW_SECRET_KEY is required (or ECOFLOW_SECRET_KEY_FILE); use --demo to try the exporter without keys');
  }
  const deviceSns = c.ecoflow.deviceSn.split(',').map((s) => s.trim()).filter(Boolean);
  if (c.ecoflow.deviceName && deviceSns.length !== 1) {
    problems.push('ECOFLOW_DEVICE_NAME: applies only when ECOFLOW_DEVICE_SN names exactly one device');
  }
  const headers = parseKeyValues(c.otlp.headers, 'OTEL_EXPORTER_OTLP_HEADERS', problems);
  Object.assign(headers, parseKeyValues(c.otlp.metricsHeaders, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', problems));
  const resourceAttributes = parseKeyValues(c.otlp.resourceAttributes, 'OTEL_RESOURCE_ATTRIBUTES', problems);
  let web: WebConfig | undefined;
  if (c.exporter.webConfigFile) {
    const loaded = loadWebConfig(c.exporter.webConfigFile);
    problems.push(...loaded.problems);
    web = loaded.config;
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const otlpUrl = c.otlp.metricsEndpoint || (c.otlp.endpoint ? `${c.otlp.endpoint.replace(/\/+$/, '')}/v1/metrics` : '');
  const config: Config = {
    demo: c.demo,
    ecoflow: {
      accessKey: c.ecoflow.accessKey,
      secretKey: c.ecoflow.secretKey,
      deviceSns,
      deviceName: c.ecoflow.deviceName || undefined,
      apiHost: c.ecoflow.apiHost,
      requestTimeoutMs: Math.round(c.ecoflow.requestTimeout * 1000),
      maxResponseBytes: c.ecoflow.maxResponseBytes,
      backoffBaseMs: Math.round(c.ecoflow.backoffBase * 1000),
      circuitBreakerThreshold: c.ecoflow.circuitBreakerThreshold,
      circuitBreakerPauseMs: Math.round(c.ecoflow.circuitBreakerPause * 1000),
      restrictedRetryMs: Math.round(c.ecoflow.restrictedRetry * 1000),
    },
    exporter: { host: c.exporter.host, port: c.exporter.port, web },
    mqtt: {
      mode: c.mqtt.mode as Config['mqtt']['mode'],
      instance: c.mqtt.clientId,
      silenceMs: Math.round(c.mqtt.silence * 1000),
      extraCaFile: env.NODE_EXTRA_CA_CERTS || undefined,
    },
    polling: {
      collectingIntervalMs: Math.round(c.polling.collectingInterval * 1000),
      reconcileIntervalMs: Math.round(c.polling.reconcileInterval * 1000),
      deviceListIntervalMs: Math.round(c.polling.deviceListInterval * 1000),
      retryTimeoutMs: Math.round(c.polling.retryTimeout * 1000),
      establishAttempts: c.polling.establishAttempts,
    },
    staleAfterMs: c.polling.staleAfter > 0 ? Math.round(c.polling.staleAfter * 1000) : Math.max(3 * Math.round(c.polling.collectingInterval * 1000), 60_000),
    metricsPrefix: c.metrics.prefix,
    maxSeriesPerDevice: c.metrics.maxSeriesPerDevice,
    unifiedMetrics: c.metrics.unified,
    logLevel: c.log.level as Config['logLevel'],
    logFormat: c.log.format as Config['logFormat'],
    otlp: otlpUrl
      ? {
          url: otlpUrl,
          protocol: (c.otlp.metricsProtocol || c.otlp.protocol || 'http/protobuf') as 'http/protobuf' | 'http/json',
          headers,
          intervalMs: c.otlp.exportInterval,
          timeoutMs: c.otlp.exportTimeout,
        }
      : undefined,
    resource: { serviceName: c.otlp.serviceName, attributes: resourceAttributes },
  };
  return { kind: 'config', config };
}

/** The values a person may see (for a start-up log line): secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    ecoflow: { ...config.ecoflow, accessKey: mask(config.ecoflow.accessKey), secretKey: mask(config.ecoflow.secretKey) },
    exporter: {
      ...config.exporter,
      web: config.exporter.web && { tls: Boolean(config.exporter.web.tls), basicAuthUsers: [...(config.exporter.web.basicAuthUsers?.keys() ?? [])] },
    },
    otlp: config.otlp && { ...config.otlp, headers: Object.fromEntries(Object.keys(config.otlp.headers).map((k) => [k, '[Sensitive]'])) },
  };
}

function mask(secret: string): string {
  return secret ? '[Sensitive]' : '';
}

function leaves(node: Record<string, any> = configSchema, path: string[] = []): Array<[string, Leaf]> {
  const out: Array<[string, Leaf]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === 'object' && 'doc' in value) out.push([[...path, key].join('.'), value as Leaf]);
    else out.push(...leaves(value, [...path, key]));
  }
  return out;
}

/**
 * Convict says `exporter.port: must be …`; users know EXPORTER_PORT. A text that became NaN
 * loses its value in convict's message: the value as given is added back, unless it is a secret.
 */
function describeProblem(line: string, env: NodeJS.ProcessEnv, args: string[]): string {
  const match = /^([\w.]+): (.*)$/.exec(line.trim());
  if (!match) return line.trim();
  const leaf = leaves().find(([path]) => path === match[1]);
  if (!leaf) return `${match[1]}: ${match[2]}`;
  const [, spec] = leaf;
  const names = [spec.env, spec.arg && `--${spec.arg}`].filter(Boolean).join(' / ');
  let message = match[2]!;
  if (!spec.sensitive && !message.includes('value was')) {
    const given = argValue(args, spec.arg) ?? (spec.env ? env[spec.env] : undefined);
    if (given !== undefined) message += `: value was ${JSON.stringify(given.slice(0, 100))}`;
  }
  return `${names || match[1]}: ${message}`;
}

/** The value given to `--name` (as `--name v` or `--name=v`), the last one winning as in convict. */
function argValue(args: string[], name: string | undefined): string | undefined {
  if (!name) return undefined;
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) value = args[i + 1];
    else if (args[i]!.startsWith(`--${name}=`)) value = args[i]!.slice(name.length + 3);
  }
  return value;
}

function parseKeyValues(text: string, name: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      // Never echo the entry: header values are often credentials.
      problems.push(`${name}: every entry must look like key=value`);
      continue;
    }
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      problems.push(`${name}: an entry is not valid URL encoding`);
    }
  }
  return out;
}

function splitArgs(argv: string[]) {
  const known = new Set(leaves().flatMap(([, leaf]) => (leaf.arg ? [leaf.arg] : [])));
  const args: string[] = [];
  const configFiles: string[] = [];
  const unknown: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version') version = true;
    else if (arg === '--config') configFiles.push(argv[++i] ?? '');
    else if (arg.startsWith('--config=')) configFiles.push(arg.slice('--config='.length));
    else if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!.replace(/^no-/, '');
      if (!known.has(name)) unknown.push(arg.split('=')[0]!);
      args.push(arg);
      if (!arg.includes('=') && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && name !== 'demo') args.push(argv[++i]!);
    } else unknown.push(arg);
  }
  return { args, configFiles, help, version, unknown };
}

export function helpText(): string {
  const lines = [
    'Usage: ecoflow-exporter [options]',
    '',
    'Exports EcoFlow device data (IoT Open API) as OpenTelemetry metrics: Prometheus /metrics and OTLP push.',
    'Every option can be set by environment variable, by CLI flag (where shown) or in a JSON file given with',
    '--config file.json (keys as in the first column). Precedence: flag > environment > file > default.',
    '',
    'Options:',
  ];
  for (const [path, leaf] of leaves()) {
    const names = [leaf.env, leaf.arg && `--${leaf.arg}`].filter(Boolean).join(', ');
    // Defaults only, never a value from the environment: --help must not print secrets.
    const def = leaf.sensitive ? '' : ` (default: ${JSON.stringify(leaf.default)})`;
    lines.push(`  ${path}`, `      ${names}`, `      ${leaf.doc}${def}`);
  }
  lines.push('', '  --config FILE   JSON file with options', '  --help          this text', '  --version       print the version');
  return lines.join('\n');
}
