import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { randomInt } from 'node:crypto';
import fetch, { FetchError } from 'node-fetch';
import { sign } from './signing.js';
import {
  API_CODES,
  EcoflowApiError,
  EcoflowError,
  EcoflowHttpError,
  EcoflowNetworkError,
  EcoflowRateLimitError,
  EcoflowResponseError,
  type EcoflowEndpoint,
} from './errors.js';
import { ENDPOINT_PATHS } from './endpoints.js';
import { RequestGovernor } from './request-governor.js';
import type { DeviceListEntry, QuotaMap, StreamCertification } from './types.js';
import { parseQuotaAnswer, type QuotaReadPlan } from './quota-reader.js';

export interface EcoflowClientOptions {
  /** Base URL such as https://api-e.ecoflow.com; a path prefix is kept. */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  /** Whole-request deadline (connect, headers and body). Default 10 s. */
  timeoutMs?: number;
  /** Larger bodies are cut off and rejected. Default {@link DEFAULT_MAX_RESPONSE_BYTES} (8 MiB). */
  maxResponseBytes?: number;
  /** The process-wide backoff and circuit breaker; one is made when absent. */
  governor?: RequestGovernor;
  /** Told about every request, sent or refused by the governor. */
  reporter?: RequestReporter;
}

export type RequestOutcome = 'success' | 'api_error' | 'rate_limited' | 'http_error' | 'bad_response' | 'timeout' | 'network' | 'circuit_open';

/** What the client reports (the self-metrics): every request, sent or refused by the governor. */
export interface RequestReporter {
  recordRequest(event: RequestEvent): void;
}

export interface RequestEvent {
  endpoint: EcoflowEndpoint;
  outcome: RequestOutcome;
  /** The API code, HTTP status or '' (no code). */
  code: string;
  seconds: number;
}

// The client owns the limit it enforces: config/ refers to it, ecoflow/ knows nothing of config.
// A real quota/all is ~10 KiB; 8 MiB is the value users already ran with (the schema's default).
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

// The cloud's "Server is too busy" (and the like) arrives with no documented code.
const RATE_LIMIT_MESSAGE = /too busy|too many requests|too frequent|rate limit/i;

/** Signed REST client for the EcoFlow IoT Open API. Knows nothing of metrics. */
export class EcoflowClient {
  readonly #accessKey: string;
  readonly #secretKey: string;
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #reporter?: RequestReporter;
  readonly governor: RequestGovernor;

  constructor(options: EcoflowClientOptions) {
    this.#accessKey = options.accessKey;
    this.#secretKey = options.secretKey;
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const agentOptions = { keepAlive: true, maxSockets: 8 };
    this.#agent = this.#base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.governor = options.governor ?? new RequestGovernor();
    this.#reporter = options.reporter;
  }

