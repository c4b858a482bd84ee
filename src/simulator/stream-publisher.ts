import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { encodeQuotaMessages, encodeStatusMessage, type QuotaShape, type StreamTopic, topicOf } from '../stream/message-codec.js';
import type { CloudSimulator, SimulatorChange } from './cloud-simulator.js';

export interface StreamPublisherOptions {
  simulator: CloudSimulator;
  /** `mqtt://host:port` or `mqtts://host:port`. */
  brokerUrl: string;
  username: string;
  password: string;
  /** The `<account>` of `/open/<account>/<sn>/quota` (the certification's `certificateAccount`). */
  account: string;
  /** PEM of the CA that signed the broker's certificate, for `mqtts`. */
  ca?: string | Buffer;
  /** How often moving values are published. Default 1000 ms. */
  periodMs?: number;
  /** Default: `ecoflow-simulator-<random>`. */
  clientId?: string;
}

/** How long `start()` waits for the broker's CONNACK. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Broker restarts are waited out with mqtt.js's own reconnect, this often. */
const RECONNECT_PERIOD_MS = 500;

/**
 * The device side of the simulated cloud's open-API MQTT: every `periodMs` it publishes, for
 * each online device that has a `stream` shape, the moving values that changed since they were
 * last published (a stream-only device's every moving value), and it publishes status messages on `setOnline` and single values on
 * `setQuota`. Messages take the device's shape, as the real devices' do (`encodeQuotaMessages`).
 * QoS 0, as the cloud's device reports. A failed publish is counted (`failed`),
 * never thrown from a timer; values not delivered are sent again on the next tick.
 */
export class StreamPublisher {
  readonly #o: StreamPublisherOptions & { periodMs: number; clientId: string };
  #client: MqttClient | undefined;
  #starting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #ticking = false;
  /** sn → key → the value last handed to the broker. */
  readonly #sent = new Map<string, Map<string, unknown>>();
  /** Rejections of publishes waiting for the socket to drain, called when it closes. */
  readonly #waiting = new Set<(err: Error) => void>();
  #published = 0;
  #failed = 0;

  constructor(options: StreamPublisherOptions) {
    this.#o = { periodMs: 1000, clientId: `ecoflow-simulator-${randomBytes(4).toString('hex')}`, ...options };
  }

  /** Messages handed to the broker. */
  get published(): number {
    return this.#published;
  }

