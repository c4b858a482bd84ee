import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ENDPOINT_PATHS, endpointOfPath, type EcoflowEndpoint } from '../ecoflow/endpoints.js';
import { sign } from '../ecoflow/signing.js';
import type { SimulatedDevice } from './fleet.js';

export interface CloudSimulatorOptions {
  accessKey: string;
  secretKey: string;
  devices: SimulatedDevice[];
  /** Accepted clock difference of `timestamp`. Default 15 min. */
  maxSkewMs?: number;
  /** Seconds since epoch the moving values are computed at. Default: wall clock. */
  clock?: () => number;
  /** What `/iot-open/sign/certification` answers. Default: none, answered with an API error. */
  certification?: SimulatorCertification;
}

/** The MQTT broker the simulated cloud hands out, as `/iot-open/sign/certification` describes it. */
export interface SimulatorCertification {
  /** Broker host, e.g. `127.0.0.1` (the cloud: `mqtt-e.ecoflow.com`). */
  url: string;
  /** Broker port; answered as a string, as the real API does. */
  port: number;
  protocol: 'mqtt' | 'mqtts';
  /** MQTT username and the `<account>` of `/open/<account>/<sn>/…` topics (`open-…`). */
  certificateAccount: string;
  certificatePassword: string;
}

/** What changed in the simulated fleet, for the MQTT side of the simulator. */
export type SimulatorChange = { kind: 'online'; sn: string; online: boolean } | { kind: 'quota'; sn: string; key: string; value: unknown };

/** A canned misbehaviour for the next matching request(s). */
export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'html' }
  | { kind: 'malformed' }
  | { kind: 'wrong-shape' }
  | { kind: 'api-error'; code: string; message: string }
  | { kind: 'delay'; ms: number }
  /** The connection is cut before any answer. */
  | { kind: 'reset' }
  /** A valid start, then `bytes` of body as fast as the client takes it. */
  | { kind: 'huge'; bytes: number }
  /** Headers at once, then a byte every 100 ms for `ms`. */
  | { kind: 'slow-body'; ms: number };

/**
 * An EcoFlow IoT Open API look-alike on real HTTP: it checks signatures the way the cloud
 * does (8513 for an unknown key, 8521 for a wrong or replayed signature), serves a fleet of
 * devices whose values move over time and, like the real cloud, keeps answering quota/all
 * with cached values for offline devices. Given a broker (`certification`), it hands it out on
 * `/iot-open/sign/certification`; `subscribe` tells the MQTT side (`StreamPublisher`) what
 * changed. Tests steer it and read its request counters.
 */
export class CloudSimulator {
  readonly #o: Required<Omit<CloudSimulatorOptions, 'certification'>>;
  #certification: SimulatorCertification | undefined;
  readonly #listeners = new Set<(e: SimulatorChange) => void>();
  /** What each offline device answers: its values when it went offline, and what was set since. */
  readonly #lastReported = new Map<string, Record<string, unknown>>();
  readonly #devices = new Map<string, SimulatedDevice>();
  readonly #seenNonces = new Map<string, number>();
  readonly #faults: Array<{ endpoint: EcoflowEndpoint; fault: Fault }> = [];
  #server?: Server;
  /** Requests answered, by path (signature failures included). */
  readonly requests = new Map<string, number>();
  /** quota/all requests by the `sn` asked for. */
  readonly quotaRequests = new Map<string, number>();

