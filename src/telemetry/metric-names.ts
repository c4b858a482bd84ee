/**
 * Names of the metrics this exporter defines itself, without the configured prefix. Quota
 * gauges are named from their keys (quota-series.ts) and must never take one of these.
 */
export const METRICS = {
  online: {
    name: 'online',
    help: '1 if the device is online according to the EcoFlow device list, else 0 (refreshed every DEVICE_LIST_INTERVAL).',
  },
  connectionErrors: {
    name: 'connection_errors',
    help: 'Failed quota reads of the device since start (kept from the Python exporter).',
  },
} as const;

/** Name fragments reserved for the exporter's own metrics, now and in later releases. */
const RESERVED = new Set<string>([METRICS.online.name, METRICS.connectionErrors.name, 'connection_errors_total']);
const RESERVED_PREFIXES = ['exporter_', 'last_update_'];

/** The full metric name of a quota suffix; a suffix that would shadow our own metrics gets `_value`. */
export function quotaMetricName(prefix: string, suffix: string): string {
  const clash = RESERVED.has(suffix) || RESERVED_PREFIXES.some((p) => suffix.startsWith(p));
  return `${prefix}_${clash ? `${suffix}_value` : suffix}`;
}

export function ownMetricName(prefix: string, metric: { name: string }): string {
  return `${prefix}_${metric.name}`;
}
