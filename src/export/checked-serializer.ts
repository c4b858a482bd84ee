/**
 * The Prometheus text of a collection, written by our fast writer (prometheus-text.ts) and, when
 * asked, held byte for byte to the package's PrometheusSerializer, which the fast writer claims
 * to equal. The claim rests on the SDK's data shapes and the package's output, and either can
 * change with an upgrade; the package's serializer is slower but is the reference, so on the
 * first difference it serves from then on. When to check is the caller's call (a check costs
 * one more serialisation). Knows nothing of EcoFlow.
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PrometheusText } from './prometheus-text.js';

/** Where the two texts first differ: enough for a log line, never the whole body. */
export interface SerializerMismatch {
  /** The first byte that differs, from the start of the body. */
  offset: number;
  /** The line that byte is on, from 1. */
  line: number;
  /** That line as our writer wrote it, cut to LINE_CHARS characters. */
  ours: string;
  /** That line as the package's serializer wrote it, cut the same. */
  theirs: string;
}

const LINE_CHARS = 200;

export class CheckedSerializer {
  /** Gone once it differed: its caches are of no more use. */
  #fast: PrometheusText | undefined = new PrometheusText();
  // What prometheus-text.ts reproduces: no timestamps, no target_info, no otel_scope labels.
  readonly #reference = new PrometheusSerializer(undefined, false, undefined, true, true);
  readonly #onMismatch: (mismatch: SerializerMismatch) => void;

  /** `onMismatch`: told once, on the difference that makes the package's serializer serve. */
  constructor(options: { onMismatch?: (mismatch: SerializerMismatch) => void } = {}) {
    this.#onMismatch = options.onMismatch ?? (() => {});
  }

  /**
   * `check`: also write the text with the package's serializer and compare. The body stays as it
   * is until it is given back with release().
   */
  serialize(resourceMetrics: ResourceMetrics, check = false): Buffer {
    if (!this.#fast) return Buffer.from(this.#reference.serialize(resourceMetrics), 'utf8');
    const body = this.#fast.serialize(resourceMetrics);
    if (!check) return body;
    const expected = Buffer.from(this.#reference.serialize(resourceMetrics), 'utf8');
    if (body.equals(expected)) return body;
    this.#fast = undefined;
    this.#onMismatch(firstDifference(body, expected));
    return expected;
  }

  /** Nothing reads `body` (one serialize() returned) any more: our writer may write its buffer again. */
  release(body: Buffer): void {
    this.#fast?.release(body);
  }
}

function firstDifference(ours: Buffer, theirs: Buffer): SerializerMismatch {
  const shorter = Math.min(ours.length, theirs.length);
  let offset = 0;
  while (offset < shorter && ours[offset] === theirs[offset]) offset++;
  // The bytes before `offset` are the same in both: so is where its line starts.
  const lineStart = offset === 0 ? 0 : ours.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = ours.indexOf(0x0a); i !== -1 && i < lineStart; i = ours.indexOf(0x0a, i + 1)) line++;
  return { offset, line, ours: lineAt(ours, lineStart), theirs: lineAt(theirs, lineStart) };
}

function lineAt(text: Buffer, start: number): string {
  const end = text.indexOf(0x0a, start);
  return text
    .subarray(start, end === -1 ? text.length : end)
    .toString('utf8')
    .slice(0, LINE_CHARS);
}