  constructor(options: CloudSimulatorOptions) {
    const { certification, ...rest } = options;
    this.#o = { maxSkewMs: 15 * 60_000, clock: () => Date.now() / 1000, ...rest };
    this.#certification = certification && { ...certification };
    for (const d of options.devices) this.addDevice(d);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => resolve());
    });
    server.unref();
    return this.url;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator not started');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  requestCount(endpoint: EcoflowEndpoint | 'all' = 'all'): number {
    if (endpoint === 'all') return [...this.requests.values()].reduce((a, b) => a + b, 0);
    return this.requests.get(ENDPOINT_PATHS[endpoint]) ?? 0;
  }

  // --- steering (tests and soak) -------------------------------------------------------------

  device(sn: string): SimulatedDevice {
    const d = this.#devices.get(sn);
    if (!d) throw new Error(`no simulated device ${sn}`);
    return d;
  }

  /** Serial numbers of the fleet, in the order device/list answers them. */
  serialNumbers(): string[] {
    return [...this.#devices.keys()];
  }

  /** What quota/all would answer for `sn` now: moving values computed (online devices only, as quota/all). */
  currentQuotas(sn: string): Record<string, unknown> {
    return this.#quotasOf(this.device(sn));
  }

  /** Sets (or, with `undefined`, withdraws) the MQTT broker `/iot-open/sign/certification` hands out. */
  setCertification(certification: SimulatorCertification | undefined): void {
    this.#certification = certification && { ...certification };
  }

  /**
   * Calls `listener` on every change made through `setOnline` (when the value changes) and
   * `setQuota`; returns the function that unsubscribes it. Moving values are not announced:
   * they change all the time, readers compute them with `currentQuotas`.
   */
  subscribe(listener: (e: SimulatorChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Changes the account's keys: requests signed with the old ones are refused from now on. */
  setKeys(accessKey: string, secretKey: string): void {
    this.#o.accessKey = accessKey;
    this.#o.secretKey = secretKey;
  }

  /** Faults injected and not yet served. */
  get pendingFaults(): number {
    return this.#faults.length;
  }

  /** Drops faults not yet served. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  setOnline(sn: string, online: boolean): void {
    const d = this.device(sn);
    if (d.online === online) return;
    // Offline, a moving device answers what it last reported: its counters must not fall back to the capture.
    if (online) this.#lastReported.delete(sn);
    else this.#lastReported.set(sn, this.#quotasOf(d));
    d.online = online;
    this.#emit({ kind: 'online', sn, online });
  }

  setQuota(sn: string, key: string, value: unknown): void {
    const d = this.device(sn);
    d.quotas[key] = value;
    delete d.motion?.[key];
    const last = this.#lastReported.get(sn);
    if (last) last[key] = value;
    this.#emit({ kind: 'quota', sn, key, value });
  }

  removeQuota(sn: string, key: string): void {
    const d = this.device(sn);
    delete d.quotas[key];
    delete d.motion?.[key];
    delete this.#lastReported.get(sn)?.[key];
  }

  /** Adds (or replaces) a device; the simulator keeps its own copy. */
  addDevice(device: SimulatedDevice): void {
    const { motion, ...data } = device;
    this.#devices.set(device.sn, { ...structuredClone(data), motion: motion && { ...motion } });
    this.#lastReported.delete(device.sn);
  }

  removeDevice(sn: string): void {
    this.#devices.delete(sn);
    this.#lastReported.delete(sn);
  }

  /** The next `times` requests to `endpoint` misbehave as `fault` says. */
  injectFault(endpoint: EcoflowEndpoint, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push({ endpoint, fault });
  }

  #emit(change: SimulatorChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }

  // --- HTTP -----------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const endpoint = endpointOfPath(path);
    this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
    if (endpoint === 'quota/all') {
      const sn = url.searchParams.get('sn') ?? '';
      this.quotaRequests.set(sn, (this.quotaRequests.get(sn) ?? 0) + 1);
    }
    const body = await readBody(req);

    if (endpoint === undefined) {
      send(res, 404, { code: '404', message: 'not found' });
      return;
    }
    const refusal = this.#checkSignature(req, url, body);
    if (refusal) {
      send(res, 200, refusal);
      return;
    }
    const faultIndex = this.#faults.findIndex((f) => f.endpoint === endpoint);
    if (faultIndex >= 0) {
      const { fault } = this.#faults.splice(faultIndex, 1)[0]!;
      if (await this.#misbehave(res, fault)) return;
    }
    if (endpoint === 'device/list') {
      send(
        res,
        200,
        ok(
          [...this.#devices.values()].map((d) => ({
            sn: d.sn,
            deviceName: d.deviceName,
            online: d.online ? 1 : 0,
            productName: d.productName,
          })),
        ),
      );
      return;
    }
    if (endpoint === 'certification') {
      const c = this.#certification;
      if (!c) {
        send(res, 200, { code: '-1', message: 'MQTT certification is not available', tid: tid() });
        return;
      }
      // The real API answers the port as a string ("8883").
      send(
        res,
        200,
        ok({
          certificateAccount: c.certificateAccount,
          certificatePassword: c.certificatePassword,
          url: c.url,
          port: String(c.port),
          protocol: c.protocol,
        }),
      );
      return;
    }
    const device = this.#devices.get(url.searchParams.get('sn') ?? '');
    if (!device || device.restricted) {
      send(res, 200, { code: '1006', message: 'current device is not allowed to get device info', tid: tid() });
      return;
    }
    // A stream-only model (the Smart Meter): success, and no data at all, as the real cloud answers.
    if (device.streamOnly) {
      send(res, 200, { code: '0', message: 'Success', eagleEyeTraceId: randomBytes(16).toString('hex'), tid: '' });
      return;
    }
    // Offline devices still answer, with the values they last reported: as the real cloud does.
    send(res, 200, ok(this.#quotasOf(device)));
  }

  #quotasOf(device: SimulatedDevice): Record<string, unknown> {
    const last = device.online ? undefined : this.#lastReported.get(device.sn);
    if (last) return { ...last };
    const quotas = { ...device.quotas };
    if (device.online && device.motion) {
      const t = this.#o.clock();
      for (const [key, f] of Object.entries(device.motion)) quotas[key] = f(t);
    }
    return quotas;
  }

  #checkSignature(req: IncomingMessage, url: URL, body: string): object | undefined {
    const header = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const accessKey = header('accessKey');
    const nonce = header('nonce');
    const timestamp = header('timestamp');
    const signature = header('sign');
    if (!accessKey || !nonce || !timestamp || !signature) return wrongSignature();
    if (!safeEqual(accessKey, this.#o.accessKey)) return { code: '8513', message: 'accessKey is invalid', tid: tid() };
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > this.#o.maxSkewMs) return wrongSignature();

    // As documented: a JSON Content-Type means "sign the body", anything else "sign the query".
    let params: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        params = body ? JSON.parse(body) : {};
      } catch {
        return wrongSignature();
      }
    } else {
      for (const [k, v] of url.searchParams) params[k] = v;
    }
    const expected = sign({ params, accessKey, nonce, timestamp }, this.#o.secretKey);
    if (!safeEqual(signature, expected)) return wrongSignature();

    // A replayed nonce+timestamp is refused like a wrong signature.
    const replayKey = `${nonce}:${timestamp}`;
    if (this.#seenNonces.has(replayKey)) return wrongSignature();
    this.#seenNonces.set(replayKey, ts);
    if (this.#seenNonces.size > 10_000) {
      const cutoff = Date.now() - this.#o.maxSkewMs;
      for (const [k, at] of this.#seenNonces) if (at < cutoff) this.#seenNonces.delete(k);
    }
    return undefined;
  }

  /** Returns true when the response has been sent. */
  async #misbehave(res: ServerResponse, fault: Fault): Promise<boolean> {
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(fault.body ?? 'error');
        return true;
      case 'wrong-shape':
        send(res, 200, ok('this should have been an object'));
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"code":"0","message":"Success","data":{"pad":"');
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let left = fault.bytes;
        while (left > 0 && !res.destroyed) {
          const more = res.write(left >= chunk.length ? chunk : chunk.subarray(0, left));
          left -= chunk.length;
          if (!more) await drained(res);
        }
        if (!res.destroyed) res.end('"}}');
        return true;
      }
      case 'slow-body': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"code":"0","message":"Success","data":{');
        const until = Date.now() + fault.ms;
        while (Date.now() < until && !res.destroyed) {
          res.write(' ');
          await new Promise((r) => setTimeout(r, 100));
        }
        if (!res.destroyed) res.end('}}');
        return true;
      }
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return true;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"0","message":"Success","data":{"pd.soc":4');
        return true;
      case 'api-error':
        send(res, 200, { code: fault.code, message: fault.message, tid: tid() });
        return true;
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        return false;
    }
  }
}

/** Waits for the response to drain or close, and leaves no listener behind (one per chunk adds up). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function ok(data: unknown): object {
  return { code: '0', message: 'Success', data, eagleEyeTraceId: randomBytes(16).toString('hex'), tid: '' };
}

function wrongSignature(): object {
  return { code: '8521', message: 'signature is wrong', tid: tid() };
}

function tid(): string {
  return randomBytes(16).toString('hex');
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
