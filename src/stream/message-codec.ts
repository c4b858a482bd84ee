/*
 * The open-API MQTT stream's messages, both ways: decoding what arrives on
 * `/open/<account>/<sn>/quota` and `/status` into the snapshot's terms (quota keys named as REST
 * quota/all names them), and encoding quota/all keys into the message a device of a given shape
 * would send (for the simulator). One module so the two directions cannot drift: the encoder
 * carries a key only where the decoder gives it back unchanged (`carries`), and a round-trip test
 * holds them to it. Pure; knows nothing of MQTT connections or metrics.
 */
import type { StreamShape } from '../devices/device-family.js';

/** The four ways devices shape quota messages; each family says which it uses (DeviceFamily.streamShape). */
export type QuotaShape = StreamShape;

/**
 * The stream names a Delta 2-generation message's module by a type code; REST quota/all names the
 * same values by a key prefix. Mapping one to the other keeps metric names (raw and unified) the
 * same whichever transport delivered a value.
 * Sources (tags of src/devices/sources.ts): TOL `devices/public/data_bridge.py`, HB's
 * `MqttMessageType`. A type code not listed here is counted as an unknown message, never merged
 * under an invented prefix.
 */
export const STREAM_TYPE_CODES: Readonly<Record<string, string>> = {
  pdStatus: 'pd',
  mpptStatus: 'mppt',
  invStatus: 'inv',
  bmsStatus: 'bms_bmsStatus',
  emsStatus: 'bms_emsStatus',
  bmsSlaveStatus_1: 'bms_slave_bmsSlaveStatus_1',
};

/** A real quota message is a few kB; anything far larger is not one. The encoder does not split: no device comes near. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** `version` of the `{"id","version","timestamp","params"}` envelope, as the cloud writes it. */
const ENVELOPE_VERSION = '1.0';
/** Fields of the envelope (and of a flat message) that are not device values. */
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['id', 'version', 'timestamp']);
/**
 * Fields the decoder reads as a shape's markers (`typeCode`, `cmdFunc`/`cmdId`, `params`, and
 * `param`, the cmd shape's values): a flat message holding one may be read as another shape,
 * depending on its value and the other fields, so the encoder leaves them out rather than judge.
 */
const SHAPE_FIELDS: ReadonlySet<string> = new Set(['typeCode', 'cmdFunc', 'cmdId', 'params', 'param']);
/**
 * `20_1.pv1InputWatts`: cmdFunc 20, cmdId 1. Codes in canonical decimal only: `020_1.x` would
 * come back as `20_1.x`.
 */
const CMD_KEY = /^(0|[1-9]\d{0,4})_(0|[1-9]\d{0,4})\.(.*)$/s;
const SAMPLE_CHARS = 120;

// --- decoding ---------------------------------------------------------------------------------

export type UnknownReason = 'not_json' | 'not_an_object' | 'too_large' | 'unknown_type_code' | 'no_values' | 'bad_status';

export type DecodedQuota = { kind: 'quota'; shape: QuotaShape; quotas: Record<string, unknown> } | Unknown;
export type DecodedStatus = { kind: 'status'; online: boolean } | Unknown;

export interface Unknown {
  kind: 'unknown';
  reason: UnknownReason;
  /** At most SAMPLE_CHARS of the payload, printable characters only, for one log line. */
  sample: string;
}

export function decodeQuotaMessage(payload: Buffer): DecodedQuota {
  const body = decodeObject(payload);
  if (body.kind === 'unknown') return body;
  const o = body.value;
  if (typeof o.typeCode === 'string') {
    // hasOwn: a type code such as `constructor` must not find Object.prototype's.
    const prefix = Object.hasOwn(STREAM_TYPE_CODES, o.typeCode) ? STREAM_TYPE_CODES[o.typeCode] : undefined;
    if (prefix === undefined) return unknown('unknown_type_code', payload);
    return quota('type_code', prefixed(prefix, o.params), payload);
  }
  if (isCode(o.cmdFunc) && isCode(o.cmdId)) return quota('cmd', prefixed(`${o.cmdFunc}_${o.cmdId}`, o.param ?? o.params), payload);
  if (isObject(o.params)) return quota('params', { ...o.params }, payload);
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (!ENVELOPE_FIELDS.has(key)) flat[key] = value;
  return quota('flat', flat, payload);
}

export function decodeStatusMessage(payload: Buffer): DecodedStatus {
  const body = decodeObject(payload);
  if (body.kind === 'unknown') return body;
  const status = isObject(body.value.params) ? body.value.params.status : undefined;
  if (status === 0 || status === 1 || status === '0' || status === '1') return { kind: 'status', online: Number(status) === 1 };
  return unknown('bad_status', payload);
}

function decodeObject(payload: Buffer): { kind: 'object'; value: Record<string, any> } | Unknown {
  if (payload.length > MAX_MESSAGE_BYTES) return unknown('too_large', payload);
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return unknown('not_json', payload);
  }
  return isObject(value) ? { kind: 'object', value } : unknown('not_an_object', payload);
}

