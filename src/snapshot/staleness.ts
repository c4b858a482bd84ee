/**
 * The staleness rule, in one place: which values are still the device's and which are too old
 * to export. A value older than DATA_STALE_AFTER is left out, never frozen; an online device
 * with no value that fresh counts as stale. One exception: the MQTT stream sends only what
 * changes, so while it speaks for a device, what the last REST read delivered (and the stream
 * did not change since) still holds, until a reconciliation is overdue.
 */
import type { DeviceRecord } from './quota-snapshot.js';

export interface StalenessOptions {
  /** DATA_STALE_AFTER. Default: nothing goes stale. */
  staleAfterMs?: number;
  /** RECONCILE_INTERVAL, when the stream is on: how long REST-delivered values hold. */
  reconcileIntervalMs?: number;
}

/** What one device's values are judged by at one moment. */
export interface FreshnessWindow {
  /** Values written before this (epoch ms) are stale... */
  freshAfter: number;
  /** ...unless they came from REST and this is true. */
  restHolds: boolean;
}

export class StalenessRule {
  readonly staleAfterMs: number;
  readonly #reconcileIntervalMs: number;

  constructor(options: StalenessOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? Infinity;
    this.#reconcileIntervalMs = options.reconcileIntervalMs ?? 0;
  }

  /** The window for `device`'s values at `now`: computed once per device per collection. */
  window(device: DeviceRecord, now: number): FreshnessWindow {
    const freshAfter = now - this.staleAfterMs;
    const reconciledAfter = freshAfter - this.#reconcileIntervalMs;
    return { freshAfter, restHolds: (device.streamedAt ?? 0) >= freshAfter && (device.restReadAt ?? 0) >= reconciledAfter };
  }

  /** True when an online device has no quota value fresher than the stale limit. */
  deviceStale(device: DeviceRecord, now = Date.now()): boolean {
    return device.state === 'online' && (device.quotasUpdatedAt === undefined || now - device.quotasUpdatedAt > this.staleAfterMs);
  }
}

/** Whether a value written at `updatedAt` (by REST when `rest`) is exported under `window`. */
export function isFresh(updatedAt: number, rest: boolean | undefined, window: FreshnessWindow): boolean {
  return updatedAt >= window.freshAfter || (window.restHolds && rest === true);
}