  async listDevices(): Promise<DeviceListEntry[]> {
    return this.#get('device/list', {}, undefined, (data) => {
      if (!Array.isArray(data)) throw new EcoflowResponseError('device/list', '"data" is not a list');
      const devices: DeviceListEntry[] = [];
      for (const item of data) {
        if (item === null || typeof item !== 'object' || typeof item.sn !== 'string' || item.sn === '') continue;
        devices.push({
          sn: item.sn,
          deviceName: typeof item.deviceName === 'string' ? item.deviceName : undefined,
          productName: typeof item.productName === 'string' ? item.productName : undefined,
          online: item.online === 1 || item.online === '1' || item.online === true,
        });
      }
      return devices;
    });
  }

  /**
   * The device's quotas; with `plan`, only the keys it takes (see quota-reader.ts). Undefined
   * when the cloud answers success with no `data`, as it does for a model whose values all come
   * over the MQTT stream (the Smart Meter): an answer, not a failure.
   */
  async getAllQuotas(sn: string, plan?: QuotaReadPlan): Promise<QuotaMap | undefined> {
    return this.#get('quota/all', { sn }, plan, (data) => {
      if (data === undefined || data === null) return undefined;
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new EcoflowResponseError('quota/all', '"data" is not an object');
      }
      return data as QuotaMap;
    });
  }

  /** The open-API MQTT broker and credentials of this key. */
  async getCertification(): Promise<StreamCertification> {
    return this.#get('certification', {}, undefined, (data) => {
      const text = (name: string) => {
        const v = data?.[name];
        if ((typeof v !== 'string' && typeof v !== 'number') || String(v).trim() === '') {
          throw new EcoflowResponseError('certification', `"${name}" is missing`);
        }
        return String(v).trim();
      };
      // The documented answer has the port as a string ("8883").
      const port = Number(text('port'));
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EcoflowResponseError('certification', '"port" is not a port number');
      const protocol = text('protocol').toLowerCase();
      if (protocol !== 'mqtt' && protocol !== 'mqtts')
        throw new EcoflowResponseError('certification', `protocol ${JSON.stringify(protocol.slice(0, 20))} is not mqtt or mqtts`);
      return { host: text('url'), port, protocol, account: text('certificateAccount'), password: text('certificatePassword') };
    });
  }

  /** Frees pooled connections and ends backoff waits; pending requests settle with errors. */
  close(): void {
    this.governor.close();
    this.#agent.destroy();
  }

  /** One governed request; `parse` runs inside it, so a wrong shape counts as a failed request. */
  async #get<T>(endpoint: EcoflowEndpoint, params: Record<string, string>, plan: QuotaReadPlan | undefined, parse: (data: any) => T): Promise<T> {
    const started = performance.now();
    try {
      const data = await this.governor.run(endpoint, async () => parse(await this.#send(endpoint, params, plan)));
      this.#report(endpoint, 'success', '', started);
      return data;
    } catch (err) {
      const [outcome, code] = classify(err);
      this.#report(endpoint, outcome, code, started);
      throw err;
    }
  }

  #report(endpoint: EcoflowEndpoint, outcome: RequestOutcome, code: string, started: number): void {
    this.#reporter?.recordRequest({ endpoint, outcome, code, seconds: (performance.now() - started) / 1000 });
  }

  async #send(endpoint: EcoflowEndpoint, params: Record<string, string>, plan?: QuotaReadPlan): Promise<any> {
    const url = new URL(ENDPOINT_PATHS[endpoint].slice(1), this.#base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    // A fresh timestamp and nonce per request: a reused one is answered with 8521.
    const nonce = String(randomInt(100_000, 1_000_000));
    const timestamp = String(Date.now());
    const signature = sign({ params, accessKey: this.#accessKey, nonce, timestamp }, this.#secretKey);

    let text: string;
    let status: number;
    let retryAfter: string | null = null;
    try {
      // No Content-Type on GET: with a JSON one the cloud signs the (absent) body and answers 8521.
      const response = await fetch(url, {
        method: 'GET',
        headers: { accessKey: this.#accessKey, nonce, timestamp, sign: signature, accept: 'application/json' },
        agent: this.#agent,
        signal: AbortSignal.timeout(this.#timeoutMs),
        size: this.#maxBytes,
        redirect: 'error',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (err) {
      throw this.#transportError(endpoint, err);
    }
    if (status === 429) throw new EcoflowRateLimitError(endpoint, '429', 'HTTP 429 Too Many Requests', retryAfterMs(retryAfter));
    if (status < 200 || status > 299) throw new EcoflowHttpError(endpoint, status);

    let envelope: any;
    try {
      envelope = plan ? parseQuotaAnswer(text, plan) : JSON.parse(text);
    } catch (err) {
      throw new EcoflowResponseError(endpoint, `body is not JSON (starts with ${preview(text)})`, { cause: err });
    }
    if (envelope === null || typeof envelope !== 'object' || !('code' in envelope)) {
      throw new EcoflowResponseError(endpoint, 'JSON has no "code" field');
    }
    const code = String(envelope.code);
    if (code !== API_CODES.ok) {
      const message = typeof envelope.message === 'string' ? envelope.message.slice(0, 200) : '';
      if (RATE_LIMIT_MESSAGE.test(message)) throw new EcoflowRateLimitError(endpoint, code, message);
      throw new EcoflowApiError(endpoint, code.slice(0, 20), message);
    }
    return envelope.data;
  }

  #transportError(endpoint: EcoflowEndpoint, err: unknown): Error {
    const e = err as { name?: string; type?: string; code?: string; message?: string };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return new EcoflowNetworkError(endpoint, 'timeout', `no complete answer within ${this.#timeoutMs} ms`, { cause: err });
    }
    if (err instanceof FetchError && e.type === 'max-size') {
      return new EcoflowResponseError(endpoint, `body larger than ${this.#maxBytes} bytes`, { cause: err });
    }
    if (err instanceof FetchError && e.type === 'invalid-json') {
      return new EcoflowResponseError(endpoint, 'body is not JSON', { cause: err });
    }
    return new EcoflowNetworkError(endpoint, 'network', e?.code ?? e?.message ?? 'request failed', { cause: err });
  }
}

function classify(err: unknown): [RequestOutcome, string] {
  if (err instanceof EcoflowApiError) return ['api_error', err.apiCode];
  if (err instanceof EcoflowRateLimitError) return ['rate_limited', err.code];
  if (err instanceof EcoflowHttpError) return ['http_error', String(err.status)];
  if (err instanceof EcoflowResponseError) return ['bad_response', ''];
  if (err instanceof EcoflowNetworkError) return [err.reason === 'timeout' ? 'timeout' : 'network', ''];
  if (err instanceof EcoflowError && err.kind === 'circuit-open') return ['circuit_open', ''];
  return ['network', ''];
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, Math.min(date - Date.now(), 3_600_000)) : undefined;
}

function preview(text: string): string {
  const head = text.slice(0, 40).replace(/[^\x20-\x7e]/g, ' ');
  return JSON.stringify(head + (text.length > 40 ? '…' : ''));
}
