/**
 * The composition root: builds the parts from a Config, in the order they depend on each other,
 * hands each the options it needs, and stops them as one list (lifecycle/stop-list.ts).
 */
import { MetricSelection } from './catalog/metric-selection.js';
import type { Config } from './config/load-config.js';
import { deviceModels } from './devices/device-models.js';
import { isStreamOnlyModel } from './devices/detect-family.js';
import { FAMILIES } from './devices/families.js';
import { keyTreatment } from './devices/family-keys.js';
import { EcoflowClient } from './ecoflow/ecoflow-client.js';
import { circuitLog, RequestGovernor } from './ecoflow/request-governor.js';
import { startEnergy } from './energy/energy-service.js';
import { serveMetrics } from './export/metrics-server.js';
import { startTelemetry } from './export/telemetry.js';
import { StopList } from './lifecycle/stop-list.js';
import type { Logger } from './log/logger.js';
import { DeviceMetrics } from './metrics/device-metrics.js';
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

/** STYLE's order: the sources, then the energy state and the last OTLP push, then the rest. */
const STOP_ORDER = ['poller', 'stream', 'client', 'energy', 'telemetry', 'deviceMetrics', 'selfMetrics', 'server', 'demo'] as const;

export class App {
  readonly #config: Config;
  readonly #log: Logger;
  #snapshot?: QuotaSnapshot;
  readonly #parts = new StopList(STOP_ORDER);
  #starting?: Promise<void>;

  constructor(options: { config: Config; logger: Logger }) {
    this.#config = options.config;
    this.#log = options.logger;
  }

  /** The device picture: main.ts counts its devices (the large-fleet restart), the freshness bench times it. */
  get snapshot(): QuotaSnapshot | undefined {
    return this.#snapshot;
  }

  /** Resolves once running, or once a stop() that came meanwhile has stopped everything; one start per App. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /** Each part that came up, in STOP_ORDER, and what a start under way still brings up. */
  async stop(): Promise<void> {
    await this.#parts.stop();
    await this.#starting?.catch(() => {});
  }

