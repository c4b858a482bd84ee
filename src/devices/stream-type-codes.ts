/**
 * The open-API MQTT stream names a Delta 2-generation message's module by a type code; REST
 * quota/all names the same values by a key prefix. Mapping one to the other keeps metric names
 * (raw and unified) the same whichever transport delivered a value.
 * Sources (tags of sources.ts): TOL `devices/public/data_bridge.py`, HB's `MqttMessageType`. A
 * type code not listed here is counted as an unknown message, never merged under an invented
 * prefix.
 */
export const STREAM_TYPE_CODES: Readonly<Record<string, string>> = {
  pdStatus: 'pd',
  mpptStatus: 'mppt',
  invStatus: 'inv',
  bmsStatus: 'bms_bmsStatus',
  emsStatus: 'bms_emsStatus',
  bmsSlaveStatus_1: 'bms_slave_bmsSlaveStatus_1',
};

/** The type code whose messages carry keys under `prefix`, if the stream has one. */
export function typeCodeOfPrefix(prefix: string): string | undefined {
  for (const [code, p] of Object.entries(STREAM_TYPE_CODES)) if (p === prefix) return code;
  return undefined;
}
