import type { Logger } from '../log/logger.js';
import type { DeviceIdentity, QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import type { StreamCoverage } from './stream-coverage.js';
import type { StreamTopic } from './ecoflow-stream.js';
import { decodeQuotaMessage, decodeStatusMessage, type QuotaShape, type UnknownReason } from './message-codec.js';

export interface StreamFeedOptions {
  snapshot: QuotaSnapshot;
  coverage: StreamCoverage;
  logger: Logger;
  /** Every message of a listed device, by what it was. */
  onMessage?: (device: DeviceIdentity, kind: QuotaShape | 'status') => void;
  /** A message skipped: not understood, or (a bug) failing to merge. */
  onUnknown?: (device: DeviceIdentity, reason: UnknownReason | 'merge_failed') => void;
  /** From the message's arrival to its values being in the series a scrape reads. */
  onMerged?: (seconds: number) => void;
}

/**
 * Stream messages into the snapshot: quota values merged under the keys REST uses, status
 * messages applied to online state at once. A message that is not understood is counted and
 * logged once per device and reason, with a clipped sample; it never stops the stream.
 */
export class StreamFeed {
  readonly #o: StreamFeedOptions;
  readonly #logged = new Set<string>();

  constructor(options: StreamFeedOptions) {
    this.#o = options;
  }

  handle(sn: string, topic: StreamTopic, payload: Buffer): void {
    const started = performance.now();
    const { snapshot } = this.#o;
    const device = snapshot.get(sn);
    if (!device) return;
    const parsed = topic === 'status' ? decodeStatusMessage(payload) : decodeQuotaMessage(payload);
    if (parsed.kind === 'unknown') {
      this.#skipped(device, topic, parsed.reason, { sample: parsed.sample });
      return;
    }
    // Only a message understood counts as the device speaking: one we cannot read keeps nothing fresh.
    this.#o.coverage.heard(sn);
    try {
      if (parsed.kind === 'status') {
        this.#o.onMessage?.(device, 'status');
        if (device.online !== parsed.online) this.#o.logger.info(`device went ${parsed.online ? 'online' : 'offline'} (stream status)`, { sn });
        snapshot.setOnline(sn, parsed.online);
        return;
      }
      this.#o.onMessage?.(device, parsed.shape);
      snapshot.mergeQuotas(sn, parsed.quotas, Date.now());
      // The snapshot's listeners re-derive the series synchronously: they are visible now.
      this.#o.onMerged?.((performance.now() - started) / 1000);
    } catch (err) {
      // A bug, not the device's fault: the stream must go on and REST will reconcile.
      this.#skipped(device, topic, 'merge_failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Counted every time, logged once per device, topic and reason. */
  #skipped(device: DeviceIdentity, topic: StreamTopic, reason: UnknownReason | 'merge_failed', fields: Record<string, unknown>): void {
    this.#o.onUnknown?.(device, reason);
    const once = `${device.sn}\0${topic}\0${reason}`;
    if (this.#logged.has(once)) return;
    this.#logged.add(once);
    this.#o.logger.warn('stream message skipped; counted', { sn: device.sn, topic, reason, ...fields });
  }

  forget(sn: string): void {
    this.#o.coverage.forget(sn);
    for (const key of this.#logged) if (key.startsWith(`${sn}\0`)) this.#logged.delete(key);
  }
}
