/**
 * The composition root: builds the parts from a Config, in the order they depend on each other,
 * and stops them as one list. It holds no rule, no wording and no state of its own.
 */
import type { Config } from './config/load-config.js';
import { deviceModels } from './devices/device-models.js';
import { EcoflowClient } from './ecoflow/ecoflow-client.js';
import { circuitLog, RequestGovernor } from './ecoflow/request-governor.js';
import { startEnergy } from './energy/energy-service.js';
import { basicAuthenticator } from './export/basic-auth.js';
import { MetricsServer } from './export/metrics-server.js';
import { startTelemetry } from './export/telemetry.js';
import type { Logger } from './log/logger.js';
import { EnergyCounters } from './metrics/energy-counters.js';
import { ChurnBoundedGauges } from './metrics/sdk-memory/churn-bounded-gauges.js';
import { RenewableMeter } from './metrics/sdk-memory/renewable-meter.js';
import { Poller } from './poller/poller.js';
import { readinessCheck } from './poller/readiness.js';
import { SelfMetrics } from './self-metrics/self-metrics.js';
import { QuotaSnapshot } from './snapshot/quota-snapshot.js';
import { StalenessRule } from './snapshot/staleness.js';
import { streamClientId } from './stream/client-id.js';
import { VERSION } from './version.js';

/**
 * The SDK drops attribute sets beyond a per-instrument limit into an overflow series; a fleet
 * of 100+ devices with per-cell arrays must stay far below it.
 */
const CARDINALITY_LIMIT = 100_000;

const SCOPE = { name: 'ecoflow-exporter', version: VERSION };

/** The parts stop() stops: each set as it comes up, so a start that fails half-way stops what it started. */
interface Parts {
  poller: Poller;
  stream: { stop(): Promise<void> };
  client: EcoflowClient;
  energy: { stop(): Promise<void> };
  telemetry: { shutdown(): Promise<void> };
  instruments: ChurnBoundedGauges;
  snapshotMeter: RenewableMeter;
  energyCounters: EnergyCounters;
  selfMetrics: SelfMetrics;
  server: MetricsServer;
  demo: { stop(): Promise<void> };
}

export class App {
  readonly #config: Config;
  readonly #log: Logger;
  #snapshot?: QuotaSnapshot;
  readonly #parts: Partial<Parts> = {};
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  #port = 0;

  constructor(options: { config: Config; logger: Logger }) {
    this.#config = options.config;
    this.#log = options.logger;
  }

  /** Port of the Prometheus endpoint, once started (0 when disabled). */
  get metricsPort(): number {
    return this.#port;
  }

