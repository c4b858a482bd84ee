/**
 * Typed errors of the EcoFlow client. Callers branch on the class (and on `apiCode`), never on
 * message text. No error carries request headers, so keys and signatures cannot leak through them.
 */
import type { EcoflowEndpoint } from './endpoints.js';

// Re-exported: the client and the governor name endpoints through the errors they raise.
export type { EcoflowEndpoint } from './endpoints.js';

/** API codes that concern one device, not the health of the cloud or of our keys. */
export function isDeviceSpecific(error: unknown): boolean {
  return error instanceof EcoflowApiError && [API_CODES.deviceNotAllowed, API_CODES.badParams, API_CODES.deviceOffline].includes(error.apiCode as never);
}

export abstract class EcoflowError extends Error {
  abstract readonly kind: string;
  constructor(
    message: string,
    readonly endpoint: EcoflowEndpoint,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API answered with an envelope whose `code` is not "0". */
export class EcoflowApiError extends EcoflowError {
  readonly kind = 'api';
  constructor(
    endpoint: EcoflowEndpoint,
    readonly apiCode: string,
    readonly apiMessage: string,
  ) {
    super(`EcoFlow API error ${apiCode} on ${endpoint}: ${apiMessage}${hintFor(apiCode)}`, endpoint);
  }
}

/** A non-2xx HTTP status. */
export class EcoflowHttpError extends EcoflowError {
  readonly kind = 'http';
  constructor(
    endpoint: EcoflowEndpoint,
    readonly status: number,
  ) {
    super(`EcoFlow API answered HTTP ${status} on ${endpoint}`, endpoint);
  }
}

/** A body that is not the JSON envelope we expect: HTML error pages, truncated JSON, wrong shape, too large. */
export class EcoflowResponseError extends EcoflowError {
  readonly kind = 'response';
  constructor(endpoint: EcoflowEndpoint, detail: string, options?: { cause?: unknown }) {
    super(`EcoFlow API sent an unusable response on ${endpoint}: ${detail}`, endpoint, options);
  }
}

/** The request did not complete: timeout, refused, reset, DNS. */
export class EcoflowNetworkError extends EcoflowError {
  readonly kind = 'network';
  constructor(
    endpoint: EcoflowEndpoint,
    readonly reason: 'timeout' | 'network',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`EcoFlow API unreachable on ${endpoint}: ${detail}`, endpoint, options);
  }
}

/**
 * The cloud asks us to slow down: HTTP 429, or an envelope saying it is too busy (observed as
 * "Server is too busy", with no documented code).
 */
export class EcoflowRateLimitError extends EcoflowError {
  readonly kind = 'rate-limit';
  constructor(
    endpoint: EcoflowEndpoint,
    readonly code: string,
    detail: string,
    /** From a Retry-After header, when the cloud sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(`EcoFlow API rate limit on ${endpoint}: ${detail}`, endpoint);
  }
}

/**
 * No request was sent: the process-wide circuit breaker is open after repeated failures, or
 * the backoff queue is longer than is worth waiting for. `cause` is the last real failure.
 */
export class EcoflowCircuitOpenError extends EcoflowError {
  readonly kind = 'circuit-open';
  constructor(
    endpoint: EcoflowEndpoint,
    readonly retryInMs: number,
    options?: { cause?: unknown },
  ) {
    const last = options?.cause instanceof Error ? `; last failure: ${options.cause.message}` : '';
    super(`EcoFlow API calls paused for ${Math.ceil(retryInMs / 1000)} s after repeated failures${last}`, endpoint, options);
  }
}

/** Codes observed from the real cloud; docs/operations.md ("On a bad day") says what the exporter does on each. */
export const API_CODES = {
  ok: '0',
  deviceNotAllowed: '1006',
  badParams: '1008',
  deviceOffline: '6012',
  accessKeyInvalid: '8513',
  signatureWrong: '8521',
} as const;

function hintFor(code: string): string {
  switch (code) {
    case API_CODES.accessKeyInvalid:
      return ' (hint: check ECOFLOW_ACCESS_KEY, and that ECOFLOW_API_HOST is the region the key belongs to: https://api-e.ecoflow.com for Europe, https://api-a.ecoflow.com for the Americas)';
    case API_CODES.signatureWrong:
      return " (hint: check ECOFLOW_SECRET_KEY for stray characters, and that this machine's clock is correct)";
    case API_CODES.deviceNotAllowed:
      return ' (hint: the device is not bound to this developer key, or its model is not opened for the Open API)';
    default:
      return '';
  }
}
