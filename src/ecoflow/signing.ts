/**
 * EcoFlow Open API request signing, as the official "HTTP access steps" describe it:
 * parameters are flattened (objects as `a.b`, arrays as `a[0]`: the paths of quota-path.ts),
 * sorted by key in ASCII order, joined as `k=v` with `&`, then `accessKey`, `nonce` and
 * `timestamp` are appended unsorted and the string is HMAC-SHA256'd with the secret key. Values
 * go in raw, without URL encoding.
 */
import { createHmac } from 'node:crypto';
import { appendSegment, type LeafWalk, visitLeaves } from '../snapshot/quota-path.js';

export interface SigningInput {
  params?: Record<string, unknown>;
  accessKey: string;
  nonce: string;
  timestamp: string;
}

/** Every leaf as `[path, value]`; an undefined value, or an empty array or object, gives none. */
const PAIRS: LeafWalk<string, Array<[string, string]>> = {
  step: appendSegment,
  leaf: (value, path, _, out) => {
    if (value !== undefined) out.push([path, String(value)]);
  },
  emptyContainersAreLeaves: false,
};

function flattenParams(params: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(params)) visitLeaves(v, k, PAIRS, out);
  // ASCII order, as the docs require; localeCompare would not be.
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stringToSign(input: SigningInput): string {
  const pairs = flattenParams(input.params ?? {}).map(([k, v]) => `${k}=${v}`);
  pairs.push(`accessKey=${input.accessKey}`, `nonce=${input.nonce}`, `timestamp=${input.timestamp}`);
  return pairs.join('&');
}

export function sign(input: SigningInput, secretKey: string): string {
  return createHmac('sha256', secretKey).update(stringToSign(input), 'utf8').digest('hex');
}
