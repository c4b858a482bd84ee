import { diag, type Attributes } from '@opentelemetry/api';
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * The Prometheus text format of one collection, byte for byte what the package's
 * PrometheusSerializer writes (without target_info, scope labels or timestamps, as we configure
 * it), at a fraction of the cost: written straight into one Buffer, from a metric's
 * HELP/UNIT/TYPE header and name encoded once per instrument and a series' label text made once
 * per attributes object. Both are safe to keep: the SDK hands back, collection after collection,
 * the very descriptor and the very attributes object (for our observable gauges, the one the
 * callback passed), and a changed description comes with a new descriptor.
 *
 * Label texts are kept as strings, not encoded: a Buffer per series costs more than its bytes
 * (an object and a slab share each), and copying a string in is about as fast. Bodies are written
 * into a buffer that is used again once its last reader is done with it (release()), so that a
 * scrape of a fleet does not leave megabytes for the garbage collector each time
 * (CONTRIBUTING.md, "Where the memory of a fleet goes"). Knows nothing of EcoFlow.
 */
export class PrometheusText {
  readonly #headers = new WeakMap<object, Head | null>();
  readonly #labels = new WeakMap<Attributes, string>();
  /** Buffers this writer made: only those may be written again. */
  readonly #own = new WeakSet<ArrayBuffer>();
  /** A buffer no body is read from any more, to write the next one into. */
  #spare: Buffer | undefined;
  #out: Buffer = EMPTY;
  #at = 0;
  /** The last body's length: where a new buffer starts, so that it rarely grows while written. */
  #lastLength = 0;

  /**
   * The text of `resourceMetrics`. The body is not copied: it stays as it is until it is given
   * back with release(), and after that it may be overwritten.
   */
  serialize(resourceMetrics: ResourceMetrics): Buffer {
    this.#out = this.#spare ?? this.#allocate(this.#lastLength + (this.#lastLength >> 2));
    this.#spare = undefined;
    this.#at = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) this.#metric(metric);
    }
    this.#lastLength = this.#at;
    const body = this.#out.subarray(0, this.#at);
    this.#out = EMPTY;
    return body;
  }

  /** Nothing reads `body` (a body of serialize()) any more: its buffer takes the next one. */
  release(body: Buffer): void {
    if (!this.#own.has(body.buffer as ArrayBuffer)) return;
    if (this.#spare && this.#spare.length >= body.buffer.byteLength) return;
    this.#spare = Buffer.from(body.buffer as ArrayBuffer);
  }

  #allocate(bytes: number): Buffer {
    // Never from Node's shared pool: the buffer is written again, and only its own bodies may be in it.
    const buffer = Buffer.allocUnsafeSlow(Math.max(MIN_BUFFER, bytes));
    this.#own.add(buffer.buffer as ArrayBuffer);
    return buffer;
  }

  #metric(metric: MetricData): void {
    const head = this.#header(metric);
    if (!head) return;
    this.#put(head.header);
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      for (const point of metric.dataPoints) this.#text(this.#histogram(head.text, point.attributes, point.value));
    } else if (metric.dataPointType === DataPointType.GAUGE || metric.dataPointType === DataPointType.SUM) {
      for (const point of metric.dataPoints) {
        this.#put(head.name);
        this.#text(this.#bracedText(point.attributes));
        this.#ascii(` ${valueString(point.value)}\n`);
      }
    } else {
      diag.error(`Unrecognizable DataPointType: ${(metric as MetricData).dataPointType} for metric "${head.text}"`);
    }
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#out.length) return;
    const bigger = this.#allocate(Math.max(this.#out.length * 2, this.#at + bytes));
    this.#out.copy(bigger, 0, 0, this.#at);
    this.#out = bigger;
  }

  #put(bytes: Buffer): void {
    this.#room(bytes.length);
    bytes.copy(this.#out, this.#at);
    this.#at += bytes.length;
  }

  /** Numbers and their separators: one byte a character. */
  #ascii(text: string): void {
    this.#room(text.length);
    this.#at += this.#out.write(text, this.#at, 'latin1');
  }

  #text(text: string): void {
    // Three bytes a UTF-16 unit at most: cheaper than counting them first.
    this.#room(text.length * 3);
    this.#at += this.#out.write(text, this.#at, 'utf8');
  }

  #histogram(name: string, attributes: Attributes, h: Histogram): string {
    const braced = this.#bracedText(attributes);
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

  /** `{k="v",…}`, or empty without attributes. */
  #bracedText(attributes: Attributes): string {
    let text = this.#labels.get(attributes);
    if (text === undefined) {
      const parts: string[] = [];
      for (const [key, value] of Object.entries(attributes)) parts.push(`${sanitizeName(key)}="${escapeLabelValue(value)}"`);
      text = parts.length === 0 ? '' : `{${parts.join(',')}}`;
      this.#labels.set(attributes, text);
    }
    return text;
  }

  #header(metric: MetricData): Head | null {
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
      head = { text: name, name: Buffer.from(name, 'utf8'), header: Buffer.from(`${help}${unit}# TYPE ${name} ${prometheusType(metric)}\n`, 'utf8') };
    }
    this.#headers.set(metric.descriptor, head);
    return head;
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
/** Where the first buffer starts: a one-device body is about 90 kB. */
const MIN_BUFFER = 64 * 1024;

interface Head {
  text: string;
  name: Buffer;
  header: Buffer;
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
