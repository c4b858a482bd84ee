import { MeterProvider, type MetricProducer, type MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Config } from './config/load-config.js';
import { EcoflowClient } from './ecoflow/ecoflow-client.js';
import type { Logger } from './log/logger.js';
import { Poller } from './poller/poller.js';
import { readinessCheck } from './poller/readiness.js';
import { QuotaSnapshot } from './snapshot/quota-snapshot.js';
import { StalenessRule } from './snapshot/staleness.js';
import { MetricsServer } from './export/metrics-server.js';
import { basicAuthenticator } from './export/basic-auth.js';
import { PrometheusReader } from './export/prometheus-reader.js';
import { createOtlpReader } from './export/otlp-push.js';
import { ChurnBoundedGauges } from './metrics/sdk-memory/churn-bounded-gauges.js';
import { RenewableMeter } from './metrics/sdk-memory/renewable-meter.js';
import { SelfMetrics } from './self-metrics/self-metrics.js';
import { circuitLog, RequestGovernor } from './ecoflow/request-governor.js';
import type { CloudSimulator } from './simulator/cloud-simulator.js';
import type { DemoCloud } from './simulator/demo-cloud.js';
import { streamClientId } from './stream/client-id.js';
import type { LiveStream } from './stream/live-stream.js';
import { VERSION } from './version.js';
import { deviceModels, type DeviceModels } from './devices/device-models.js';
import { EnergyLedger, type EnergyRebaseline, type EnergyRejection } from './energy/energy-ledger.js';
import { EnergyStateKeeper } from './energy/energy-state-keeper.js';
import { EnergyCounters } from './metrics/energy-counters.js';

/**
 * The SDK drops attribute sets beyond a per-instrument limit into an overflow series; a fleet
 * of 100+ devices with per-cell arrays must stay far below it.
 */
const CARDINALITY_LIMIT = 100_000;

/** How long stop() waits for the last OTLP push. */
const FLUSH_BUDGET_MS = 3_000;

/** Composition root: builds the parts from a Config and runs them. */
export class App {
  readonly #config: Config;
  readonly #log: Logger;
  #snapshot?: QuotaSnapshot;
  /** Demo mode: the simulated EcoFlow cloud, its broker and devices. */
  #demo?: DemoCloud;
  #client?: EcoflowClient;
  #stream?: LiveStream;
  #poller?: Poller;
  #instruments?: ChurnBoundedGauges;
  /** The snapshot's instruments live here, apart from the self-metrics: see RenewableMeter. */
  #snapshotMeter?: RenewableMeter;
  #selfMetrics?: SelfMetrics;
  /** The energy counters' instruments (with the unified metrics only). */
  #energyCounters?: EnergyCounters;
  #energyLedger?: EnergyLedger;
  #energyState?: EnergyStateKeeper;
  #meterProvider?: MeterProvider;
  #server?: MetricsServer;
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  constructor(options: { config: Config; logger: Logger }) {
    this.#config = options.config;
    this.#log = options.logger;
  }

  /** Port of the Prometheus endpoint, once started (0 when disabled). */
  get metricsPort(): number {
    return this.#server?.port ?? 0;
  }

  get simulatorUrl(): string | undefined {
    return this.#demo?.simulator.url;
  }

  /** The device picture, for the benchmark that times when values arrive in it. */
  get snapshot(): QuotaSnapshot | undefined {
    return this.#snapshot;
  }

