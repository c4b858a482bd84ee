/**
 * For the series producers' own tests, which look at what a producer derived before any
 * SnapshotGauges collects it: a device record made by a real QuotaSnapshot, a GaugeRegistry that
 * remembers each gauge's name and options, a producer's output keyed the way an exposition shows
 * it, and that output rendered by a real SDK meter and Prometheus reader.
 */
import type { BatchObservableCallback, MetricOptions, ObservableGauge } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { DEVICE_LABELS } from '../../src/catalog/catalog.js';
import { PrometheusReader } from '../../src/export/prometheus-reader.js';
import { GaugeRegistry, type SeriesGroups } from '../../src/metrics/series-producer.js';
import { type DeviceIdentity, type DeviceRecord, QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';

/** A GaugeRegistry that can say which name each of its gauges has. */
export class NamedGauges extends GaugeRegistry {
  readonly #names = new Map<ObservableGauge, string>();
  /** The options each name was first asked with: what the instrument was made with. */
  readonly options = new Map<string, MetricOptions>();

  override gauge(name: string, options: MetricOptions): ObservableGauge {
    const gauge = super.gauge(name, options);
    if (!this.#names.has(gauge)) {
      this.#names.set(gauge, name);
      this.options.set(name, options);
    }
    return gauge;
  }

  nameOf(gauge: ObservableGauge): string {
    const name = this.#names.get(gauge);
    if (name === undefined) throw new Error('a gauge this registry did not make');
    return name;
  }

  /** Every gauge's name, in the order they were made. */
  names(): string[] {
    return this.all().map((gauge) => this.nameOf(gauge));
  }
}

/** One derived series, without its gauge and labels (they are in its key). */
export interface Derived {
  value: number;
  updatedAt: number;
  rest?: true;
}

const DEVICE_LABEL_NAMES: ReadonlySet<string> = new Set(DEVICE_LABELS);

/**
 * `out` by series: `name`, or `name{label="v",…}` with the labels beyond the device's three (a
 * test checks those once per producer). Two series under one key throw: the SDK would keep one.
 */
export function derived(gauges: NamedGauges, out: SeriesGroups): Record<string, Derived> {
  const byKey: Record<string, Derived> = {};
  for (const series of out.values()) {
    for (const s of series) {
      const extra = Object.entries(s.attributes).filter(([label]) => !DEVICE_LABEL_NAMES.has(label));
      const name = gauges.nameOf(s.gauge);
      const key = extra.length === 0 ? name : `${name}{${extra.map(([label, value]) => `${label}="${String(value)}"`).join(',')}}`;
      if (Object.hasOwn(byKey, key)) throw new Error(`two series ${key}`);
      byKey[key] = { value: s.value, updatedAt: s.updatedAt, ...(s.rest && { rest: s.rest }) };
    }
  }
  return byKey;
}

/** Every series of `out`, for checks that hold for all of them. */
export function allSeries(out: SeriesGroups) {
  return [...out.values()].flat();
}

/**
 * A device as the snapshot records it: listed (online unless said otherwise), then, when
 * `quotas` are given, one REST read of them at `at`. The record is the snapshot's own: later
 * writes to `snapshot` change it, as they change what the producers are handed.
 */
export function recordIn(
  identity: DeviceIdentity & { online?: boolean },
  quotas?: Record<string, unknown>,
  at = 1_000,
): { snapshot: QuotaSnapshot; device: DeviceRecord } {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ online: true, ...identity }]);
  if (quotas) snapshot.replaceQuotas(identity.sn, quotas, at);
  return { snapshot, device: snapshot.get(identity.sn)! };
}

/**
 * A real SDK meter read by our Prometheus reader, the gauges on it, and the exposition of some
 * producers' outputs: one batch callback observes every series of `outs` (as SnapshotGauges
 * would, without its staleness rule) for one collection.
 */
export function producerWorld() {
  const reader = new PrometheusReader({ cardinalityLimit: 10_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const gauges = new NamedGauges(meter);
  const render = async (...outs: SeriesGroups[]): Promise<string> => {
    const observe: BatchObservableCallback = (result) => {
      for (const out of outs) for (const s of allSeries(out)) result.observe(s.gauge, s.value, s.attributes);
    };
    const bound = gauges.all();
    meter.addBatchObservableCallback(observe, bound);
    try {
      return await reader.render();
    } finally {
      meter.removeBatchObservableCallback(observe, bound);
    }
  };
  return { gauges, render, stop: () => provider.shutdown() };
}
