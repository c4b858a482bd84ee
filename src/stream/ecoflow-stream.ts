import { isIP } from 'node:net';
import { connect, ErrorWithReasonCode, type MqttClient } from 'mqtt';
import type { StreamCertification } from '../ecoflow/types.js';
import { parseTopic, type StreamTopic, topicOf } from './message-codec.js';
import { backoffDelay } from '../timing/backoff-delay.js';

export type StreamState = 'connecting' | 'connected' | 'down' | 'stopped';
export type { StreamTopic } from './message-codec.js';

/** Why the stream is not connected. `code`: the broker's CONNACK code or the TLS/socket error code. */
export class StreamError extends Error {
  constructor(
    readonly reason: 'certification' | 'refused' | 'tls' | 'network' | 'timeout' | 'closed' | 'stopped',
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StreamError';
  }
}

export interface EcoflowStreamOptions {
  /** The broker and its credentials (the signed certification call). Asked again after a refusal. */
  certification: () => Promise<StreamCertification>;
  /** One stable ID (client-id.ts): EcoFlow blocks accounts that use many. */
  clientId: string;
  /** Trusted CAs (trust-store.ts); the broker's certificate is always verified. */
  ca: readonly string[];
  onMessage: (sn: string, topic: StreamTopic, payload: Buffer) => void;
  onStateChange?: (state: StreamState, error?: StreamError) => void;
  /** The broker refused the subscription of a device's topics (not this account's device?). */
  onSubscribeRefused?: (sn: string) => void;
  /** Default 15 s. */
  connectTimeoutMs?: number;
  /**
   * Reconnect delays (backoff-delay.ts): ceilings doubling from `baseMs` to `maxMs`. Default 1 s
   * to 60 s; 10 min after a refusal. `random`: the jitter source, default Math.random.
   */
  reconnect?: { baseMs?: number; maxMs?: number; refusedMaxMs?: number; random?: () => number };
}

/** A connection that lasted this long was a good one: the backoff starts over. */
const STABLE_MS = 30_000;

/**
 * The open-API MQTT connection: subscribes to `/open/<account>/<sn>/quota` and `/status` of the
 * selected devices and hands each message on, raw. One client at a time under one client ID: a
 * new attempt starts only after the previous client has fully closed, and reconnects back off
 * with jitter. Knows nothing of the snapshot or of metrics.
 */
export class EcoflowStream {
  readonly #o: EcoflowStreamOptions;
  readonly #devices = new Set<string>();
  #client?: MqttClient;
  #account = '';
  #certification?: StreamCertification;
  #state: StreamState = 'down';
  #failures = 0;
  #refused = false;
  #timer?: NodeJS.Timeout;
  #stopped = false;
  #started?: Promise<void>;

