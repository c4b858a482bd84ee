import { MetricReader, type MetricProducer, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { gaugesDelta } from '../otel/temporality.js';
import { gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { CheckedSerializer, type SerializerMismatch } from './checked-serializer.js';

const gzipAsync = promisify(gzip);

/**
 * Bodies up to this size are gzipped in line, larger ones on libuv's thread pool. At level 1 a
 * small fleet's body (90 kB for one device of the bench's mix, 1 MiB for about two dozen) takes
 * a few milliseconds at most, less than the collection that made it; the hop to the pool let
 * the event loop run in between, and the garbage collector's queued tasks (incremental marking,
 * weak callbacks) then ran inside the scrape: at one device p99 17–20 ms with the hop against
 * 9–10 ms in line, the slowest scrapes each holding 8–12 ms of collector work (CONTRIBUTING.md,
 * "What sets the floor at one device"). A large fleet's megabytes stay off the event loop.
 */
export const GZIP_IN_LINE_BYTES = 1024 * 1024;

/** One rendered exposition, shared by every scrape of its generation. */
export interface Exposition {
  /**
   * As it is while the exposition may be shared (SHARE_MS), and after that while someone holds
   * it: a later collection writes its buffer again once nobody does.
   */
  body: Buffer;
  /** The body gzipped, made once on first demand (off the event loop above GZIP_IN_LINE_BYTES). */
  gzip(): Promise<Buffer>;
  /**
   * Keeps the body as it is until the function returned is called (a second call does
   * nothing). Only while the body is still held or shared: after that it throws.
   */
  hold(): () => void;
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
 * A pull reader that renders the Prometheus text format on demand.
 *
 * Why not the package's PrometheusExporter: it asks for cumulative temporality for every
 * instrument, and observable gauges need delta here (otel/temporality.ts).
 */
export class PrometheusReader extends MetricReader {
  readonly #serializer: CheckedSerializer;
  #checkPending = true;
  #inFlight: Promise<Exposition> | undefined;
  #last: { exposition: Exposition; doneAt: number; shareMs: number } | undefined;

  readonly #onError: (error: unknown) => void;

  /**
   * `onError`: each error a collection reports (a throwing callback). `onSerializerMismatch`:
   * once, if our text ever differs from the package serializer's, which then serves for good.
   */
  constructor(options: {
    cardinalityLimit: number;
    metricProducers?: MetricProducer[];
    onError?: (error: unknown) => void;
    onSerializerMismatch?: (mismatch: SerializerMismatch) => void;
  }) {
    super({
      aggregationTemporalitySelector: (type) => gaugesDelta(type),
      cardinalitySelector: () => options.cardinalityLimit,
      metricProducers: options.metricProducers,
    });
    this.#onError = options.onError ?? (() => {});
    this.#serializer = new CheckedSerializer({ onMismatch: options.onSerializerMismatch });
  }

  /**
   * Hold the next collection's text to the package serializer's, as the first one is. Call it
   * when the SDK's data may have changed shape (a renewed SDK side): between two calls, scrapes
   * pay for one serialisation only.
   */
  checkNextCollection(): void {
    this.#checkPending = true;
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
    // Taken before collecting: a renewal while this collection runs may come after its side was read.
    let check = this.#checkPending;
    this.#checkPending = false;
    const { resourceMetrics, errors } = await this.collect();
    // A failing callback must not cost the scrape what the others observed.
    for (const error of errors) this.#onError(error);
    if (check && !hasMetrics(resourceMetrics)) {
      // Nothing to compare (the package writes a placeholder comment, we an empty body): the next one.
      check = false;
      this.#checkPending = true;
    }
    const body = this.#serializer.serialize(resourceMetrics, check);
    // Readers of the body: the share window below, a gzip under way, a response being sent.
    let readers = 0;
    let letGo = false;
    const hold = () => {
      // Its buffer may hold a later body by now: reading it would be reading that one.
      if (letGo) throw new Error("this exposition's body was let go: hold it while it is shared");
      readers++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (--readers > 0) return;
        letGo = true;
        this.#serializer.release(body);
      };
    };
    const shared = hold();
    let zipped: Promise<Buffer> | undefined;
    const gzip = () => {
      if (zipped) return zipped;
      if (letGo) return Promise.reject(new Error("this exposition's body was let go: gzip it while it is shared"));
      if (body.length <= GZIP_IN_LINE_BYTES) {
        try {
          zipped = Promise.resolve(gzipSync(body, { level: 1 }));
        } catch (err) {
          zipped = Promise.reject(err);
        }
        return zipped;
      }
      const reading = hold();
      return (zipped = gzipAsync(body, { level: 1 }).finally(reading));
    };
    const exposition: Exposition = { body, collectedAt, gzip, hold };
    const doneAt = performance.now();
    const last = { exposition, doneAt, shareMs: Math.max(SHARE_MS, doneAt - started) };
    this.#last = last;
    // Kept only as long as it may be shared: a fleet's body is megabytes.
    setTimeout(() => {
      if (this.#last === last) this.#last = undefined;
      shared();
    }, Math.ceil(last.shareMs) + 1).unref();
    return exposition;
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function hasMetrics(resourceMetrics: ResourceMetrics): boolean {
  return resourceMetrics.scopeMetrics.some((scope) => scope.metrics.length > 0);
}
