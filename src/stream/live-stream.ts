import type { StreamCertification } from '../ecoflow/types.js';
import type { Logger } from '../log/logger.js';
import type { DeviceIdentity, QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import { EcoflowStream, type StreamError, type StreamState } from './ecoflow-stream.js';
import { StreamCoverage } from './stream-coverage.js';
import { StreamFeed } from './stream-feed.js';
import type { QuotaShape, UnknownReason } from './message-codec.js';
import { trustedCertificates } from './trust-store.js';

const SHORT_LIVED_MS = 30_000;

/** Where the stream reports what it does (the self-metrics). */
export interface StreamReporter {
  recordStreamState(state: 'off' | 'connecting' | 'connected' | 'down'): void;
  recordStreamMessage(device: DeviceIdentity, kind: QuotaShape | 'status'): void;
  recordStreamUnknown(device: DeviceIdentity, reason: UnknownReason | 'merge_failed'): void;
  recordStreamMerge(seconds: number): void;
}

export interface LiveStreamOptions {
  snapshot: QuotaSnapshot;
  /** The signed certification call; the password it returns is handed to the logger as a secret. */
  certification: () => Promise<StreamCertification>;
  clientId: string;
  /** NODE_EXTRA_CA_CERTS. */
  extraCaFile?: string;
  /** ECOFLOW_MQTT_SILENCE. */
  silenceMs: number;
  /** For the log line that says how REST behaves now. */
  reconcileIntervalMs: number;
  logger: Logger;
  reporter: StreamReporter;
}

/**
 * The open-API MQTT stream wired into the exporter: the connection follows the snapshot's
 * devices, its messages feed the snapshot, `coverage` tells the poller which devices it keeps
 * fresh, and its state changes are logged once each and reported.
 */
export class LiveStream {
  readonly coverage: StreamCoverage;
  readonly #o: LiveStreamOptions;
  readonly #stream: EcoflowStream;
  readonly #unsubscribe: () => void;
  #running = false;
  #connectedAt = 0;
  /** Connections in a row that were lost within SHORT_LIVED_MS. */
  #shortLived = 0;

  constructor(options: LiveStreamOptions) {
    this.#o = options;
    const { snapshot, logger, reporter } = options;
    this.coverage = new StreamCoverage({ minSilenceMs: options.silenceMs });
    const feed = new StreamFeed({
      snapshot,
      coverage: this.coverage,
      logger,
      onMessage: (device, kind) => reporter.recordStreamMessage(device, kind),
      onUnknown: (device, reason) => reporter.recordStreamUnknown(device, reason),
      onMerged: (seconds) => reporter.recordStreamMerge(seconds),
    });
    this.#stream = new EcoflowStream({
      certification: async () => {
        const certification = await options.certification();
        logger.addSecret(certification.password);
        return certification;
      },
      clientId: options.clientId,
      ca: trustedCertificates(options.extraCaFile),
      onMessage: (sn, topic, payload) => feed.handle(sn, topic, payload),
      onStateChange: (state, error) => this.#onState(state, error),
      onSubscribeRefused: (sn) => logger.warn('the broker refused the stream topics of a device; it is polled over REST', { sn }),
    });
    this.#unsubscribe = snapshot.subscribe((change) => {
      if (change.kind === 'device-added' || change.kind === 'device-removed') this.#stream.setDevices([...snapshot.devices()].map((d) => d.sn));
      if (change.kind === 'device-removed') feed.forget(change.sn);
    });
    this.#stream.setDevices([...snapshot.devices()].map((d) => d.sn));
  }

  /**
   * The first connect. `auto`: when it fails, REST carries on and the stream keeps trying in the
   * background; `on`: rejects, so start-up fails with the broker's answer.
   */
  async start(mode: 'auto' | 'on'): Promise<void> {
    try {
      await this.#stream.start();
    } catch (err) {
      const e = err as StreamError;
      if (mode === 'on') throw new Error(`ECOFLOW_MQTT=on, but the MQTT stream is unavailable: ${e.message}`, { cause: err });
      this.#o.logger.warn('MQTT stream unavailable: polling REST every COLLECTING_INTERVAL (set ECOFLOW_MQTT=off to stop trying)', {
        reason: e.reason,
        error: e.message,
      });
    } finally {
      this.#running = true;
    }
  }

  async stop(): Promise<void> {
    this.#unsubscribe();
    await this.#stream.stop();
  }

  /**
   * A broker drops the older of two connections with one client ID: two installations sharing
   * a key (and no ECOFLOW_MQTT_CLIENT_ID) knock each other off again and again.
   */
  #noticeTakeover(log: Logger): void {
    this.#shortLived = Date.now() - this.#connectedAt < SHORT_LIVED_MS ? this.#shortLived + 1 : 0;
    if (this.#shortLived !== 3) return;
    log.warn(
      'the MQTT connection keeps being dropped soon after it opens: is another installation using this key with the same client ID? Give each one its own ECOFLOW_MQTT_CLIENT_ID',
      {
        client_id: this.#o.clientId,
      },
    );
  }

  #onState(state: StreamState, error: StreamError | undefined): void {
    const log = this.#o.logger;
    const wasConnected = this.coverage.isConnected;
    if (state === 'connected') this.coverage.connected();
    else this.coverage.disconnected();
    this.#o.reporter.recordStreamState(state === 'stopped' ? 'off' : state);
    const cause = { error: error?.message, reason: error?.reason };
    if (state === 'connected') this.#connectedAt = Date.now();
    if (state === 'down' && wasConnected) this.#noticeTakeover(log);
    if (state === 'connected') {
      log.info('MQTT stream connected: values arrive as devices send them; REST reconciles every RECONCILE_INTERVAL', {
        client_id: this.#o.clientId,
        reconcile_interval_s: this.#o.reconcileIntervalMs / 1000,
      });
    } else if (state === 'down' && wasConnected) {
      log.warn('MQTT stream lost; REST polls every COLLECTING_INTERVAL until it is back', cause);
    } else if (state === 'down' && this.#running) {
      // Start-up says why once; the retries after it are detail.
      log.debug('MQTT stream still down', cause);
    }
  }
}