  async #start(): Promise<void> {
    if (this.#parts.stopping) return;
    const { ecoflow, mqtt, polling, exporter, ...config } = this.#config;
    const streamMode = mqtt.mode === 'off' ? undefined : mqtt.mode;
    const log = this.#log;
    const parts = this.#parts;
    try {
      const staleness = new StalenessRule({
        staleAfterMs: config.staleAfterMs,
        reconcileIntervalMs: streamMode && polling.reconcileIntervalMs,
      });
      // Keys only the stream delivers are kept no longer than their values are exported.
      // A device keeps no more values than the output can use: the keys the tables read, and raw
      // ones up to the series and metric-name caps (none without raw metrics).
      const snapshot = new QuotaSnapshot({
        streamOnlyLifetimeMs: staleness.staleAfterMs,
        maxValuesPerDevice: config.maxSeriesPerDevice,
        maxNamesPerDevice: config.maxMetricsPerDevice,
        keyPolicy: keyTreatment(FAMILIES, config.rawMetrics),
      });
      this.#snapshot = snapshot;
      const deviceMetrics = new DeviceMetrics({
        prefix: config.metricsPrefix,
        unified: config.unifiedMetrics,
        selection: new MetricSelection({ raw: config.rawMetrics, include: config.metricsInclude, exclude: config.metricsExclude }),
        scope: SCOPE,
        cardinalityLimit: CARDINALITY_LIMIT,
      });
      parts.keep('deviceMetrics', deviceMetrics);
      let selfMetrics: SelfMetrics | undefined;
      const telemetry = await startTelemetry({
        producers: [...deviceMetrics.producers],
        cardinalityLimit: CARDINALITY_LIMIT,
        prometheus: exporter.port !== 0,
        otlp: config.otlp,
        resource: { 'service.name': config.resource.serviceName, 'service.version': VERSION, ...config.resource.attributes },
        scope: SCOPE,
        logger: log,
        // Pushes start after the self-metrics exist; the SDK's first push is an interval away.
        onOtlpFailure: () => selfMetrics?.recordOtlpFailure(),
        onSerializerMismatch: () => selfMetrics?.recordSerializerFallback(),
      });
      parts.keep('telemetry', { stop: () => telemetry.shutdown() });

      // The one gate all EcoFlow requests pass: backoff and circuit breaker for the whole process.
      const governor = new RequestGovernor({
        baseBackoffMs: ecoflow.backoffBaseMs,
        failureThreshold: ecoflow.circuitBreakerThreshold,
        openMs: ecoflow.circuitBreakerPauseMs,
        onStateChange: circuitLog(log),
      });
      // Before the parts that report to it.
      selfMetrics = new SelfMetrics({
        meter: telemetry.meter,
        prefix: config.metricsPrefix,
        sources: { snapshot, staleness, circuitState: () => governor.state, version: VERSION },
      });
      selfMetrics.start();
      parts.keep('selfMetrics', selfMetrics);

      let { apiHost, accessKey, secretKey } = ecoflow;
      if (config.demo) {
        // Loaded only in demo mode: an exporter for real devices does not carry the simulator.
        const demo = await (await import('./simulator/demo-cloud.js')).startDemoCloud({ stream: streamMode !== undefined, logger: log });
        parts.keep('demo', demo);
        ({ apiHost, accessKey, secretKey } = demo);
      }
      const client = new EcoflowClient({
        baseUrl: apiHost,
        accessKey,
        secretKey,
        timeoutMs: ecoflow.requestTimeoutMs,
        maxResponseBytes: ecoflow.maxResponseBytes,
        governor,
        reporter: selfMetrics,
      });
      parts.keep('client', { stop: () => client.close() });

      // One record of each device's model, read by the unified metrics and the energy ledger alike.
      const models = deviceModels(log);
      const stateFile = 'path' in config.energyStateFile ? { ...config.energyStateFile, intervalMs: config.energyStateIntervalMs } : config.energyStateFile;
      const energy = deviceMetrics.countsEnergy
        ? await startEnergy({ snapshot, models, staleness, logger: log, reporter: selfMetrics, stateFile, version: VERSION })
        : undefined;
      parts.keep('energy', energy);
      deviceMetrics.start({
        snapshot,
        staleness,
        models,
        maxSeriesPerDevice: config.maxSeriesPerDevice,
        maxMetricsPerDevice: config.maxMetricsPerDevice,
        logger: log,
        reporter: selfMetrics,
        ledger: energy?.ledger,
        // A renewed SDK side is new SDK state: the next /metrics is checked against the package's serializer.
        onRenewal: () => telemetry.prometheus.checkNextCollection(),
      });

      // With the stream off, the MQTT client (and what it pulls in) is never loaded.
      const stream =
        streamMode === undefined
          ? undefined
          : new (await import('./stream/live-stream.js')).LiveStream({
              snapshot,
              certification: () => client.getCertification(),
              clientId: streamClientId(config.demo ? 'demo' : ecoflow.accessKey, mqtt.instance),
              extraCaFile: mqtt.extraCaFile,
              silenceMs: mqtt.silenceMs,
              reconcileIntervalMs: polling.reconcileIntervalMs,
              logger: log,
              reporter: selfMetrics,
            });
      parts.keep('stream', stream);
      const poller = new Poller({
        streamCovers: stream && ((sn) => stream.coverage.covers(sn)),
        streamOnly: (device) => isStreamOnlyModel(device, FAMILIES),
        source: client,
        snapshot,
        logger: log,
        deviceSns: ecoflow.deviceSns,
        deviceNameOverride: ecoflow.deviceName,
        ...polling,
        restrictedRetryMs: ecoflow.restrictedRetryMs,
        reporter: selfMetrics,
      });
      parts.keep('poller', poller);

      if (exporter.port !== 0) {
        const ready = readinessCheck({ listLoaded: () => poller.ready, lastApiSuccessAt: () => governor.lastSuccessAt, ...polling });
        const server = await serveMetrics({
          host: exporter.host,
          port: exporter.port,
          web: exporter.web,
          render: () => telemetry.prometheus.exposition(),
          isReady: ready,
          logger: log,
        });
        parts.keep('server', server);
      }

      await poller.start();
      // The first collection may have come before any device was read: check one that has them.
      telemetry.prometheus.checkNextCollection();
      parts.cutShortIfStopping();
      if (stream && streamMode) await stream.start(streamMode);
      parts.cutShortIfStopping();
    } catch (err) {
      const cutShort = parts.stopping;
      await parts.stopLate();
      if (!cutShort) throw err;
    }
  }
}
