/** One entry of `GET /iot-open/sign/device/list`. Only `sn` and `online` are promised by the docs. */
export interface DeviceListEntry {
  sn: string;
  deviceName?: string;
  productName?: string;
  online: boolean;
}

/** `data` of `GET /iot-open/sign/device/quota/all`: a flat map of quota key → raw value. */
export type QuotaMap = Record<string, unknown>;
