import {
  AggregationTemporality,
  InstrumentType,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';

/**
 * A pull reader that renders the Prometheus text format on demand.
 *
 * Why not the package's PrometheusExporter: it asks for cumulative temporality, and with it
 * sdk-metrics 2.x keeps exporting an observable gauge's attribute sets after the callback
 * stopped observing them (the spec says it SHOULD NOT). A device that went offline would stay
 * frozen at its last values. Delta temporality for observable gauges makes each collection
 * report exactly what the callbacks observed; a gauge's value is the same either way.
 * Counters and histograms stay cumulative, as Prometheus requires.
 */
export class PrometheusReader extends MetricReader {
  readonly #serializer = new PrometheusSerializer(
    undefined,
    false,
    undefined,
    /* withoutTargetInfo */ true,
    /* withoutScopeInfo */ true,
  );
  #inFlight: Promise<string> | undefined;

  readonly #onError: (error: unknown) => void;

  constructor(options: { cardinalityLimit: number; onError?: (error: unknown) => void }) {
    super({
      aggregationTemporalitySelector: (type) =>
        type === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
      cardinalitySelector: () => options.cardinalityLimit,
    });
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Renders one exposition. Concurrent callers share one collection: with delta temporality
   * two interleaved collections would split the observations between them.
   */
  render(): Promise<string> {
    this.#inFlight ??= this.#collectAndSerialize().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #collectAndSerialize(): Promise<string> {
    const { resourceMetrics, errors } = await this.collect();
    // A failing callback must not cost the scrape what the others observed.
    for (const error of errors) this.#onError(error);
    const text = this.#serializer.serialize(resourceMetrics);
    return text === '# no registered metrics' ? '' : text;
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