  /** The device picture: main.ts counts its devices (the large-fleet restart), the freshness bench times it. */
  get snapshot(): QuotaSnapshot | undefined {
    return this.#snapshot;
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'starting';
    const config = this.#config;
    const log = this.#log;
    const parts = this.#parts;
    try {
      const staleness = new StalenessRule({
        staleAfterMs: config.staleAfterMs,
        reconcileIntervalMs: config.mqtt.mode === 'off' ? undefined : config.polling.reconcileIntervalMs,
      });
      // Keys only the stream delivers are kept no longer than their values are exported.
      const snapshot = new QuotaSnapshot({ streamOnlyLifetimeMs: staleness.staleAfterMs });
      this.#snapshot = snapshot;

      // The snapshot's instruments live on a meter of their own (see RenewableMeter), apart from the self-metrics.
      const snapshotMeter = new RenewableMeter({ ...SCOPE, cardinalityLimit: CARDINALITY_LIMIT });
      parts.snapshotMeter = snapshotMeter;
      const energyCounters = config.unifiedMetrics
        ? new EnergyCounters({ prefix: config.metricsPrefix, ...SCOPE, cardinalityLimit: CARDINALITY_LIMIT })
        : undefined;
      parts.energyCounters = energyCounters;
      let selfMetrics: SelfMetrics | undefined;
      const telemetry = await startTelemetry({
        producers: energyCounters ? [snapshotMeter, energyCounters] : [snapshotMeter],
        cardinalityLimit: CARDINALITY_LIMIT,
        prometheus: config.exporter.port !== 0,
        otlp: config.otlp,
        resource: { 'service.name': config.resource.serviceName, 'service.version': VERSION, ...config.resource.attributes },
        scope: SCOPE,
        logger: log,
        // Pushes start after the self-metrics exist; the SDK's first push is an interval away.
        onOtlpFailure: () => selfMetrics?.recordOtlpFailure(),
      });
      parts.telemetry = telemetry;

      // The one gate all EcoFlow requests pass: backoff and circuit breaker for the whole process.
      const governor = new RequestGovernor({
        baseBackoffMs: config.ecoflow.backoffBaseMs,
        failureThreshold: config.ecoflow.circuitBreakerThreshold,
        openMs: config.ecoflow.circuitBreakerPauseMs,
        onStateChange: circuitLog(log),
      });
      // Before the parts that report to it.
      selfMetrics = new SelfMetrics({
        meter: telemetry.meter,
        prefix: config.metricsPrefix,
        sources: { snapshot, staleness, circuitState: () => governor.state, version: VERSION },
      });
      selfMetrics.start();
      parts.selfMetrics = selfMetrics;

      let { apiHost, accessKey, secretKey } = config.ecoflow;
      if (config.demo) {
        // Loaded only in demo mode: an exporter for real devices does not carry the simulator.
        const { startDemoCloud } = await import('./simulator/demo-cloud.js');
        const demo = await startDemoCloud({ stream: config.mqtt.mode !== 'off' });
        parts.demo = demo;
        ({ apiHost, accessKey, secretKey } = demo);
        log.info('demo mode: the built-in EcoFlow cloud simulator', { api_host: apiHost, mqtt: config.mqtt.mode !== 'off' });
      }
      const client = new EcoflowClient({
        baseUrl: apiHost,
        accessKey,
        secretKey,
        timeoutMs: config.ecoflow.requestTimeoutMs,
        maxResponseBytes: config.ecoflow.maxResponseBytes,
        governor,
        reporter: selfMetrics,
      });
      parts.client = client;

      // One record of each device's model, read by the unified metrics and the energy ledger alike.
      const models = deviceModels(log);
      const instruments = new ChurnBoundedGauges({
        meter: snapshotMeter,
        snapshot,
        prefix: config.metricsPrefix,
        unified: config.unifiedMetrics,
        models,
        staleness,
        maxSeriesPerDevice: config.maxSeriesPerDevice,
        logger: log,
        reporter: selfMetrics,
      });
      instruments.start();
      parts.instruments = instruments;

      if (energyCounters) {
        const energy = await startEnergy({
          snapshot,
          models,
          staleness,
          logger: log,
          reporter: selfMetrics,
          stateFile: config.energyStateFile
            ? { path: config.energyStateFile, intervalMs: config.energyStateIntervalMs }
            : { why: config.demo ? 'demo mode' : 'ENERGY_STATE_FILE is empty, or auto with no home folder' },
          version: VERSION,
        });
        parts.energy = energy;
        energyCounters.start(energy.ledger, snapshot);
      }

      // With the stream off, the MQTT client (and what it pulls in) is never loaded.
      const stream =
        config.mqtt.mode === 'off'
          ? undefined
          : new (await import('./stream/live-stream.js')).LiveStream({
              snapshot,
              certification: () => client.getCertification(),
              clientId: streamClientId(config.demo ? 'demo' : config.ecoflow.accessKey, config.mqtt.instance),
              extraCaFile: config.mqtt.extraCaFile,
              silenceMs: config.mqtt.silenceMs,
              reconcileIntervalMs: config.polling.reconcileIntervalMs,
              logger: log,
              reporter: selfMetrics,
            });
      parts.stream = stream;
      const poller = new Poller({
        streamCovers: stream && ((sn) => stream.coverage.covers(sn)),
        source: client,
        snapshot,
        logger: log,
        deviceSns: config.ecoflow.deviceSns,
        deviceNameOverride: config.ecoflow.deviceName,
        ...config.polling,
        restrictedRetryMs: config.ecoflow.restrictedRetryMs,
        reporter: selfMetrics,
      });
      parts.poller = poller;

      if (config.exporter.port !== 0) {
        const { exporter } = config;
        const ready = readinessCheck({ listLoaded: () => poller.ready, lastApiSuccessAt: () => governor.lastSuccessAt, ...config.polling });
        const server = new MetricsServer({
          host: exporter.host,
          port: exporter.port,
          render: () => telemetry.prometheus.exposition(),
          isReady: () => ready(),
          onError: (error) => log.error('/metrics failed', { error: String(error) }),
          tls: exporter.web?.tls,
          authenticate: exporter.web?.basicAuthUsers && basicAuthenticator(exporter.web.basicAuthUsers),
        });
        parts.server = server;
        this.#port = await server.start();
        log.info('serving metrics', { url: server.url, basic_auth: Boolean(exporter.web?.basicAuthUsers) });
      }

      await poller.start();
      log.info('device list loaded', { devices: snapshot.size });
      if (stream && config.mqtt.mode !== 'off') await stream.start(config.mqtt.mode);
      if (this.#state === 'starting') this.#state = 'running';
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * The sources first (polling, the stream, the client), then the energy state and the last OTLP
   * push that carries it, then the instruments, the self-metrics, the server and the demo cloud.
   * Safe to call twice, and after a start that failed half-way.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    const p = this.#parts;
    const steps = [
      () => p.poller?.stop(),
      () => p.stream?.stop(),
      () => p.client?.close(),
      () => p.energy?.stop(),
      () => p.telemetry?.shutdown(),
      () => p.instruments?.stop(),
      () => p.snapshotMeter?.shutdown().catch(() => {}),
      () => p.energyCounters?.shutdown(),
      () => p.selfMetrics?.stop(),
      () => p.server?.stop(),
      () => p.demo?.stop(),
    ];
    for (const step of steps) await step();
  }
}
