/*
 * What a message on `/open/<account>/<sn>/quota` or `/status` says, in the snapshot's terms:
 * quota keys named as REST quota/all names them. Pure; knows nothing of MQTT or metrics.
 */
import type { StreamShape } from '../devices/device-family.js';
import { STREAM_TYPE_CODES } from '../devices/stream-type-codes.js';

/** The four ways devices shape quota messages; each family says which it uses (DeviceFamily.streamShape). */
export type QuotaShape = StreamShape;

export type UnknownReason = 'not_json' | 'not_an_object' | 'too_large' | 'unknown_type_code' | 'no_values' | 'bad_status';

export type ParsedQuota = { kind: 'quota'; shape: QuotaShape; quotas: Record<string, unknown> } | Unknown;
export type ParsedStatus = { kind: 'status'; online: boolean } | Unknown;

export interface Unknown {
  kind: 'unknown';
  reason: UnknownReason;
  /** At most SAMPLE_CHARS of the payload, printable characters only, for one log line. */
  sample: string;
}

/** A real quota message is a few kB; anything far larger is not one. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const SAMPLE_CHARS = 120;
/** Envelope fields of a flat message that are not device values. */
const ENVELOPE_FIELDS = new Set(['id', 'version', 'timestamp']);

export function parseQuotaMessage(payload: Buffer): ParsedQuota {
  const body = parseObject(payload);
  if (body.kind === 'unknown') return body;
  const o = body.value;
  if (typeof o.typeCode === 'string') {
    const prefix = STREAM_TYPE_CODES[o.typeCode];
    if (prefix === undefined) return unknown('unknown_type_code', payload);
    return quota('type_code', prefixed(prefix, o.params), payload);
  }
  if (isCode(o.cmdFunc) && isCode(o.cmdId)) return quota('cmd', prefixed(`${o.cmdFunc}_${o.cmdId}`, o.param ?? o.params), payload);
  if (isObject(o.params)) return quota('params', { ...o.params }, payload);
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (!ENVELOPE_FIELDS.has(key)) flat[key] = value;
  return quota('flat', flat, payload);
}

export function parseStatusMessage(payload: Buffer): ParsedStatus {
  const body = parseObject(payload);
  if (body.kind === 'unknown') return body;
  const status = isObject(body.value.params) ? body.value.params.status : undefined;
  if (status === 0 || status === 1 || status === '0' || status === '1') return { kind: 'status', online: Number(status) === 1 };
  return unknown('bad_status', payload);
}

function parseObject(payload: Buffer): { kind: 'object'; value: Record<string, any> } | Unknown {
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

function quota(shape: QuotaShape, quotas: Record<string, unknown> | undefined, payload: Buffer): ParsedQuota {
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
