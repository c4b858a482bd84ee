import type { BatchObservableCallback, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import type { DeviceIdentity, DeviceRecord, QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import type { StalenessRule } from '../snapshot/staleness.js';
import { deviceLabels } from '../metrics/device-labels.js';
import { METRICS, ownMetricName } from '../catalog/catalog.js';
import type { DeviceMetricsReporter } from '../metrics/device-metrics.js';
import type { StreamReporter } from '../stream/live-stream.js';
import type { RequestEvent, RequestReporter } from '../ecoflow/ecoflow-client.js';
import type { PollReporter } from '../poller/poller.js';
import type { EnergyRejection, EnergyReporter } from '../energy/energy-ledger.js';
import type { StateWriteReporter } from '../energy/energy-state-keeper.js';

/**
 * What the exporter's own metrics read. They are created before the parts that report to
 * them (client, poller, instruments), so these are only the snapshot and plain functions.
 */
export interface SelfMetricsSources {
  snapshot: QuotaSnapshot;
  staleness: StalenessRule;
  circuitState: () => string;
  version: string;
}

interface PollHealth {
  failures: number;
  lastSuccessAt?: number;
}

const DEVICE_STATES = ['online', 'offline', 'restricted', 'failing', 'stale'] as const;
const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
const STREAM_STATES = ['off', 'connecting', 'connected', 'down'] as const;
const MERGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_TICK_MS = 100;

/**
 * The exporter's health under `<prefix>_exporter_`. Label sets are fixed (states, endpoints,
 * outcomes, codes) except the per-device last-success time, which follows the fleet.
 */
export class SelfMetrics implements RequestReporter, PollReporter, DeviceMetricsReporter, StreamReporter, EnergyReporter, StateWriteReporter {
  readonly #meter: Meter;
  readonly #sources: SelfMetricsSources;
  readonly #requests: Counter;
  readonly #requestDuration: Histogram;
  readonly #pollDuration: Histogram;
  readonly #otlpFailures: Counter;
  readonly #serializerFallbacks: Counter;
  readonly #connectionErrors: Counter;
  readonly #streamConnects: Counter;
  readonly #streamDisconnects: Counter;
  readonly #streamMessages: Counter;
  readonly #streamUnknown: Counter;
  readonly #streamMerge: Histogram;
  readonly #renewals: Counter;
  readonly #energyRejected: Counter;
  readonly #energyStateWrites: Counter;
  readonly #gauges: Record<'lastPoll' | 'devices' | 'series' | 'circuit' | 'stream' | 'build' | 'rss' | 'heap' | 'lag', ObservableGauge>;
  readonly #polls = new Map<string, PollHealth>();
  #quotaSeries = 0;
  #streamState: (typeof STREAM_STATES)[number] = 'off';
  #lagTimer?: NodeJS.Timeout;
  #lagMaxMs = 0;
  #started = false;
  #unsubscribe?: () => void;

  constructor(options: { meter: Meter; prefix: string; sources: SelfMetricsSources }) {
    const { meter, prefix } = options;
    this.#meter = meter;
    this.#sources = options.sources;
    const name = (m: { name: string }) => ownMetricName(prefix, m);
    this.#requests = meter.createCounter(name(METRICS.apiRequests), { description: METRICS.apiRequests.help });
    this.#requestDuration = meter.createHistogram(name(METRICS.apiRequestDuration), {
      description: METRICS.apiRequestDuration.help,
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.#pollDuration = meter.createHistogram(name(METRICS.pollDuration), {
      description: METRICS.pollDuration.help,
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.#otlpFailures = meter.createCounter(name(METRICS.otlpExportFailures), { description: METRICS.otlpExportFailures.help });
    this.#connectionErrors = meter.createCounter(name(METRICS.connectionErrors), { description: METRICS.connectionErrors.help });
    const counter = (m: { name: string; help: string }) => meter.createCounter(name(m), { description: m.help });
    this.#streamConnects = counter(METRICS.streamConnects);
    this.#streamDisconnects = counter(METRICS.streamDisconnects);
    this.#streamMessages = counter(METRICS.streamMessages);
    this.#streamUnknown = counter(METRICS.streamUnknownMessages);
    this.#renewals = counter(METRICS.instrumentRenewals);
    this.#serializerFallbacks = counter(METRICS.serializerFallbacks);
    this.#energyRejected = counter(METRICS.energyReadingsRejected);
    this.#energyStateWrites = counter(METRICS.energyStateWrites);
    this.#streamMerge = meter.createHistogram(name(METRICS.streamMergeDuration), {
      description: METRICS.streamMergeDuration.help,
      unit: 's',
      advice: { explicitBucketBoundaries: MERGE_BUCKETS },
    });
    const gauge = (m: { name: string; help: string }) => meter.createObservableGauge(name(m), { description: m.help });
    this.#gauges = {
      lastPoll: gauge(METRICS.lastSuccessfulPoll),
      devices: gauge(METRICS.devices),
      series: gauge(METRICS.series),
      circuit: gauge(METRICS.circuitBreaker),
      stream: gauge(METRICS.streamState),
      build: gauge(METRICS.buildInfo),
      rss: gauge(METRICS.residentMemory),
      heap: gauge(METRICS.heapUsed),
      lag: gauge(METRICS.eventLoopLag),
    };
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    // A timer that should fire every 100 ms: how late it fires is how long the loop was blocked.
    let last = performance.now();
    this.#lagTimer = setInterval(() => {
      const now = performance.now();
      this.#lagMaxMs = Math.max(this.#lagMaxMs, now - last - LAG_TICK_MS);
      last = now;
    }, LAG_TICK_MS).unref();
    this.#meter.addBatchObservableCallback(this.#observe, Object.values(this.#gauges));
    // Polling stops for a device that goes offline or leaves: its poll history goes with it.
    const { snapshot } = this.#sources;
    this.#unsubscribe = snapshot.subscribe((change) => {
      if (change.kind === 'device-removed' || !snapshot.get(change.sn)?.online) this.#polls.delete(change.sn);
    });
  }

  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    clearInterval(this.#lagTimer);
    this.#unsubscribe?.();
    this.#meter.removeBatchObservableCallback(this.#observe, Object.values(this.#gauges));
  }

  recordRequest(r: RequestEvent): void {
    // Codes come from the network: anything but a short number is folded into "other".
    const code = r.code === '' || /^-?\d{1,5}$/.test(r.code) ? r.code : 'other';
    this.#requests.add(1, { endpoint: r.endpoint, outcome: r.outcome, code });
    if (r.outcome !== 'circuit_open') this.#requestDuration.record(r.seconds, { endpoint: r.endpoint });
  }

  /** A successful poll; `sn` for a device's quota read. */
  recordPoll(kind: 'list' | 'quota', seconds: number, sn?: string): void {
    this.#pollDuration.record(seconds, { kind });
    if (sn !== undefined) this.#polls.set(sn, { failures: 0, lastSuccessAt: Date.now() });
  }

  recordEnergyRejected(device: DeviceIdentity, reason: EnergyRejection): void {
    this.#energyRejected.add(1, { ...deviceLabels(device), reason });
  }

  recordEnergyStateWrite(ok: boolean): void {
    this.#energyStateWrites.add(1, { outcome: ok ? 'ok' : 'failed' });
  }

  recordEnergyStateKept(): void {
    for (const outcome of ['ok', 'failed']) this.#energyStateWrites.add(0, { outcome });
  }

  recordPollFailure(device: DeviceIdentity): void {
    this.#connectionErrors.add(1, deviceLabels(device));
    const health = this.#polls.get(device.sn);
    if (health) health.failures++;
    else this.#polls.set(device.sn, { failures: 1 });
  }

  /** Series computed from quota values in the last collection. */
  recordCollected(quotaSeries: number): void {
    this.#quotaSeries = quotaSeries;
  }

  /** The stream's state; connected to down counts a disconnect (not a stop), to connected a connect. */
  recordStreamState(state: (typeof STREAM_STATES)[number]): void {
    if (state === this.#streamState) return;
    if (state === 'connected') this.#streamConnects.add(1);
    if (this.#streamState === 'connected' && state === 'down') this.#streamDisconnects.add(1);
    this.#streamState = state;
  }

  recordStreamMessage(device: DeviceIdentity, kind: string): void {
    this.#streamMessages.add(1, { ...deviceLabels(device), kind });
  }

  recordStreamUnknown(device: DeviceIdentity, reason: string): void {
    this.#streamUnknown.add(1, { ...deviceLabels(device), reason });
  }

  recordStreamMerge(seconds: number): void {
    this.#streamMerge.record(seconds);
  }

  recordRenewal(): void {
    this.#renewals.add(1);
  }

  recordOtlpFailure(): void {
    this.#otlpFailures.add(1);
  }

  /** /metrics went over to the package's serializer (once a process at most). */
  recordSerializerFallback(): void {
    this.#serializerFallbacks.add(1);
  }

  readonly #observe: BatchObservableCallback = (result) => {
    const counts = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<(typeof DEVICE_STATES)[number], number>;
    const { snapshot } = this.#sources;
    for (const device of snapshot.devices()) {
      const health = this.#polls.get(device.sn);
      counts[this.#stateOf(device, health?.failures ?? 0)]++;
      if (health?.lastSuccessAt !== undefined) result.observe(this.#gauges.lastPoll, health.lastSuccessAt / 1000, deviceLabels(device));
    }
    for (const state of DEVICE_STATES) result.observe(this.#gauges.devices, counts[state], { state });
    result.observe(this.#gauges.series, this.#quotaSeries);
    const circuit = this.#sources.circuitState();
    for (const state of CIRCUIT_STATES) result.observe(this.#gauges.circuit, state === circuit ? 1 : 0, { state });
    for (const state of STREAM_STATES) result.observe(this.#gauges.stream, state === this.#streamState ? 1 : 0, { state });
    result.observe(this.#gauges.build, 1, { version: this.#sources.version, node_version: process.version });
    const memory = process.memoryUsage();
    result.observe(this.#gauges.rss, memory.rss);
    result.observe(this.#gauges.heap, memory.heapUsed);
    result.observe(this.#gauges.lag, Math.max(0, this.#lagMaxMs) / 1000);
    this.#lagMaxMs = 0;
  };

  #stateOf(device: DeviceRecord, failures: number): (typeof DEVICE_STATES)[number] {
    if (device.state !== 'online') return device.state;
    if (failures > 0) return 'failing';
    return this.#sources.staleness.deviceStale(device) ? 'stale' : 'online';
  }
}
