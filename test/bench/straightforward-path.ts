/**
 * The baseline every fleet figure is compared with: the same snapshot exported the plain way,
 * with the package's own PrometheusExporter (cumulative, as it asks), one gauge per name, one
 * batch callback that flattens and unifies every device's quotas at collection time, and the
 * package's PrometheusSerializer. What a straightforward exporter would do. Given a port, the
 * PrometheusExporter serves it over HTTP itself (straightforward-process.ts runs it so).
 */
import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { FAMILIES } from '../../src/devices/families.js';
import { matchFamily } from '../../src/devices/detect-family.js';
import { samplesByTarget } from '../../src/devices/unify.js';
import { UNIFIED_METRICS } from '../../src/catalog/catalog.js';
import type { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { flattenQuota } from '../../src/metrics/raw-metric-names.js';
import { quotaMetricName } from '../../src/catalog/catalog.js';
import { UNIFIED_NAMES } from '../../src/metrics/producers/unified-producer.js';

export interface StraightforwardOptions {
  /** Serve `/metrics` on this loopback port with the package's own server. Default: no server. */
  port?: number;
}

export class StraightforwardPath {
  readonly #exporter: PrometheusExporter;
  readonly #provider: MeterProvider;
  readonly #serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  /** Resolves once the server listens (at once without one); rejects if it cannot. */
  readonly listening: Promise<void>;

  constructor(snapshot: QuotaSnapshot, options: StraightforwardOptions = {}) {
    // The server's text is the serializer's below: no target_info, no scope labels.
    let started!: (error?: Error) => void;
    this.listening = new Promise((resolve, reject) => (started = (error) => (error ? reject(error) : resolve())));
    this.#exporter = new PrometheusExporter(
      options.port === undefined ? { preventServerStart: true } : { host: '127.0.0.1', port: options.port, withoutTargetInfo: true, withoutScopeInfo: true },
      (error) => started(error || undefined),
    );
    this.#provider = new MeterProvider({ readers: [this.#exporter] });
    const meter = this.#provider.getMeter('straightforward');
    const gauges = new Map<string, ObservableGauge>();
    const gauge = (name: string) => {
      let g = gauges.get(name);
      if (!g) gauges.set(name, (g = meter.createObservableGauge(name)));
      return g;
    };
    // Instruments must exist before the callback binds them: one pass to create them all.
    const observeAll = (observe: (g: ObservableGauge, value: number, attributes: Attributes) => void) => {
      for (const device of snapshot.devices()) {
        const labels: Attributes = { device: device.sn, device_name: device.name, product_name: device.productName };
        for (const [key, entry] of device.quotas) {
          for (const sample of flattenQuota(key, entry.value)) {
            const attributes = sample.indexes.length === 0 ? labels : { ...labels, ...Object.fromEntries(sample.indexes.map((v, i) => [`index_${i}`, v])) };
            observe(gauge(quotaMetricName('ecoflow', sample.name, UNIFIED_NAMES)), sample.value, attributes);
          }
        }
        const family = matchFamily(device, device.quotas, FAMILIES)?.family;
        if (!family) continue;
        for (const s of samplesByTarget(family, device.quotas).values()) {
          const extra = s.port !== undefined ? { port: s.port } : s.phase !== undefined ? { phase: s.phase } : undefined;
          observe(gauge(`ecoflow_${UNIFIED_METRICS[s.metric].name}`), s.value, extra ? { ...labels, ...extra } : labels);
        }
      }
    };
    observeAll(() => {});
    meter.addBatchObservableCallback((result) => observeAll((g, v, a) => result.observe(g, v, a)), [...gauges.values()]);
  }

  /** One collection and its text, timed. */
  async render(): Promise<{ ms: number; bytes: number; text: string }> {
    const started = performance.now();
    const { resourceMetrics } = await this.#exporter.collect();
    const text = this.#serializer.serialize(resourceMetrics);
    return { ms: performance.now() - started, bytes: Buffer.byteLength(text), text };
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}
