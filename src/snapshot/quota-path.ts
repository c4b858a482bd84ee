/**
 * Paths into quota values, and the walk over them. Most quota values are flat (`pd.soc` → 46),
 * but some models nest objects and arrays under one key (PowerOcean `pcsAPhase` → `{vol, …}`,
 * Smart Home Panel `heartbeat.energyInfos` → `[{…}]`); a path reaches inside with `.name` and
 * `[index]`, as in `heartbeat.energyInfos[0].outputPower`. Only own properties are followed, so
 * a path naming `constructor` or an inherited `__proto__` reads nothing. EcoFlow's request
 * signing names nested parameters the same way (src/ecoflow/signing.ts walks them here).
 */

/** A step into a value: a property name (string) or an array index (number). */
export type PathSegment = string | number;

const DOT = 0x2e;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * The segments of `path` from `start`: `a.b[0].c` → `['a', 'b', 0, 'c']`. Names are runs of
 * anything but `.`, `[` and `]`; indexes are `[digits]`. Stray separators are skipped rather
 * than refused (`a..b` is `a.b`, `[x]` is the name `x`): table keys are checked by a test, and
 * a lookup must not throw at run time.
 */
export function parsePath(path: string, start = 0): PathSegment[] {
  const out: PathSegment[] = [];
  const n = path.length;
  let i = start;
  while (i < n) {
    const c = path.charCodeAt(i);
    if (c === DOT || c === CLOSE) {
      i++;
    } else if (c === OPEN) {
      let j = i + 1;
      while (j < n && isDigit(path.charCodeAt(j))) j++;
      if (j > i + 1 && j < n && path.charCodeAt(j) === CLOSE) {
        out.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      } else i++;
    } else {
      let j = i + 1;
      while (j < n && !isSeparator(path.charCodeAt(j))) j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isSeparator(c: number): boolean {
  return c === DOT || c === OPEN || c === CLOSE;
}

/** `path` one segment further: `a` and `b` → `a.b`, `a` and 0 → `a[0]`. */
export function appendSegment(path: string, segment: PathSegment): string {
  return typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${segment}`;
}

/**
 * The value at `path` inside `value`, or undefined. A name steps into an object's own property
 * only (never an array's, never an inherited one), an index into an array only.
 */
export function readPath(value: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let node = value;
  for (let i = 0; i < segments.length; i++) {
    if (node === null || typeof node !== 'object') return undefined;
    const s = segments[i]!;
    if (typeof s === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[s];
    } else {
      if (Array.isArray(node) || !Object.hasOwn(node, s)) return undefined;
      node = (node as Record<string, unknown>)[s];
    }
  }
  return node;
}

/**
 * What a walk over the leaves of a value does. Each leaf comes with `at`, which starts as the
 * walk's `start` and goes through `step` once per segment on the way down, so a caller builds
 * what it needs of the path once per container rather than once per leaf (`appendSegment` builds
 * the path itself: `key.b[0]`); with `segments`, one array reused for the whole walk (read it
 * during the call, copy it to keep it); and with the walk's `context`. Constant walks plus a
 * context keep callers on the hot path free of a closure per call.
 */
export interface LeafWalk<P, C> {
  step(at: P, segment: PathSegment): P;
  leaf(value: unknown, at: P, segments: readonly PathSegment[], context: C): void;
  /**
   * Nodes nested deeper than this are not visited, leaves or not (the value itself is depth 0).
   * Default: no bound; a bound keeps the recursion safe on values from the network.
   */
  maxDepth?: number;
  /** Whether an empty array or object is a leaf of its own (default) or nothing at all. */
  emptyContainersAreLeaves?: boolean;
}

const NO_SEGMENTS: readonly PathSegment[] = [];

/**
 * Calls `walk.leaf` for every leaf of `value` (anything not a non-empty array or object:
 * numbers, strings, null, …) in key order; `value` itself is the one leaf if it is not a
 * container. Only own enumerable keys are followed; array holes are skipped.
 */
export function visitLeaves<P, C>(value: unknown, start: P, walk: LeafWalk<P, C>, context: C): void {
  const maxDepth = walk.maxDepth ?? Infinity;
  // Most quota values are flat: no stack to allocate for them.
  if (value === null || typeof value !== 'object') {
    if (maxDepth >= 0) walk.leaf(value, start, NO_SEGMENTS, context);
    return;
  }
  visitNode(value, start, 0, [], walk, context, maxDepth, walk.emptyContainersAreLeaves ?? true);
}

function visitNode<P, C>(
  value: unknown,
  at: P,
  depth: number,
  segments: PathSegment[],
  walk: LeafWalk<P, C>,
  context: C,
  maxDepth: number,
  emptyIsLeaf: boolean,
): void {
  if (depth > maxDepth) return;
  if (value === null || typeof value !== 'object') {
    walk.leaf(value, at, segments, context);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      if (emptyIsLeaf) walk.leaf(value, at, segments, context);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      segments.push(i);
      visitNode(value[i], walk.step(at, i), depth + 1, segments, walk, context, maxDepth, emptyIsLeaf);
      segments.pop();
    }
  } else {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      if (emptyIsLeaf) walk.leaf(value, at, segments, context);
      return;
    }
    for (const k of keys) {
      segments.push(k);
      visitNode((value as Record<string, unknown>)[k], walk.step(at, k), depth + 1, segments, walk, context, maxDepth, emptyIsLeaf);
      segments.pop();
    }
  }
}

/**
 * Whether a value written under `key` holds `path`: the key itself, or a value nesting it
 * (`heartbeat` holds `heartbeat.energyInfos[0].watts`).
 */
export function holds(key: string, path: string): boolean {
  return path === key || (path.startsWith(key) && (path[key.length] === '.' || path[key.length] === '['));
}
