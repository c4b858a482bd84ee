/**
 * Which device metrics the user wants exported: RAW_METRICS, and METRICS_INCLUDE /
 * METRICS_EXCLUDE globs on the exported name (prefix included, as in /metrics). Device state
 * (online, device_info, the last-update time) and the exporter's own metrics are not the
 * selection's to drop: their producers never ask.
 */

/** What kind of device metric a name is: the raw switch applies to `raw` only. */
export type MetricKind = 'raw' | 'unified' | 'energy';

export interface MetricSelectionOptions {
  /** RAW_METRICS: false leaves every raw metric out, whatever the include list says. */
  raw: boolean;
  include: readonly string[];
  exclude: readonly string[];
}

/** A pattern as the user wrote it, and what it became. */
export interface MetricPattern {
  text: string;
  /** Undefined: not a valid glob, so it matches nothing (the start-up log names it). */
  regex: RegExp | undefined;
}

export class MetricSelection {
  readonly raw: boolean;
  readonly include: readonly MetricPattern[];
  readonly exclude: readonly MetricPattern[];
  readonly #include: readonly RegExp[];
  readonly #exclude: readonly RegExp[];

  constructor(options: MetricSelectionOptions) {
    this.raw = options.raw;
    this.include = options.include.map(compile);
    this.exclude = options.exclude.map(compile);
    this.#include = valid(this.include);
    this.#exclude = valid(this.exclude);
  }

  /** Everything, as before there was a selection. */
  static get everything(): MetricSelection {
    return new MetricSelection({ raw: true, include: [], exclude: [] });
  }

  /** Exclude wins over include; an empty include list (or one with only invalid patterns) takes every name. */
  selects(name: string, kind: MetricKind): boolean {
    if (kind === 'raw' && !this.raw) return false;
    if (this.#include.length > 0 && !this.#include.some((re) => re.test(name))) return false;
    return !this.#exclude.some((re) => re.test(name));
  }

  /** True when nothing is left out: the producers can skip asking. */
  get isEverything(): boolean {
    return this.raw && this.#include.length === 0 && this.#exclude.length === 0;
  }
}

/**
 * Shell-style globs over metric names: `*` any run, `?` one character, `[abc]` / `[a-z]` /
 * `[!abc]` a class. Anything else must be a character a metric name may hold, so that a typo
 * such as a regex (`ecoflow_.+`) or a PromQL selector is reported rather than silently matching
 * nothing.
 */
function compile(text: string): MetricPattern {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = text.indexOf(']', i + 2);
      if (end < 0) return { text, regex: undefined };
      let body = text.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '' || !/^[a-zA-Z0-9_:-]+$/.test(body)) return { text, regex: undefined };
      source += `[${negated ? '^' : ''}${body}]`;
      i = end;
    } else if (/[a-zA-Z0-9_:]/.test(c)) source += c;
    else return { text, regex: undefined };
  }
  if (source === '') return { text, regex: undefined };
  try {
    return { text, regex: new RegExp(`^${source}$`) };
  } catch {
    // A class range out of order (`[z-a]`).
    return { text, regex: undefined };
  }
}

function valid(patterns: readonly MetricPattern[]): RegExp[] {
  return patterns.flatMap((p) => (p.regex ? [p.regex] : []));
}
