import { diag, type Attributes } from '@opentelemetry/api';
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * The Prometheus text format of one collection, byte for byte what the package's
 * PrometheusSerializer writes (without target_info, scope labels or timestamps, as we configure
 * it), at a fraction of the cost: a metric's HELP/UNIT/TYPE header is built once per
 * instrument, a series' label text once per attributes object. Both are safe to keep: the SDK
 * hands back, collection after collection, the very descriptor and the very attributes object
 * (for our observable gauges, the one the callback passed), and a changed description comes with
 * a new descriptor. Knows nothing of EcoFlow.
 */
export class PrometheusText {
  readonly #headers = new WeakMap<object, { name: string; header: string } | null>();
  readonly #labels = new WeakMap<Attributes, string>();

  serialize(resourceMetrics: ResourceMetrics): string {
    let out = '';
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) out += this.#metric(metric);
    }
    return out;
  }

  #metric(metric: MetricData): string {
    const head = this.#header(metric);
    if (!head) return '';
    let out = head.header;
    const { name } = head;
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      for (const point of metric.dataPoints) out += this.#histogram(name, point.attributes, point.value);
    } else if (metric.dataPointType === DataPointType.GAUGE || metric.dataPointType === DataPointType.SUM) {
      for (const point of metric.dataPoints) out += `${name}${this.#braced(point.attributes)} ${valueString(point.value)}\n`;
    } else {
      diag.error(`Unrecognizable DataPointType: ${(metric as MetricData).dataPointType} for metric "${name}"`);
    }
    return out;
  }

  #histogram(name: string, attributes: Attributes, h: Histogram): string {
    const braced = this.#braced(attributes);
    let out = '';
    if (h.count != null) out += `${name}_count${braced} ${valueString(h.count)}\n`;
    if (h.sum != null) out += `${name}_sum${braced} ${valueString(h.sum)}\n`;
    const inner = braced === '' ? '' : `${braced.slice(1, -1)},`;
    let cumulative = 0;
    let infinityBound = false;
    const { counts, boundaries } = h.buckets;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i]!;
      const bound = boundaries[i];
      if (bound === undefined && infinityBound) break;
      if (bound === Infinity) infinityBound = true;
      const le = bound === undefined || bound === Infinity ? '+Inf' : String(bound);
      out += `${name}_bucket{${inner}le="${le}"} ${valueString(cumulative)}\n`;
    }
    return out;
  }

  /** `{k="v",…}`, or '' without attributes. */
  #braced(attributes: Attributes): string {
    let text = this.#labels.get(attributes);
    if (text === undefined) {
      const parts: string[] = [];
      for (const [key, value] of Object.entries(attributes)) parts.push(`${sanitizeName(key)}="${escapeLabelValue(value)}"`);
      text = parts.length === 0 ? '' : `{${parts.join(',')}}`;
      this.#labels.set(attributes, text);
    }
    return text;
  }

  #header(metric: MetricData): { name: string; header: string } | null {
    let head = this.#headers.get(metric.descriptor);
    if (head !== undefined) return head;
    let name = sanitizeName(escapeText(metric.descriptor.name));
    if (name === '' || name === '_') {
      diag.error(`Normalization for metric "${metric.descriptor.name}" resulted in an invalid name: "${name}"`);
      head = null;
    } else {
      if (name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
      const counter = metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
      if (counter && !name.endsWith('_total')) name += '_total';
      const unit = metric.descriptor.unit ? `# UNIT ${name} ${escapeText(metric.descriptor.unit)}\n` : '';
      const help = `# HELP ${name} ${escapeText(metric.descriptor.description || 'description missing')}\n`;
      head = { name, header: `${help}${unit}# TYPE ${name} ${prometheusType(metric)}\n` };
    }
    this.#headers.set(metric.descriptor, head);
    return head;
  }
}

function prometheusType(metric: MetricData): string {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: unknown = ''): string {
  return escapeText(typeof value === 'string' ? value : JSON.stringify(value)).replace(/"/g, '\\"');
}

function sanitizeName(name: string): string {
  return name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
}

function valueString(value: number): string {
  return value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : `${value}`;
}
