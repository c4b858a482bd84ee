import { createHmac } from 'node:crypto';

/**
 * EcoFlow Open API request signing, as the official "HTTP access steps" describe it:
 * parameters are flattened (objects as `a.b`, arrays as `a[0]`), sorted by key in ASCII order,
 * joined as `k=v` with `&`, then `accessKey`, `nonce` and `timestamp` are appended unsorted and
 * the string is HMAC-SHA256'd with the secret key. Values go in raw, without URL encoding.
 */
export interface SigningInput {
  params?: Record<string, unknown>;
  accessKey: string;
  nonce: string;
  timestamp: string;
}

export function flattenParams(params: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${prefix}[${i}]`, item));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    } else if (value !== undefined) {
      out.push([prefix, String(value)]);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  // ASCII order, as the docs require; localeCompare would not be.
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function stringToSign(input: SigningInput): string {
  const pairs = flattenParams(input.params ?? {}).map(([k, v]) => `${k}=${v}`);
  pairs.push(`accessKey=${input.accessKey}`, `nonce=${input.nonce}`, `timestamp=${input.timestamp}`);
  return pairs.join('&');
}

export function sign(input: SigningInput, secretKey: string): string {
  return createHmac('sha256', secretKey).update(stringToSign(input), 'utf8').digest('hex');
}
