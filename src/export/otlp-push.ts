import { gaugesDelta } from '../otel/temporality.js';
import {
  type AggregationTemporality,
  type InstrumentType,
  PeriodicExportingMetricReader,
  type MetricProducer,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpPushOptions {
  /** Full metrics URL, e.g. http://collector:4318/v1/metrics. */
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  intervalMs: number;
  timeoutMs: number;
  cardinalityLimit: number;
  /** Pushed along with the MeterProvider's own metrics. */
  metricProducers?: MetricProducer[];
  onExportFailure?: (error: Error | undefined) => void;
}

/**
 * A periodic OTLP push of every metric of the MeterProvider it is added to. The exporter
 * packages (protobuf among them) are loaded here, on first use: a Prometheus-only exporter on
 * a small machine does not carry them.
 */
export async function createOtlpReader(options: OtlpPushOptions): Promise<PeriodicExportingMetricReader> {
  // One budget for the push, retries included, and never longer than the interval between pushes.
  const timeoutMillis = Math.min(options.timeoutMs, options.intervalMs);
  const exporterOptions = { url: options.url, headers: options.headers, timeoutMillis };
  const { OTLPMetricExporter } =
    options.protocol === 'http/json' ? await import('@opentelemetry/exporter-metrics-otlp-http') : await import('@opentelemetry/exporter-metrics-otlp-proto');
  const inner = new OTLPMetricExporter(exporterOptions);
  return new PeriodicExportingMetricReader({
    exporter: new GaugeDeltaExporter(inner, options.onExportFailure),
    exportIntervalMillis: options.intervalMs,
    exportTimeoutMillis: timeoutMillis,
    cardinalityLimits: { default: options.cardinalityLimit },
    metricProducers: options.metricProducers,
  });
}

/**
 * Delegates to an OTLP exporter but asks for delta temporality on observable gauges, for the
 * reason given in prometheus-reader.ts: gone series must not be pushed forever. OTLP gauges
 * carry no temporality, so receivers see no difference.
 */
class GaugeDeltaExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly onFailure?: (error: Error | undefined) => void,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.onFailure?.(result.error);
      resultCallback(result);
    });
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return gaugesDelta(type, this.inner.selectAggregationTemporality?.(type));
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
