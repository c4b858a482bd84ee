import { API_CODES, EcoflowApiError, EcoflowCircuitOpenError, EcoflowError, EcoflowResponseError } from '../ecoflow/errors.js';
import type { QuotaReadPlan } from '../ecoflow/quota-reader.js';
import type { DeviceListEntry, QuotaMap } from '../ecoflow/types.js';
import type { Logger } from '../log/logger.js';
import type { DeviceIdentity, QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import { backoffDelay } from '../timing/backoff-delay.js';
import { sleep } from '../timing/sleep.js';

/** What the poller needs of the EcoFlow client. */
export interface DeviceSource {
  listDevices(): Promise<DeviceListEntry[]>;
  /**
   * With `plan`, only the keys it takes are kept in the answer (the snapshot's plan of a full
   * read). Undefined: the answer had no data.
   */
  getAllQuotas(sn: string, plan?: QuotaReadPlan): Promise<QuotaMap | undefined>;
}

export interface PollerOptions {
  source: DeviceSource;
  snapshot: QuotaSnapshot;
  logger: Logger;
  /** Serial numbers to export; empty: every device on the account's list. */
  deviceSns: readonly string[];
  deviceNameOverride?: string;
  collectingIntervalMs: number;
  /** While `streamCovers(sn)`, a device is read this often instead. Default 5 min. */
  reconcileIntervalMs?: number;
  /** True while the MQTT stream keeps the device fresh; absent: no stream. */
  streamCovers?: (sn: string) => boolean;
  /**
   * A model whose values all come over the stream (REST answers it with no data), known by its
   * name or serial number: never read over REST. Default: none.
   */
  streamOnly?: (device: DeviceIdentity) => boolean;
  deviceListIntervalMs: number;
  retryTimeoutMs: number;
  establishAttempts: number;
  /** How long a device the key may not read (1006) rests before it is tried again. Default 30 min. */
  restrictedRetryMs?: number;
  /** Longest wait between attempts on a failing device. Default 5 min. */
  maxBackoffMs?: number;
  /** The backoff's jitter source, uniform in [0, 1). Default Math.random. */
  random?: () => number;
  reporter?: PollReporter;
}

/** What the poller reports (the self-metrics). */
export interface PollReporter {
  /** A successful device-list or quota read (with the device), its duration including the snapshot update. */
  recordPoll(kind: 'list' | 'quota', seconds: number, sn?: string): void;
  /** A quota read of `device` failed. */
  recordPollFailure(device: DeviceIdentity): void;
}

/** Start-up could not load the device list; `cause` is the last error. */
export class EstablishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EstablishError';
  }
}

interface DeviceTask {
  timer?: NodeJS.Timeout;
  failures: number;
  restrictedLogged: boolean;
  /** Epoch ms of the last successful read. */
  readAt?: number;
}

/**
 * Keeps the snapshot current: the device list every DEVICE_LIST_INTERVAL, and each selected
 * online device's quotas every COLLECTING_INTERVAL, spread over the interval rather than all at
 * once; every RECONCILE_INTERVAL instead while the MQTT stream keeps the device fresh. A
 * device's polls never overlap; a failing device backs off without touching the others and
 * keeps its last good data. Follows online changes from either source (list or stream status).
 */
export class Poller {
  readonly #o: Required<Omit<PollerOptions, 'deviceNameOverride' | 'reporter' | 'streamCovers' | 'streamOnly'>> &
    Pick<PollerOptions, 'deviceNameOverride' | 'reporter' | 'streamCovers' | 'streamOnly'>;
  readonly #log: Logger;
  readonly #tasks = new Map<string, DeviceTask>();
  readonly #missingLogged = new Set<string>();
  /** Stream-only devices told of while the stream is off: once each. */
  readonly #needsStreamLogged = new Set<string>();
  readonly #stop = new AbortController();
  #listTimer?: NodeJS.Timeout;
  #listFailing = false;
  #unsubscribe?: () => void;
  #started = false;
  #ready = false;

  constructor(options: PollerOptions) {
    this.#o = { restrictedRetryMs: 30 * 60_000, maxBackoffMs: 5 * 60_000, reconcileIntervalMs: 5 * 60_000, random: Math.random, ...options };
    this.#log = options.logger;
  }

