/*
 * The EcoFlow IoT Open API endpoints the exporter calls, in one place: the client requests these
 * paths, the simulator answers them, and an endpoint's id (`quota/all`) is what typed errors carry
 * and the `endpoint` label value of the exporter's request metrics. All are signed GETs; the
 * answer is the `{"code","message","data"}` envelope, and the comment on each says what `data`
 * is (EcoFlow's developer documentation, tag DOC of src/devices/sources.ts).
 */

export const ENDPOINT_PATHS = {
  /** GET, no query. `data`: the key's devices, `[{sn, deviceName, productName, online}]`. */
  'device/list': '/iot-open/sign/device/list',
  /** GET `?sn=<serial number>`. `data`: every quota of that device, a flat key → raw value map (1006 when the key may not read it). */
  'quota/all': '/iot-open/sign/device/quota/all',
  /** GET, no query. `data`: the open-API MQTT broker (`url`, `port` as a string, `protocol`) and its `certificateAccount` / `certificatePassword`. */
  certification: '/iot-open/sign/certification',
} as const;

/** One of ENDPOINT_PATHS; also the `endpoint` label value of the request metrics. */
export type EcoflowEndpoint = keyof typeof ENDPOINT_PATHS;

/** The endpoint whose path is `path`, if it is one of ours. */
export function endpointOfPath(path: string): EcoflowEndpoint | undefined {
  for (const [endpoint, p] of Object.entries(ENDPOINT_PATHS)) if (p === path) return endpoint as EcoflowEndpoint;
  return undefined;
}