  constructor(options: EcoflowStreamOptions) {
    this.#o = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  /**
   * The first connection attempt: resolves once connected, rejects with a StreamError saying
   * why not. Either way the stream keeps (re)connecting in the background until stop().
   */
  start(): Promise<void> {
    this.#started ??= new Promise((resolve, reject) => {
      void this.#connect((error) => (error ? reject(error) : resolve()));
    });
    return this.#started;
  }

  /** The devices to follow; topics are (un)subscribed on the open connection, no reconnect. */
  setDevices(sns: Iterable<string>): void {
    const wanted = new Set(sns);
    const added = [...wanted].filter((sn) => !this.#devices.has(sn));
    const removed = [...this.#devices].filter((sn) => !wanted.has(sn));
    for (const sn of removed) this.#devices.delete(sn);
    for (const sn of added) this.#devices.add(sn);
    const client = this.#client;
    if (this.#state !== 'connected' || !client) return;
    if (removed.length > 0) client.unsubscribe(removed.flatMap((sn) => this.#topics(sn)));
    if (added.length > 0) this.#subscribe(client, added);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#close();
    this.#setState('stopped');
  }

  async #connect(settle?: (error?: StreamError) => void): Promise<void> {
    let error: StreamError | undefined;
    try {
      this.#checkStopped();
      this.#setState('connecting');
      if (!this.#certification || this.#refused) this.#certification = await this.#certify();
      this.#checkStopped();
      await this.#open(this.#certification);
    } catch (err) {
      error = err instanceof StreamError ? err : new StreamError('network', String(err), undefined, { cause: err });
    }
    settle?.(error);
    if (this.#stopped) return;
    if (error) {
      this.#refused = error.reason === 'refused' || error.reason === 'certification';
      this.#setState('down', error);
      this.#scheduleReconnect();
    }
  }

  async #certify(): Promise<StreamCertification> {
    let c: StreamCertification;
    try {
      c = await this.#o.certification();
    } catch (err) {
      throw new StreamError('certification', `the MQTT certification call failed: ${err instanceof Error ? err.message : String(err)}`, undefined, {
        cause: err,
      });
    }
    return { ...c, protocol: transportFor(c) };
  }

  #checkStopped(): void {
    if (this.#stopped) throw new StreamError('stopped', 'the stream was stopped');
  }

  /** One client: resolves when connected; on any failure it is fully closed before rejecting. */
  async #open(c: StreamCertification): Promise<void> {
    await this.#close();
    this.#checkStopped();
    const client = connect({
      protocol: c.protocol,
      host: c.host,
      port: c.port,
      ...(isIP(c.host) === 0 && { servername: c.host }),
      clientId: this.#o.clientId,
      username: c.account,
      password: c.password,
      ca: [...this.#o.ca],
      rejectUnauthorized: true,
      reconnectPeriod: 0,
      connectTimeout: this.#o.connectTimeoutMs ?? 15_000,
      keepalive: 60,
      clean: true,
      protocolVersion: 4,
    });
    this.#client = client;
    this.#account = c.account;
    // The last error seen on this client: the cause told when the connection goes.
    let lastError: unknown;
    let connectedAt = 0;
    client.on('error', (err) => (lastError = err));
    try {
      await new Promise<void>((resolve, reject) => {
        const limitMs = this.#o.connectTimeoutMs ?? 15_000;
        const timer = setTimeout(
          () => reject(new StreamError('timeout', `no answer from the broker ${c.host}:${c.port} within ${limitMs} ms`)),
          limitMs + 1000,
        );
        client.once('connect', () => {
          clearTimeout(timer);
          connectedAt = Date.now();
          // Bound before anything else can run: a close right after the CONNACK is not missed.
          client.on('message', (topic, payload) => this.#message(topic, payload));
          client.once('close', () => this.#lost(client, c, connectedAt, lastError));
          resolve();
        });
        client.once('error', (err) => {
          clearTimeout(timer);
          reject(describe(err, c));
        });
        client.once('close', () => {
          clearTimeout(timer);
          reject(lastError ? describe(lastError, c) : new StreamError('closed', `the broker ${c.host}:${c.port} closed the connection before accepting it`));
        });
      });
      this.#checkStopped();
      if (!client.connected) throw new StreamError('closed', `the connection to ${c.host}:${c.port} was lost at once`);
    } catch (err) {
      await this.#close();
      throw err;
    }
    this.#refused = false;
    this.#setState('connected');
    this.#subscribe(client, [...this.#devices]);
  }

  #lost(client: MqttClient, c: StreamCertification, connectedAt: number, cause: unknown): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    client.end(true);
    if (Date.now() - connectedAt >= STABLE_MS) this.#failures = 0;
    const why = cause ? `: ${describe(cause, c).message}` : '';
    this.#setState('down', new StreamError('closed', `the connection to ${c.host}:${c.port} was lost${why}`, undefined, { cause }));
    this.#scheduleReconnect();
  }

  #subscribe(client: MqttClient, sns: string[]): void {
    if (sns.length === 0) return;
    client.subscribe(
      sns.flatMap((sn) => this.#topics(sn)),
      { qos: 1 },
      (err, granted) => {
        if (err || !granted) return; // the connection went: resubscribed on the next one
        const refused = new Set(granted.filter((g) => g.qos === 128).flatMap((g) => parseTopic(g.topic)?.sn ?? []));
        for (const sn of refused) this.#o.onSubscribeRefused?.(sn);
      },
    );
  }

  #topics(sn: string): string[] {
    return [topicOf(this.#account, sn, 'quota'), topicOf(this.#account, sn, 'status')];
  }

  #message(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || !this.#devices.has(parsed.sn)) return;
    const { sn, kind } = parsed;
    try {
      this.#o.onMessage(sn, kind, payload);
    } catch {
      // Runs inside mqtt.js's packet handling, where a throw ends the process; the handler
      // reports its own failures.
    }
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#failures++;
    const r = this.#o.reconnect;
    const max = this.#refused ? (r?.refusedMaxMs ?? 600_000) : (r?.maxMs ?? 60_000);
    // Jitter: many exporters on one broker must not come back in lock step after an outage.
    const delay = backoffDelay(this.#failures, { baseMs: r?.baseMs ?? 1000, maxMs: max, random: r?.random });
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }

  /** Ends the current client and waits until its socket is gone. */
  async #close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    client.removeAllListeners('message');
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  #setState(state: StreamState, error?: StreamError): void {
    if (this.#state === state && !error) return;
    this.#state = state;
    this.#o.onStateChange?.(state, error);
  }
}

/** Plain MQTT only ever to a broker on this machine (the demo's); to any other, TLS whatever was offered. */
function transportFor(c: Pick<StreamCertification, 'host' | 'protocol'>): 'mqtt' | 'mqtts' {
  return c.protocol === 'mqtt' && isLoopback(c.host) ? 'mqtt' : 'mqtts';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function describe(err: unknown, c: StreamCertification): StreamError {
  const where = `${c.host}:${c.port}`;
  if (err instanceof ErrorWithReasonCode) {
    return new StreamError('refused', `the broker ${where} refused the login (CONNACK ${err.code}: ${err.message})`, String(err.code), { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|TLS|SSL/.test(code)) {
    return new StreamError('tls', `the broker ${where} has a certificate we do not trust (${code}); add its CA with NODE_EXTRA_CA_CERTS`, code, { cause: err });
  }
  return new StreamError('network', `cannot reach the broker ${where}: ${code ?? e?.message ?? 'error'}`, code, { cause: err });
}
