/**
 * The meter provider with its readers, over the producers it is given: the Prometheus reader
 * (pull) and the OTLP push, either or both; and their shutdown, which pushes a last OTLP batch
 * within a budget, so a collector that is gone cannot hold the exit up. Knows nothing of EcoFlow.
 */
import type { Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricProducer, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { Logger } from '../log/logger.js';
import type { SerializerMismatch } from './checked-serializer.js';
import { createOtlpReader, type OtlpPushOptions } from './otlp-push.js';
import { PrometheusReader } from './prometheus-reader.js';

export interface TelemetryOptions {
  /** Where the series come from (the SDK's own instruments come through `meter`). */
  producers: MetricProducer[];
  cardinalityLimit: number;
  /** The Prometheus endpoint serves this reader; false: OTLP only. */
  prometheus: boolean;
  otlp?: Omit<OtlpPushOptions, 'cardinalityLimit' | 'metricProducers' | 'onExportFailure'>;
  /** Resource attributes: service.name, service.version, the user's own. */
  resource: Record<string, string>;
  scope: { name: string; version: string };
  logger: Logger;
  /** Each failed push, after its log line. */
  onOtlpFailure?: () => void;
  /**
   * Once at most, after its log line: our Prometheus text differed from the package
   * serializer's, which writes /metrics from then on.
   */
  onSerializerMismatch?: (mismatch: SerializerMismatch) => void;
  /** How long shutdown waits for the last OTLP push. Default 3 s. */
  flushBudgetMs?: number;
}

export interface Telemetry {
  meter: Meter;
  /**
   * Renders /metrics (collects only when the endpoint is served); its `checkNextCollection()`
   * after each renewal of an SDK side.
   */
  prometheus: PrometheusReader;
  /** The last OTLP push within the budget, then the readers stop. */
  shutdown(): Promise<void>;
}

export async function startTelemetry(o: TelemetryOptions): Promise<Telemetry> {
  const readers: MetricReader[] = [];
  const prometheus = new PrometheusReader({
    cardinalityLimit: o.cardinalityLimit,
    metricProducers: o.producers,
    onError: (error) => o.logger.error('metric collection error', { error: String(error) }),
    onSerializerMismatch: (mismatch) => {
      o.logger.error(
        "the exporter's Prometheus text writer differs from @opentelemetry/exporter-prometheus: /metrics is written by the package's serializer from now on (slower; a bug, please report it)",
        {
          ...mismatch,
        },
      );
      o.onSerializerMismatch?.(mismatch);
    },
  });
  if (o.prometheus) readers.push(prometheus);
  if (o.otlp) {
    readers.push(
      await createOtlpReader({
        ...o.otlp,
        cardinalityLimit: o.cardinalityLimit,
        metricProducers: o.producers,
        onExportFailure: (error) => {
          o.onOtlpFailure?.();
          o.logger.warn('OTLP export failed', { error: error?.message ?? 'unknown' });
        },
      }),
    );
    o.logger.info('pushing OTLP metrics', { url: o.otlp.url, protocol: o.otlp.protocol, interval_ms: o.otlp.intervalMs });
  }
  const provider = new MeterProvider({ resource: resourceFromAttributes(o.resource), readers });
  const budgetMs = o.flushBudgetMs ?? 3_000;
  return {
    meter: provider.getMeter(o.scope.name, o.scope.version),
    prometheus,
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), budgetMs);
        timer.unref();
      });
      try {
        if ((await Promise.race([provider.shutdown(), late])) === 'late') o.logger.warn('final OTLP push did not finish in time', { budget_ms: budgetMs });
      } catch (err) {
        o.logger.warn('metrics shutdown failed', { error: String(err) });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
