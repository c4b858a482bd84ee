/**
 * When /readyz says ready: the device list has loaded and the EcoFlow API answered within three
 * of the longer poll interval. Three, so one slow or failed round does not flap a probe that an
 * orchestrator acts on; an API that has not answered for that long serves only old data.
 */
export interface ReadinessSources {
  /** The poller has loaded the device list once. */
  listLoaded: () => boolean;
  /** Epoch ms of the last request the API answered, if any. */
  lastApiSuccessAt: () => number | undefined;
  collectingIntervalMs: number;
  deviceListIntervalMs: number;
}

export const READY_WINDOW_INTERVALS = 3;

export function readinessCheck(o: ReadinessSources): (now?: number) => boolean {
  const windowMs = READY_WINDOW_INTERVALS * Math.max(o.collectingIntervalMs, o.deviceListIntervalMs);
  return (now = Date.now()) => o.listLoaded() && now - (o.lastApiSuccessAt() ?? 0) < windowMs;
}
