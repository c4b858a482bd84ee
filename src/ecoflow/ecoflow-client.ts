import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { randomInt } from 'node:crypto';
import fetch, { FetchError } from 'node-fetch';
import { sign } from './signing.js';
import {
  API_CODES,
  EcoflowApiError,
  EcoflowHttpError,
  EcoflowNetworkError,
  EcoflowResponseError,
  type EcoflowEndpoint,
} from './errors.js';
import type { DeviceListEntry, QuotaMap } from './types.js';

export interface EcoflowClientOptions {
  /** Base URL such as https://api-e.ecoflow.com; a path prefix is kept. */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  /** Whole-request deadline (connect, headers and body). Default 10 s. */
  timeoutMs?: number;
  /** Larger bodies are cut off and rejected. Default 4 MiB (a real quota/all is ~10 KiB). */
  maxResponseBytes?: number;
}

const PATHS: Record<EcoflowEndpoint, string> = {
  'device/list': '/iot-open/sign/device/list',
  'quota/all': '/iot-open/sign/device/quota/all',
};

/** Signed REST client for the EcoFlow IoT Open API. Knows nothing of metrics. */
export class EcoflowClient {
  readonly #accessKey: string;
  readonly #secretKey: string;
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(options: EcoflowClientOptions) {
    this.#accessKey = options.accessKey;
    this.#secretKey = options.secretKey;
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    const agentOptions = { keepAlive: true, maxSockets: 8 };
    this.#agent = this.#base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  async listDevices(): Promise<DeviceListEntry[]> {
    const data = await this.#get('device/list', {});
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
  }

  async getAllQuotas(sn: string): Promise<QuotaMap> {
    const data = await this.#get('quota/all', { sn });
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new EcoflowResponseError('quota/all', '"data" is not an object');
    }
    return data as QuotaMap;
  }

  /** Frees pooled connections; pending requests still settle. */
  close(): void {
    this.#agent.destroy();
  }

  async #get(endpoint: EcoflowEndpoint, params: Record<string, string>): Promise<any> {
    const url = new URL(PATHS[endpoint].slice(1), this.#base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    // A fresh timestamp and nonce per request: a reused one is answered with 8521.
    const nonce = String(randomInt(100_000, 1_000_000));
    const timestamp = String(Date.now());
    const signature = sign({ params, accessKey: this.#accessKey, nonce, timestamp }, this.#secretKey);

    let text: string;
    let status: number;
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
      text = await response.text();
    } catch (err) {
      throw this.#transportError(endpoint, err);
    }
    if (status < 200 || status > 299) throw new EcoflowHttpError(endpoint, status);

    let envelope: any;
    try {
      envelope = JSON.parse(text);
    } catch (err) {
      throw new EcoflowResponseError(endpoint, `body is not JSON (starts with ${preview(text)})`, { cause: err });
    }
    if (envelope === null || typeof envelope !== 'object' || !('code' in envelope)) {
      throw new EcoflowResponseError(endpoint, 'JSON has no "code" field');
    }
    const code = String(envelope.code);
    if (code !== API_CODES.ok) {
      throw new EcoflowApiError(endpoint, code, typeof envelope.message === 'string' ? envelope.message : '');
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

function preview(text: string): string {
  const head = text.slice(0, 40).replace(/[^\x20-\x7e]/g, ' ');
  return JSON.stringify(head + (text.length > 40 ? '…' : ''));
}
