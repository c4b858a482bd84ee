import type { DeviceRecord } from './quota-snapshot.js';

/** True when an online device has no quota value fresher than `staleAfterMs`. */
export function isStale(device: DeviceRecord, staleAfterMs: number, now = Date.now()): boolean {
  return device.state === 'online' && (device.quotasUpdatedAt === undefined || now - device.quotasUpdatedAt > staleAfterMs);
}
