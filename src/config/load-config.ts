/**
 * Loading: environment, CLI flags and JSON files through convict into the Config that
 * config-schema.ts defines, with every problem reported at once, by the names users know
 * (environment variable and flag), and no secret in any message; --help from the same schema.
 */
import { readFileSync } from 'node:fs';
import convict from 'convict';
import { configSchema, type Config } from './config-schema.js';
// Convict's formats are process-wide; registered before any store is built.
import './formats.js';
import { convictSchema, deriveConfig, walkOptions, type Option } from './option.js';

export type { Config } from './config-schema.js';

export type LoadResult = { kind: 'config'; config: Config } | { kind: 'help'; text: string } | { kind: 'version' };

/** Invalid configuration: one line per problem, none of them holding a secret value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

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
  for (const { spec } of walkOptions(configSchema)) {
    if (spec.legacyEnv && env[spec.env] === undefined && env[spec.legacyEnv] !== undefined) env[spec.env] = env[spec.legacyEnv];
    const path = spec.fileEnv && env[spec.fileEnv];
    if (!path) continue;
    if (env[spec.env]) {
      problems.push(`${spec.fileEnv}: set together with ${spec.env}; set only one of them`);
      continue;
    }
    try {
      env[spec.env] = readFileSync(path, 'utf8').trim();
    } catch (err) {
      problems.push(`${spec.fileEnv}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  const store = convict(convictSchema(configSchema) as convict.Schema<Record<string, unknown>>, { env, args });
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
    problems.push(
      ...String((err as Error).message)
        .split('\n')
        .filter(Boolean)
        .map((line) => describeProblem(line, env, args)),
    );
  }

  // Carry on so that one run reports every problem, not the first batch.
  const config = deriveConfig(configSchema, (option) => store.get(option.spec.key), env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
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

function optionAt(key: string): Option | undefined {
  for (const option of walkOptions(configSchema)) if (option.spec.key === key) return option;
  return undefined;
}

/**
 * Convict says `exporter.port: must be …`; users know EXPORTER_PORT. A text that became NaN
 * loses its value in convict's message: the value as given is added back, unless it is a secret.
 */
function describeProblem(line: string, env: NodeJS.ProcessEnv, args: string[]): string {
  const match = /^([\w.]+): (.*)$/.exec(line.trim());
  if (!match) return line.trim();
  const spec = optionAt(match[1]!)?.spec;
  if (!spec) return `${match[1]}: ${match[2]}`;
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

function splitArgs(argv: string[]) {
  const known = new Set<string>();
  // A Boolean flag stands alone (`--demo`); every other flag takes the next word as its value.
  const bare = new Set<string>();
  for (const { spec } of walkOptions(configSchema)) {
    if (spec.arg) known.add(spec.arg);
    if (spec.arg && spec.format === Boolean) bare.add(spec.arg);
  }
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
      if (!arg.includes('=') && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && !bare.has(name)) args.push(argv[++i]!);
    } else unknown.push(arg);
  }
  return { args, configFiles, help, version, unknown };
}

function helpText(): string {
  const lines = [
    'Usage: ecoflow-exporter [options]',
    '',
    'Exports EcoFlow device data (IoT Open API) as OpenTelemetry metrics: Prometheus /metrics and OTLP push.',
    'Every option can be set by environment variable, by CLI flag (where shown) or in a JSON file given with',
    '--config file.json (keys as in the first column). Precedence: flag > environment > file > default.',
    '',
    'Options:',
  ];
  for (const { spec } of walkOptions(configSchema)) {
    const names = [spec.env, spec.arg && `--${spec.arg}`].filter(Boolean).join(', ');
    // Defaults only, never a value from the environment: --help must not print secrets.
    const def = spec.sensitive ? '' : ` (default: ${JSON.stringify(spec.default)})`;
    lines.push(`  ${spec.key}`, `      ${names}`, `      ${spec.doc}${def}`);
  }
  lines.push('', '  --config FILE   JSON file with options', '  --help          this text', '  --version       print the version');
  return lines.join('\n');
}
