import { AggregationTemporality, InstrumentType, MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { PrometheusText } from './prometheus-text.js';

const gzipAsync = promisify(gzip);

/** One rendered exposition, shared by every scrape of its generation. */
export interface Exposition {
  body: Buffer;
  /** The body gzipped, made once on first demand, off the event loop. */
  gzip(): Promise<Buffer>;
  /** Epoch ms the collection ran. */
  collectedAt: number;
}

/**
 * How long a finished body serves the scrapes that come after it, at least. Far below any
 * scrape interval, so no scraper sees the same body twice; what it shows is at most this much
 * older than a fresh collection's.
 */
export const SHARE_MS = 100;

/**
 * Observable gauges delta, everything else cumulative: see PrometheusReader. Exported for the
 * straightforward path the tests and the bench compare with.
 */
export const prometheusTemporality = (type: InstrumentType): AggregationTemporality =>
  type === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;

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
  readonly #serializer = new PrometheusText();
  #inFlight: Promise<Exposition> | undefined;
  #last: { exposition: Exposition; doneAt: number; shareMs: number } | undefined;

  readonly #onError: (error: unknown) => void;

  constructor(options: { cardinalityLimit: number; metricProducers?: MetricProducer[]; onError?: (error: unknown) => void }) {
    super({
      aggregationTemporalitySelector: prometheusTemporality,
      cardinalitySelector: () => options.cardinalityLimit,
      metricProducers: options.metricProducers,
    });
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * The exposition as text, from a collection that starts now or is under way (with delta
   * temporality two interleaved collections would split the observations between them).
   */
  async render(): Promise<string> {
    return (await this.#collection()).body.toString('utf8');
  }

  /**
   * What a scrape gets: like render(), and also a collection finished no longer ago than it
   * took, or than SHARE_MS. Collecting blocks the event loop, so scrapers that asked together
   * are only read once it is over; without this they would wait for one collection each, in a
   * row. Scrapers a few milliseconds apart (an HA pair of Prometheus servers, a dashboard
   * refreshing next to them) get the same body too, instead of a collection each.
   */
  exposition(): Promise<Exposition> {
    const last = this.#last;
    if (!this.#inFlight && last && performance.now() - last.doneAt <= last.shareMs) return Promise.resolve(last.exposition);
    return this.#collection();
  }

  #collection(): Promise<Exposition> {
    this.#inFlight ??= this.#collectAndSerialize().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #collectAndSerialize(): Promise<Exposition> {
    const started = performance.now();
    const collectedAt = Date.now();
    const { resourceMetrics, errors } = await this.collect();
    // A failing callback must not cost the scrape what the others observed.
    for (const error of errors) this.#onError(error);
    const body = this.#serializer.serialize(resourceMetrics);
    let zipped: Promise<Buffer> | undefined;
    const exposition: Exposition = { body, collectedAt, gzip: () => (zipped ??= gzipAsync(body, { level: 1 })) };
    const doneAt = performance.now();
    const last = { exposition, doneAt, shareMs: Math.max(SHARE_MS, doneAt - started) };
    this.#last = last;
    // Kept only as long as it may be shared: a fleet's body is megabytes.
    setTimeout(() => {
      if (this.#last === last) this.#last = undefined;
    }, Math.ceil(last.shareMs) + 1).unref();
    return exposition;
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