  /** The simulator of demo mode, for tests that steer it. */
  get simulator(): CloudSimulator | undefined {
    return this.#demo?.simulator;
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'starting';
    try {
      const staleness = new StalenessRule({
        staleAfterMs: this.#config.staleAfterMs,
        reconcileIntervalMs: this.#config.mqtt.mode === 'off' ? undefined : this.#config.polling.reconcileIntervalMs,
      });
      // Keys only the stream delivers are kept no longer than their values are exported.
      const snapshot = new QuotaSnapshot({ streamOnlyLifetimeMs: staleness.staleAfterMs });
      this.#snapshot = snapshot;
      const { meter, snapshotMeter, prometheus } = await this.#telemetry();
      const governor = this.#governor();
      // Before the parts that report to it.
      this.#selfMetrics = new SelfMetrics({
        meter,
        prefix: this.#config.metricsPrefix,
        sources: { snapshot, staleness, circuitState: () => governor.state, version: VERSION },
      });
      const selfMetrics = this.#selfMetrics;
      selfMetrics.start();
      const client = await this.#connect(governor, selfMetrics);
      // One record of each device's model, read by the unified metrics and the energy ledger alike.
      const models = deviceModels(this.#log);
      this.#instrumentsOver(snapshotMeter, snapshot, staleness, selfMetrics, models);
      await this.#energyOver(snapshot, staleness, selfMetrics, models);
      const stream = await this.#streamOver(client, snapshot, selfMetrics);
      const poller = this.#pollerOver(client, snapshot, selfMetrics, stream);
      const ready = readinessCheck({
        listLoaded: () => poller.ready,
        lastApiSuccessAt: () => governor.lastSuccessAt,
        ...this.#config.polling,
      });
      await this.#serve(prometheus, () => ready());

      await poller.start();
      this.#log.info('device list loaded', { devices: snapshot.size });
      const { mode } = this.#config.mqtt;
      if (stream && mode !== 'off') await stream.start(mode);
      if (this.#state === 'starting') this.#state = 'running';
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The one gate all EcoFlow requests pass: backoff and circuit breaker for the whole process. */
  #governor(): RequestGovernor {
    const config = this.#config;
    return new RequestGovernor({
      baseBackoffMs: config.ecoflow.backoffBaseMs,
      failureThreshold: config.ecoflow.circuitBreakerThreshold,
      openMs: config.ecoflow.circuitBreakerPauseMs,
      onStateChange: circuitLog(this.#log),
    });
  }

  /** The EcoFlow client behind the governor; in demo mode, against the simulator. */
  async #connect(governor: RequestGovernor, selfMetrics: SelfMetrics): Promise<EcoflowClient> {
    const config = this.#config;
    let { apiHost, accessKey, secretKey } = config.ecoflow;
    if (config.demo) {
      // Loaded only in demo mode: an exporter for real devices does not carry the simulator.
      const { startDemoCloud } = await import('./simulator/demo-cloud.js');
      this.#demo = await startDemoCloud({ stream: config.mqtt.mode !== 'off' });
      ({ apiHost, accessKey, secretKey } = this.#demo);
      this.#log.info('demo mode: the built-in EcoFlow cloud simulator', { api_host: apiHost, mqtt: config.mqtt.mode !== 'off' });
    }
    this.#client = new EcoflowClient({
      baseUrl: apiHost,
      accessKey,
      secretKey,
      timeoutMs: config.ecoflow.requestTimeoutMs,
      maxResponseBytes: config.ecoflow.maxResponseBytes,
      governor,
      reporter: selfMetrics,
    });
    return this.#client;
  }