  /** True once the device list has been loaded. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Loads the device list, trying ESTABLISH_ATTEMPTS times RETRY_TIMEOUT apart, then starts
   * the background loops. Rejects with EstablishError; an unknown key (8513) fails at once.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const attempts = this.#o.establishAttempts;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        this.#applyList(await this.#o.source.listDevices());
        this.#o.reporter?.recordPoll('list', (performance.now() - started) / 1000);
        break;
      } catch (err) {
        if (this.#stop.signal.aborted) return;
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof EcoflowApiError && err.apiCode === API_CODES.accessKeyInvalid) {
          throw new EstablishError(`cannot start: ${message}`, { cause: err });
        }
        if (attempt >= attempts) {
          throw new EstablishError(`cannot start: the device list failed ${attempts} time(s); last error: ${message}`, { cause: err });
        }
        this.#log.warn('device list failed, retrying', {
          attempt,
          attempts,
          retry_in_s: this.#o.retryTimeoutMs / 1000,
          error: message,
          ...errorFields(err),
        });
        try {
          await sleep(this.#o.retryTimeoutMs, this.#stop.signal);
        } catch {
          return;
        }
      }
    }
    this.#ready = true;
    this.#log.info('device list loaded', { devices: this.#o.snapshot.size });
    // A stream status message changes online state between lists: start or end polling then.
    this.#unsubscribe = this.#o.snapshot.subscribe((change) => {
      if (change.kind === 'device-changed') this.#reconcileTasks();
    });
    this.#scheduleList();
  }

  stop(): void {
    this.#stop.abort();
    this.#unsubscribe?.();
    clearTimeout(this.#listTimer);
    for (const task of this.#tasks.values()) clearTimeout(task.timer);
    this.#tasks.clear();
  }

  #scheduleList(delayMs = this.#o.deviceListIntervalMs): void {
    if (this.#stop.signal.aborted) return;
    this.#listTimer = setTimeout(() => void this.#refreshList(), delayMs);
    this.#listTimer.unref();
  }

  async #refreshList(): Promise<void> {
    const started = performance.now();
    try {
      const list = await this.#o.source.listDevices();
      if (this.#stop.signal.aborted) return;
      this.#applyList(list);
      this.#o.reporter?.recordPoll('list', (performance.now() - started) / 1000);
      if (this.#listFailing) this.#log.info('device list recovered');
      this.#listFailing = false;
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      const fields = { error: err instanceof Error ? err.message : String(err), ...errorFields(err) };
      // Once per state change: a cloud outage must not flood the log.
      if (!this.#listFailing) this.#log.warn('device list failed; keeping the last known devices', fields);
      else this.#log.debug('device list still failing', fields);
      this.#listFailing = true;
      // Nothing was sent: come back when calls resume rather than asking every interval.
      if (err instanceof EcoflowCircuitOpenError) {
        this.#scheduleList(Math.max(this.#o.deviceListIntervalMs, err.retryInMs));
        return;
      }
    }
    this.#scheduleList();
  }

  #applyList(list: DeviceListEntry[]): void {
    const wanted = this.#o.deviceSns;
    const selected = wanted.length === 0 ? list : list.filter((d) => wanted.includes(d.sn));
    for (const sn of wanted) {
      if (list.some((d) => d.sn === sn)) this.#missingLogged.delete(sn);
      else if (!this.#missingLogged.has(sn)) {
        this.#missingLogged.add(sn);
        this.#log.warn("device not on the account's device list; check ECOFLOW_DEVICE_SN", { sn });
      }
    }
    this.#o.snapshot.setDevices(
      selected.map((d) => ({
        sn: d.sn,
        name: this.#o.deviceNameOverride ?? d.deviceName ?? d.sn,
        productName: d.productName ?? '',
        online: d.online,
      })),
    );
    this.#reconcileTasks();
  }

  /** One task per online device read over REST; new ones are spread over the collecting interval. */
  #reconcileTasks(): void {
    const online = [...this.#o.snapshot.devices()].filter((d) => d.online && !this.#streamOnly(d)).map((d) => d.sn);
    const stillOnline = new Set(online);
    for (const [sn, task] of this.#tasks) {
      if (stillOnline.has(sn)) continue;
      clearTimeout(task.timer);
      this.#tasks.delete(sn);
    }
    const fresh = online.filter((sn) => !this.#tasks.has(sn));
    fresh.forEach((sn, i) => {
      const task: DeviceTask = { failures: 0, restrictedLogged: false };
      this.#tasks.set(sn, task);
      this.#schedule(sn, task, Math.floor((i * this.#o.collectingIntervalMs) / Math.max(fresh.length, 1)));
    });
  }

  /** Whether REST leaves `device` to the stream; said once per device when there is no stream. */
  #streamOnly(device: DeviceIdentity): boolean {
    if (!this.#o.streamOnly?.(device)) return false;
    if (!this.#o.streamCovers && !this.#needsStreamLogged.has(device.sn)) {
      this.#needsStreamLogged.add(device.sn);
      this.#log.warn('this model sends its values only over the MQTT stream, which ECOFLOW_MQTT=off turns off: it stays listed without values', {
        sn: device.sn,
        product_name: device.productName,
      });
    }
    return true;
  }

  #schedule(sn: string, task: DeviceTask, delayMs: number): void {
    if (this.#stop.signal.aborted || this.#tasks.get(sn) !== task) return;
    task.timer = setTimeout(() => void this.#poll(sn, task), delayMs);
    task.timer.unref();
  }

  async #poll(sn: string, task: DeviceTask): Promise<void> {
    let next = this.#o.collectingIntervalMs;
    // The stream keeps it fresh: REST only reconciles. Checked every collecting interval, so
    // REST takes over within one when the stream goes down or the device falls silent on it.
    if (task.readAt !== undefined && task.failures === 0 && this.#o.streamCovers?.(sn)) {
      const dueIn = task.readAt + this.#o.reconcileIntervalMs - Date.now();
      if (dueIn > 0) {
        this.#schedule(sn, task, Math.min(next, dueIn));
        return;
      }
    }
    const started = performance.now();
    try {
      const plan = this.#o.snapshot.planFullRead(sn);
      const quotas = await this.#o.source.getAllQuotas(sn, plan);
      if (this.#tasks.get(sn) !== task) return; // went offline or left while we waited
      // The cloud answered, so not its failure; the device's, as no value came.
      if (quotas === undefined) throw new EcoflowResponseError('quota/all', 'the answer has no "data" (a model whose values come only over the MQTT stream?)');
      task.readAt = Date.now();
      this.#o.snapshot.setRestricted(sn, false);
      this.#o.snapshot.replaceQuotas(sn, quotas, task.readAt, plan);
      this.#o.reporter?.recordPoll('quota', (performance.now() - started) / 1000, sn);
      if (task.failures > 0) this.#log.info('device polling recovered', { sn, failures: task.failures });
      task.failures = 0;
      task.restrictedLogged = false;
    } catch (err) {
      if (this.#tasks.get(sn) !== task) return;
      if (err instanceof EcoflowCircuitOpenError) {
        // Nothing was sent: not this device's failure. Come back when calls resume.
        next = Math.max(this.#o.collectingIntervalMs, err.retryInMs);
      } else if (err instanceof EcoflowApiError && err.apiCode === API_CODES.deviceNotAllowed) {
        this.#o.snapshot.setRestricted(sn, true);
        if (!task.restrictedLogged) {
          this.#log.warn('device quotas may not be read with this key; it stays listed without quota metrics', {
            sn,
            ...errorFields(err),
            error: err.message,
            retry_in_s: this.#o.restrictedRetryMs / 1000,
          });
        }
        task.restrictedLogged = true;
        next = this.#o.restrictedRetryMs;
      } else {
        task.failures++;
        const device = this.#o.snapshot.get(sn);
        if (device) this.#o.reporter?.recordPollFailure(device);
        const fields = { sn, failures: task.failures, error: err instanceof Error ? err.message : String(err), ...errorFields(err) };
        if (task.failures === 1) this.#log.warn('device poll failed; keeping its last data', fields);
        else this.#log.debug('device poll failed again', fields);
        next = this.#backoff(task.failures);
      }
    }
    this.#schedule(sn, task, next);
  }

  /**
   * A failing device is read no more often than a healthy one: the first retry waits one to two
   * collecting intervals (attempt failures + 1: the ceiling starts at twice the interval), and
   * never less than one interval, whatever maxBackoffMs says.
   */
  #backoff(failures: number): number {
    const base = this.#o.collectingIntervalMs;
    return Math.max(base, backoffDelay(failures + 1, { baseMs: base, maxMs: Math.max(base, this.#o.maxBackoffMs), random: this.#o.random }));
  }
}

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof EcoflowApiError) return { error_kind: err.kind, api_code: err.apiCode, endpoint: err.endpoint };
  if (err instanceof EcoflowError) return { error_kind: err.kind, endpoint: err.endpoint };
  return {};
}
