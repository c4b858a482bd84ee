import { createHash } from 'node:crypto';

/**
 * The MQTT client ID of this installation. EcoFlow blocks an account that uses more than about
 * ten distinct client IDs a day, so it never changes between connects or restarts: a hash of
 * the access key (never the key itself) and, for a second installation on the same account, an
 * instance name. Allowed characters and length follow MQTT 3.1.1's safe set (23 is the
 * guaranteed minimum; brokers, EcoFlow's included, take more).
 */
export function streamClientId(accessKey: string, instance = ''): string {
  const hash = createHash('sha256').update(`ecoflow-exporter\0${accessKey}`).digest('hex').slice(0, 16);
  const suffix = instance.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
  return suffix ? `ecoflow-exporter-${hash}-${suffix}` : `ecoflow-exporter-${hash}`;
}
