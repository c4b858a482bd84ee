#!/usr/bin/env node
/**
 * The process edge: the Node.js version, configuration, signals and exit codes. The only file
 * that touches `process`. Everything but the version check is loaded after it (dynamic imports
 * in main()): static imports would all load first, and on an old Node.js the SDK or a JSON
 * import could fail with a stack trace before the check could say what to do.
 */
import {
  describeHeapGrowth,
  describeSemiSpace,
  type FleetSetting,
  importHttpWithoutUndici,
  memoryOptionsOf,
  memoryRestart,
  OWN_CHOICE_ENV,
  withFleetSetting,
} from './node-options.js';
import { nodeTooOld, nodeTooOldMessage } from './node-runtime.js';

const EXIT_OK = 0;
const EXIT_START_FAILED = 1;
const EXIT_BAD_CONFIG = 2;
const STOP_DEADLINE_MS = 5_000;
async function main(): Promise<void> {
  if (nodeTooOld(process.version)) {
    process.stderr.write(`${nodeTooOldMessage(process.version)}\n`);
    process.exit(EXIT_START_FAILED);
  }
  const memory = memoryOptionsOf(process.execArgv, process.env.NODE_OPTIONS);
  // Before anything is loaded: a small fleet's memory settings (node-options.ts).
  const ownChoice = process.env[OWN_CHOICE_ENV] === '1';
  const atStart = memoryRestart(memory, undefined, 0, ownChoice);
  if (atStart !== undefined) restartWith(atStart);
  // Before anything imports node:http (node-fetch, the metrics server).
  await importHttpWithoutUndici();
  const [{ diag, DiagLogLevel }, { App }, { ConfigError, describeConfig, loadConfig }, { EstablishError }, { Logger }, { VERSION }] = await Promise.all([
    import('@opentelemetry/api'),
    import('./app.js'),
    import('./config/load-config.js'),
    import('./poller/poller.js'),
    import('./log/logger.js'),
    import('./version.js'),
  ]);
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig({ env: process.env, args: process.argv.slice(2) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  if (loaded.kind === 'help') {
    process.stdout.write(`${loaded.text}\n`);
    return;
  }
  if (loaded.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const { config } = loaded;
  const logger = new Logger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [config.ecoflow.accessKey, config.ecoflow.secretKey, ...Object.values(config.otlp?.headers ?? {})],
  });
  diag.setLogger(
    {
      error: (msg, ...args) => logger.error(`opentelemetry: ${msg}`, args.length ? { detail: args.map(String) } : undefined),
      warn: (msg, ...args) => logger.warn(`opentelemetry: ${msg}`, args.length ? { detail: args.map(String) } : undefined),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );

  const app = new App({ config, logger });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting at once', { signal });
      process.exit(EXIT_OK);
    }
    stopping = true;
    logger.info('stopping', { signal });
    const deadline = setTimeout(() => {
      logger.warn('stop deadline passed; exiting', { deadline_ms: STOP_DEADLINE_MS });
      process.exit(EXIT_OK);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(EXIT_OK);
      },
      (err) => {
        logger.error('stop failed', { error: String(err) });
        process.exit(EXIT_OK);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    // A bug, not an EcoFlow fault: log it loudly but keep serving the last good data.
    logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
  });

  logger.info('starting ecoflow-exporter', {
    version: VERSION,
    node: process.version,
    demo: config.demo,
    young_generation: describeSemiSpace(memory.semiSpaceMb),
    heap_growth: describeHeapGrowth(memory.heapGrowingPercent),
  });
  logger.debug('configuration', describeConfig(config));
  try {
    await app.start();
  } catch (err) {
    if (stopping) return;
    const message = err instanceof Error ? err.message : String(err);
    logger.error(err instanceof EstablishError ? message : `cannot start: ${message}`);
    process.exit(EXIT_START_FAILED);
  }
  const devices = app.snapshot?.size ?? 0;
  const large = memoryRestart(memory, devices, config.largeFleetDevices, ownChoice);
  if (large !== undefined && !stopping) {
    logger.info("a large fleet: restarting once, in place, with Node's default memory settings for faster scrapes", {
      devices,
      large_fleet_devices: config.largeFleetDevices,
    });
    await app.stop();
    restartWith(large);
  }
  // Timers and servers are unref'd so tests can stop the app; the process itself stays up until a signal.
  setInterval(() => {}, 1 << 30);
}

/**
 * The same process started again with `setting`'s memory options: same process ID, arguments
 * and environment. Where Node cannot (no process.execve on Windows), it goes on as it is.
 */
function restartWith(setting: FleetSetting): void {
  if (typeof process.execve !== 'function') return;
  const next = withFleetSetting(process.execArgv, process.env.NODE_OPTIONS, setting);
  process.execve(process.execPath, [process.execPath, ...next.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    NODE_OPTIONS: next.nodeOptions,
    [OWN_CHOICE_ENV]: '1',
  });
}

void main();