function prefixed(prefix: string, params: unknown): Record<string, unknown> | undefined {
  if (!isObject(params)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[`${prefix}.${key}`] = value;
  return out;
}

function quota(shape: QuotaShape, quotas: Record<string, unknown> | undefined, payload: Buffer): DecodedQuota {
  if (!quotas || Object.keys(quotas).length === 0) return unknown('no_values', payload);
  return { kind: 'quota', shape, quotas };
}

function unknown(reason: UnknownReason, payload: Buffer): Unknown {
  const text = payload.subarray(0, SAMPLE_CHARS * 4).toString('utf8');
  const clipped = text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
  return { kind: 'unknown', reason, sample: clipped.replace(/[^\x20-\x7e…]/g, '?') };
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** cmdFunc / cmdId are small integers (20, 1, 134); a string one is accepted as the cloud is loose with types. */
function isCode(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,5}$/.test(v));
}

// --- encoding ---------------------------------------------------------------------------------

/** One message body (the payload is its JSON) and the quota/all keys it carries. */
export interface EncodedQuotaMessage {
  message: Record<string, unknown>;
  keys: string[];
}

/**
 * The messages, in `shape`, that carry `quotas` (quota/all key names): one per type code or
 * cmdFunc/cmdId pair, in the order keys are first seen; one for `params` and `flat`. Keys the
 * shape cannot carry (`carries`) are left out; nothing to carry, no message.
 */
export function encodeQuotaMessages(shape: QuotaShape, quotas: Record<string, unknown>, now = Date.now()): EncodedQuotaMessage[] {
  const entries = Object.entries(quotas).filter(([key]) => carries(shape, key));
  if (entries.length === 0) return [];
  switch (shape) {
    case 'params':
      return [{ message: envelope(Object.fromEntries(entries), now), keys: entries.map(([key]) => key) }];
    case 'flat':
      return [{ message: Object.fromEntries(entries), keys: entries.map(([key]) => key) }];
    case 'type_code':
      return grouped(entries, (key) => {
        const dot = key.indexOf('.');
        return { group: typeCodeOfPrefix(key.slice(0, dot))!, name: key.slice(dot + 1) };
      }).map(({ group, params, keys }) => ({ message: { typeCode: group, params }, keys }));
    case 'cmd':
      return grouped(entries, (key) => {
        const [, cmdFunc, cmdId, name] = CMD_KEY.exec(key)!;
        return { group: `${cmdFunc}_${cmdId}`, name: name! };
      }).map(({ group, params, keys }) => {
        const [cmdFunc, cmdId] = group.split('_').map(Number);
        return { message: { cmdFunc, cmdId, param: params }, keys };
      });
  }
}

/** A status message as the cloud sends it: `{"id","version","timestamp","params":{"status":0|1}}`. */
export function encodeStatusMessage(online: boolean, now = Date.now()): Record<string, unknown> {
  return envelope({ status: online ? 1 : 0 }, now);
}

/**
 * Whether a `shape` message can carry quota/all key `key`, so that decoding gives it back
 * unchanged: `type_code` a key under a prefix STREAM_TYPE_CODES maps, `cmd` a
 * `<cmdFunc>_<cmdId>.` key, `params` any key, `flat` any but the envelope and shape fields.
 */
export function carries(shape: QuotaShape, key: string): boolean {
  switch (shape) {
    case 'params':
      return true;
    case 'flat':
      return !ENVELOPE_FIELDS.has(key) && !SHAPE_FIELDS.has(key);
    case 'type_code': {
      const dot = key.indexOf('.');
      return dot > 0 && typeCodeOfPrefix(key.slice(0, dot)) !== undefined;
    }
    case 'cmd':
      return CMD_KEY.test(key);
  }
}

function envelope(params: Record<string, unknown>, now: number): Record<string, unknown> {
  return { id: String(now), version: ENVELOPE_VERSION, timestamp: now, params };
}

function typeCodeOfPrefix(prefix: string): string | undefined {
  for (const [code, p] of Object.entries(STREAM_TYPE_CODES)) if (p === prefix) return code;
  return undefined;
}

/** Keys sorted into messages by `split`, in first-seen order. */
function grouped(
  entries: Array<[string, unknown]>,
  split: (key: string) => { group: string; name: string },
): Array<{ group: string; params: Record<string, unknown>; keys: string[] }> {
  const groups = new Map<string, { group: string; params: Record<string, unknown>; keys: string[] }>();
  for (const [key, value] of entries) {
    const s = split(key);
    let g = groups.get(s.group);
    if (!g) groups.set(s.group, (g = { group: s.group, params: {}, keys: [] }));
    g.params[s.name] = value;
    g.keys.push(key);
  }
  return [...groups.values()];
}

/** The two topics a device publishes on: quota values, and online/offline. */
export type StreamTopic = 'quota' | 'status';

/** `/open/<account>/<sn>/<quota|status>`: where a device's messages are published. */
export function topicOf(account: string, sn: string, kind: StreamTopic): string {
  return `/open/${account}/${sn}/${kind}`;
}

/** The device and kind of a topic of that form; undefined for any other topic. */
export function parseTopic(topic: string): { sn: string; kind: StreamTopic } | undefined {
  const parts = topic.split('/');
  const [, open, , sn, kind] = parts;
  if (parts.length !== 5 || open !== 'open' || !sn || (kind !== 'quota' && kind !== 'status')) return undefined;
  return { sn, kind };
}