  /** Publishes that failed or were skipped while disconnected (timer and simulator-change ones). */
  get failed(): number {
    return this.#failed;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** Connects (rejects when the broker cannot be reached or refuses us) and starts publishing. */
  start(): Promise<void> {
    this.#starting ??= this.#start().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    const client = await connect(this.#o);
    this.#client = client;
    this.#sent.clear();
    client.on('close', () => {
      const error = new Error('MQTT connection closed before the message was written');
      for (const reject of [...this.#waiting]) reject(error);
    });
    // After a broker restart the broker knows nothing: everything moving is sent afresh.
    client.on('connect', () => this.#sent.clear());
    this.#unsubscribe = this.#o.simulator.subscribe((e) => this.#onChange(e));
    this.#timer = setInterval(() => void this.#tick(), this.#o.periodMs);
    this.#timer.unref();
    void this.#tick();
  }

  /** Stops publishing and disconnects; idempotent. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#starting = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.endAsync(true).catch(() => undefined);
  }

  /**
   * Publishes `quotas` (quota/all key names) in `sn`'s shape, online or not; keys the shape cannot
   * carry are left out. The timer's memory of what it sent is not touched: a moving key published
   * here is published again only when its value moves.
   */
  async publishQuotas(sn: string, quotas: Record<string, unknown>): Promise<void> {
    const shape = this.#o.simulator.device(sn).stream;
    if (!shape) throw new Error(`simulated device ${sn} has no stream shape: it does not publish`);
    if (encodeQuotaMessages(shape, quotas).length === 0) {
      throw new Error(`${sn}: no key fits a ${shape} message (${Object.keys(quotas).join(', ')})`);
    }
    await this.#publishQuotas(sn, shape, quotas, false);
  }

  async publishStatus(sn: string, online: boolean): Promise<void> {
    await this.#publish(sn, 'status', JSON.stringify(encodeStatusMessage(online)));
  }

  async publishRaw(sn: string, topic: StreamTopic, payload: string | Buffer): Promise<void> {
    await this.#publish(sn, topic, payload);
  }

  async #tick(): Promise<void> {
    if (this.#ticking || !this.connected) return;
    this.#ticking = true;
    try {
      const simulator = this.#o.simulator;
      for (const sn of simulator.serialNumbers()) {
        try {
          // Looked up afresh after every await: tests add and remove devices meanwhile.
          const device = simulator.device(sn);
          if (!device.online || !device.stream || !device.motion) continue;
          const now = simulator.currentQuotas(sn);
          const sent = this.#sent.get(sn);
          const changed: Record<string, unknown> = {};
          for (const key of Object.keys(device.motion)) {
            if (!(key in now)) continue;
            // A stream-only model sends all of its values each time (the Smart Meter's capture does):
            // a client that connects later has no other way to them.
            if (!device.streamOnly && sent?.has(key) && sameValue(sent.get(key), now[key])) continue;
            changed[key] = now[key];
          }
          if (Object.keys(changed).length > 0) await this.#publishQuotas(sn, device.stream, changed, true);
        } catch (err) {
          this.#fail(err);
        }
      }
    } finally {
      this.#ticking = false;
    }
  }

  #onChange(e: SimulatorChange): void {
    const device = this.#o.simulator.device(e.sn);
    if (!device.stream) return;
    if (e.kind === 'online') {
      // A device that comes back reports everything again.
      if (e.online) this.#sent.delete(e.sn);
      this.publishStatus(e.sn, e.online).catch((err) => this.#fail(err));
      return;
    }
    // An offline device sends nothing; quota/all keeps the value for when it is back.
    if (!device.online) return;
    this.#publishQuotas(e.sn, device.stream, { [e.key]: e.value }, true).catch((err) => this.#fail(err));
  }

  async #publishQuotas(sn: string, shape: QuotaShape, quotas: Record<string, unknown>, remember: boolean): Promise<void> {
    for (const { message, keys } of encodeQuotaMessages(shape, quotas)) {
      await this.#publish(sn, 'quota', JSON.stringify(message));
      if (!remember) continue;
      let sent = this.#sent.get(sn);
      if (!sent) this.#sent.set(sn, (sent = new Map()));
      for (const key of keys) sent.set(key, quotas[key]);
    }
  }

  #publish(sn: string, topic: StreamTopic, payload: string | Buffer): Promise<void> {
    const client = this.#client;
    if (!client?.connected) return Promise.reject(new Error(`not connected to the MQTT broker ${this.#o.brokerUrl}`));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        this.#waiting.delete(settle);
        if (err) {
          reject(err);
        } else {
          this.#published++;
          resolve();
        }
      };
      this.#waiting.add(settle);
      client.publish(topicOf(this.#o.account, sn, topic), payload, { qos: 0 }, (err) => settle(err ?? undefined));
    });
  }

  /** What failed is left out: the simulator only counts, and its tests ask only how many. */
  #fail(_err: unknown): void {
    this.#failed++;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** Connects once; rejects with what went wrong (refused, unreachable, no CONNACK) and leaves nothing running. */
function connect(o: StreamPublisherOptions & { clientId: string }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    let client: MqttClient;
    try {
      client = mqtt.connect(o.brokerUrl, {
        username: o.username,
        password: o.password,
        clientId: o.clientId,
        ...(o.ca !== undefined ? { ca: o.ca } : {}),
        // aedes speaks MQTT 3.1.1 only; so does the EcoFlow broker as far as anyone has reported.
        protocolVersion: 4,
        clean: true,
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectPeriod: RECONNECT_PERIOD_MS,
        // Stale moving values are not worth queueing while the broker is away.
        queueQoSZero: false,
        // mqtt.js logs through `debug`; the simulator runs inside the exporter, whose stdout is its own.
        log: () => undefined,
      });
    } catch (err) {
      reject(new Error(`stream publisher cannot connect to ${o.brokerUrl}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    // Always listened to: an unhandled 'error' would crash the process. mqtt.js reconnects by itself.
    client.on('error', () => {});
    const done = (err?: Error) => {
      client.off('connect', onConnect);
      client.off('error', onFailure);
      client.off('close', onClose);
      if (!err) {
        resolve(client);
        return;
      }
      client.end(true);
      reject(new Error(`stream publisher cannot connect to ${o.brokerUrl}: ${err.message}`, { cause: err }));
    };
    const onConnect = () => done();
    const onFailure = (err: Error) => done(err);
    const onClose = () => done(new Error('connection closed before the broker accepted it'));
    client.on('connect', onConnect);
    client.on('error', onFailure);
    client.on('close', onClose);
  });
}
