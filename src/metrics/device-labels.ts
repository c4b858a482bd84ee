import type { Attributes } from '@opentelemetry/api';
import type { DEVICE_LABELS } from '../catalog/catalog.js';
import type { DeviceIdentity } from '../snapshot/quota-snapshot.js';

const cache = new WeakMap<DeviceIdentity, Attributes>();

/**
 * The labels every per-device series carries (the catalog's DEVICE_LABELS, which the type holds
 * this to). The one place they are built; the same object is handed out until the identity changes, so
 * every series of a device shares it.
 */
export function deviceLabels(device: DeviceIdentity): Attributes {
  const cached = cache.get(device);
  if (cached && cached.device === device.sn && cached.device_name === device.name && cached.product_name === device.productName) return cached;
  const labels: Record<(typeof DEVICE_LABELS)[number], string> = { device: device.sn, device_name: device.name, product_name: device.productName };
  cache.set(device, labels);
  return labels;
}
