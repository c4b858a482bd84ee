/** One entry of `GET /iot-open/sign/device/list`. Only `sn` and `online` are promised by the docs. */
export interface DeviceListEntry {
  sn: string;
  deviceName?: string;
  productName?: string;
  online: boolean;
}

/** `data` of `GET /iot-open/sign/device/quota/all`: a flat map of quota key → raw value. */
export type QuotaMap = Record<string, unknown>;

/**
 * `data` of `GET /iot-open/sign/certification`: where the open-API MQTT broker is and how to log
 * in. `password` is a secret like the keys.
 */
export interface StreamCertification {
  /** Broker host name, e.g. mqtt-e.ecoflow.com. */
  host: string;
  port: number;
  /** "mqtts" (TLS) from the real cloud; "mqtt" only ever accepted for a loopback broker. */
  protocol: 'mqtt' | 'mqtts';
  /** MQTT user name, and the `<account>` of every topic. */
  account: string;
  password: string;
}