  /** The MQTT stream into the snapshot, unless ECOFLOW_MQTT=off. Not started. */
  async #streamOver(client: EcoflowClient, snapshot: QuotaSnapshot, selfMetrics: SelfMetrics): Promise<LiveStream | undefined> {
    const config = this.#config;
    if (config.mqtt.mode === 'off') return undefined;
    // With the stream off, the MQTT client (and what it pulls in) is never loaded.
    const { LiveStream } = await import('./stream/live-stream.js');
    this.#stream = new LiveStream({
      snapshot,
      certification: () => client.getCertification(),
      clientId: streamClientId(config.demo ? 'demo' : config.ecoflow.accessKey, config.mqtt.instance),
      extraCaFile: config.mqtt.extraCaFile,
      silenceMs: config.mqtt.silenceMs,
      reconcileIntervalMs: config.polling.reconcileIntervalMs,
      logger: this.#log,
      reporter: selfMetrics,
    });
    return this.#stream;
  }

  /** The meter provider with its readers: Prometheus (pull) and OTLP (push), either or both. */
  async #telemetry() {
    const config = this.#config;
    const readers: MetricReader[] = [];
    const snapshotMeter = new RenewableMeter({ name: 'ecoflow-exporter', version: VERSION, cardinalityLimit: CARDINALITY_LIMIT });
    this.#snapshotMeter = snapshotMeter;
    const metricProducers: MetricProducer[] = [snapshotMeter];
    if (config.unifiedMetrics) {
      this.#energyCounters = new EnergyCounters({
        prefix: config.metricsPrefix,
        name: 'ecoflow-exporter',
        version: VERSION,
        cardinalityLimit: CARDINALITY_LIMIT,
      });
      metricProducers.push(this.#energyCounters);
    }
    const prometheus = new PrometheusReader({
      cardinalityLimit: CARDINALITY_LIMIT,
      metricProducers,
      onError: (error) => this.#log.error('metric collection error', { error: String(error) }),
    });
    if (config.exporter.port !== 0) readers.push(prometheus);
    if (config.otlp) {
      readers.push(
        await createOtlpReader({
          ...config.otlp,
          cardinalityLimit: CARDINALITY_LIMIT,
          metricProducers,
          onExportFailure: (error) => {
            // Pushes start after the self-metrics exist; the SDK's first push is an interval away.
            this.#selfMetrics?.recordOtlpFailure();
            this.#log.warn('OTLP export failed', { error: error?.message ?? 'unknown' });
          },
        }),
      );
      this.#log.info('pushing OTLP metrics', { url: config.otlp.url, protocol: config.otlp.protocol, interval_ms: config.otlp.intervalMs });
    }
    this.#meterProvider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': config.resource.serviceName,
        'service.version': VERSION,
        ...config.resource.attributes,
      }),
      readers,
    });
    return { meter: this.#meterProvider.getMeter('ecoflow-exporter', VERSION), snapshotMeter, prometheus };
  }

  /** The snapshot's metrics: device state, raw quotas and, unless switched off, unified metrics. */
  #instrumentsOver(meter: RenewableMeter, snapshot: QuotaSnapshot, staleness: StalenessRule, selfMetrics: SelfMetrics, models: DeviceModels): void {
    const config = this.#config;
    this.#instruments = new ChurnBoundedGauges({
      meter,
      snapshot,
      prefix: config.metricsPrefix,
      unified: config.unifiedMetrics,
      models,
      staleness,
      maxSeriesPerDevice: config.maxSeriesPerDevice,
      logger: this.#log,
      reporter: selfMetrics,
    });
    this.#instruments.start();
  }

  /**
   * The energy counters, with the unified metrics: the ledger that keeps them from the
   * snapshot, the state file that carries them across restarts, and their instruments.
   */
  async #energyOver(snapshot: QuotaSnapshot, staleness: StalenessRule, selfMetrics: SelfMetrics, models: DeviceModels): Promise<void> {
    const config = this.#config;
    if (!this.#energyCounters) return;
    const ledger = new EnergyLedger({
      snapshot,
      models,
      staleness,
      reporter: selfMetrics,
      onRejected: (event) => energyRejectedLog(this.#log, event),
      onMoved: (event) => energyMovedLog(this.#log, event),
      onStarted: () => this.#energyState?.saveSoon(),
    });
    this.#energyLedger = ledger;
    const keeper =
      config.energyStateFile &&
      new EnergyStateKeeper({
        path: config.energyStateFile,
        ledger,
        logger: this.#log,
        reporter: selfMetrics,
        version: VERSION,
        intervalMs: config.energyStateIntervalMs,
      });
    if (keeper && (await keeper.load())) {
      // Exported as written: a crash can then never take a counter back.
      ledger.publishWhenWritten();
      this.#energyState = keeper;
    } else if (!keeper) {
      this.#log.info('no energy state file: energy counters start again at every start (set ENERGY_STATE_FILE to keep them)', {
        why: config.demo ? 'demo mode' : 'ENERGY_STATE_FILE is empty, or auto with no home folder',
      });
    }
    ledger.start();
    this.#energyState?.start();
    this.#energyCounters.start(ledger, snapshot);
  }

  #pollerOver(client: EcoflowClient, snapshot: QuotaSnapshot, selfMetrics: SelfMetrics, stream?: LiveStream): Poller {
    const config = this.#config;
    this.#poller = new Poller({
      streamCovers: stream && ((sn) => stream.coverage.covers(sn)),
      source: client,
      snapshot,
      logger: this.#log,
      deviceSns: config.ecoflow.deviceSns,
      deviceNameOverride: config.ecoflow.deviceName,
      ...config.polling,
      restrictedRetryMs: config.ecoflow.restrictedRetryMs,
      reporter: selfMetrics,
    });
    return this.#poller;
  }

  /** /metrics, /healthz and /readyz, unless EXPORTER_PORT is 0. */
  async #serve(prometheus: PrometheusReader, isReady: () => boolean): Promise<void> {
    const { exporter } = this.#config;
    if (exporter.port === 0) return;
    this.#server = new MetricsServer({
      host: exporter.host,
      port: exporter.port,
      render: () => prometheus.exposition(),
      isReady,
      onError: (error) => this.#log.error('/metrics failed', { error: String(error) }),
      tls: exporter.web?.tls,
      authenticate: exporter.web?.basicAuthUsers && basicAuthenticator(exporter.web.basicAuthUsers),
    });
    const port = await this.#server.start();
    this.#log.info('serving metrics', {
      url: `${exporter.web?.tls ? 'https' : 'http'}://${displayHost(exporter.host)}:${port}/metrics`,
      basic_auth: Boolean(exporter.web?.basicAuthUsers),
    });
  }

  /** Stops in reverse order: polling, OTLP flush, server, simulator. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#poller?.stop();
    await this.#stream?.stop();
    this.#client?.close();
    // Nothing changes the counters any more: the last state is the final one.
    this.#energyLedger?.stop();
    await this.#energyState?.stop();
    try {
      // Pushes the last snapshot over OTLP before the callbacks go; a dead collector may not
      // hold the exit up for longer than the flush budget.
      const flushed = this.#meterProvider?.shutdown();
      const budget = new Promise<'late'>((r) => setTimeout(() => r('late'), FLUSH_BUDGET_MS).unref());
      if ((await Promise.race([flushed, budget])) === 'late') this.#log.warn('final OTLP push did not finish in time', { budget_ms: FLUSH_BUDGET_MS });
    } catch (err) {
      this.#log.warn('metrics shutdown failed', { error: String(err) });
    }
    this.#instruments?.stop();
    await this.#snapshotMeter?.shutdown().catch(() => {});
    await this.#energyCounters?.shutdown();
    this.#selfMetrics?.stop();
    await this.#server?.stop();
    await this.#demo?.stop();
  }
}

function energyRejectedLog(log: Logger, event: { sn: string; counter: string; reason: EnergyRejection; detail: string }): void {
  const what = {
    jump: 'grew faster than the device can deliver',
    decrease: 'below the last trusted reading, held',
    implausible_power: 'power above twice the rating, not integrated',
    older_day: 'dated before the last reading',
  }[event.reason];
  log.warn(`energy input left out: ${what} (said once per counter)`, { sn: event.sn, counter: event.counter, detail: event.detail });
}

function energyMovedLog(log: Logger, event: { sn: string; counter: string; how: EnergyRebaseline; detail: string }): void {
  const what = {
    reset: "device counter reset: a lower reading persisted; the exported counter goes on from the device's new level",
    rebaselined: "device counter moved on: a higher reading persisted; the exported counter goes on from the device's new level, without the jump",
    recovered: 'device counter back at its earlier level: the energy counted since its last trusted reading there is added',
  }[event.how];
  log.warn(what, { sn: event.sn, counter: event.counter, detail: event.detail });
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
}
