/**
 * A meter whose SDK side can be thrown away and built again.
 *
 * sdk-metrics remembers every attribute set an observable instrument ever reported (the
 * "cumulative memo" of its DeltaMetricProcessor, never cleaned), so the series of devices and
 * keys that went away stay in memory for as long as the MeterProvider lives. The readers that
 * export (Prometheus, OTLP) stay bound to the main provider and take this one's metrics as an
 * extra producer: renewing it drops the memory of gone series and nothing the readers keep,
 * such as the self-metrics' counters.
 */
import type { Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type CollectionResult, type MetricCollectOptions, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { gaugesDelta } from './temporality.js';

interface Side {
  provider: MeterProvider;
  reader: MetricReader;
  meter: Meter;
}

/** Renewed by the renewal policy's owner (ChurnBoundedGauges, EnergyCounters); collected by the readers as a producer. */
export class RenewableMeter implements MetricProducer {
  readonly #name: string;
  readonly #version: string;
  readonly #cardinalityLimit: number;
  readonly #onRenewal: ((released: number) => void) | undefined;
  #side: Side;
  #closed = false;

  /** `onRenewal`: told after each renewal, with how many gone series it let go of. */
  constructor(options: { name: string; version: string; cardinalityLimit: number; onRenewal?: (released: number) => void }) {
    this.#name = options.name;
    this.#version = options.version;
    this.#cardinalityLimit = options.cardinalityLimit;
    this.#onRenewal = options.onRenewal;
    this.#side = this.#build();
  }

  get meter(): Meter {
    return this.#side.meter;
  }

  /**
   * Builds a fresh SDK side, has `fill` register the instruments on it and switches collection
   * over. `fill` runs synchronously, so no collection sees a side half filled. When to renew is
   * the renewal policy's call (renewal-policy.ts); `released`: the gone series it lets go of.
   */
  renew(fill: (meter: Meter) => void, released: number): void {
    const next = this.#build();
    fill(next.meter);
    const old = this.#side;
    this.#side = next;
    old.provider.shutdown().catch(() => {});
    this.#onRenewal?.(released);
  }

  /**
   * Both exporting readers collect through the one reader of the side. That is safe because a
   * collection runs its callbacks and drains the storage without yielding to other tasks, so
   * two collections never interleave.
   */
  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    // A last OTLP push may come after shutdown (App.stop() does not wait for it forever).
    if (this.#closed) return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [] }, errors: [] };
    return this.#side.reader.collect(options);
  }

  shutdown(): Promise<void> {
    this.#closed = true;
    return this.#side.provider.shutdown();
  }

  #build(): Side {
    const reader = new ProducerReader(this.#cardinalityLimit);
    const provider = new MeterProvider({ readers: [reader] });
    return { provider, reader, meter: provider.getMeter(this.#name, this.#version) };
  }
}

/**
 * The one reader of a renewable side. Delta temporality for observable gauges, for the reason
 * given in temporality.ts; what the exporting readers ask for does not reach it, and a
 * gauge's value is the same either way.
 */
class ProducerReader extends MetricReader {
  constructor(cardinalityLimit: number) {
    super({ aggregationTemporalitySelector: (type) => gaugesDelta(type), cardinalitySelector: () => cardinalityLimit });
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
