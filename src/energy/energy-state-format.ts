/**
 * The state file's text, apart from the disk (energy-state-file.ts reads and writes it there):
 * every energy counter as last exported, under a header that says what the file is. Text that
 * says it is something else, or holds anything but counters, is not read; counters the catalog
 * does not know are left out and named. Knows nothing of files.
 */
import { decodeCounterKey } from './counter-key.js';
import type { DailyState } from './daily-counter.js';
import type { DeviceEnergyState } from './device-energy.js';
import type { Anchor, DeviceCounterState, Level } from './device-counter.js';
import type { IntegratedState } from './power-integrator.js';

/** What the file says it is; a file that says otherwise is not read. */
export const STATE_FORMAT = 'ecoflow-exporter energy state';
/**
 * Bumped when the meaning of a field changes. Version 2 added device counters; version-1 files
 * (integrated and daily counters only) are read as they are. Files of other versions are set
 * aside, not read.
 */
const STATE_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

export interface EnergyStateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** The exporter version that wrote it, for people reading the file. */
  writtenBy: string;
  writtenAt: string;
  devices: Record<string, DeviceEnergyState>;
}

export type ParsedState =
  /** `dropped`: counters the catalog does not know (`sn counter`), left out. */
  | { kind: 'read'; devices: Record<string, DeviceEnergyState>; writtenAt: string; dropped: string[] }
  /** `why` says what is wrong. */
  | { kind: 'unusable'; why: string };

/** The whole state as the file's text, written by `writtenBy` (the exporter version) at `now`. */
export function formatEnergyState(devices: Record<string, DeviceEnergyState>, writtenBy: string, now: number): string {
  const file: EnergyStateFile = { format: STATE_FORMAT, version: STATE_VERSION, writtenBy, writtenAt: new Date(now).toISOString(), devices };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** A state file's text, read: its counters the catalog knows, or what is wrong with it. */
export function parseEnergyState(text: string): ParsedState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'unusable', why: 'not valid JSON' };
  }
  const why = problemOf(parsed);
  if (why) return { kind: 'unusable', why };
  const file = parsed as EnergyStateFile;
  return { kind: 'read', ...knownCounters(file.devices), writtenAt: file.writtenAt };
}

/** What is wrong with a parsed file, or undefined if it is a state file of a version read. */
function problemOf(parsed: unknown): string | undefined {
  if (!isObject(parsed) || parsed.format !== STATE_FORMAT) return 'not an energy state file';
  if (!READABLE_VERSIONS.includes(parsed.version))
    return `format version ${JSON.stringify(parsed.version)}, this exporter reads versions ${READABLE_VERSIONS.join(' and ')}`;
  if (typeof parsed.writtenAt !== 'string' || !isObject(parsed.devices)) return 'no devices';
  for (const [sn, device] of Object.entries(parsed.devices)) {
    if (!isObject(device) || !isObject(device.integrated) || !isObject(device.daily)) return `device ${sn}: no integrated and daily counters`;
    if (device.seenAt !== undefined && !count(device.seenAt)) return `device ${sn}: seenAt is not a time`;
    for (const [key, s] of Object.entries(device.integrated)) if (!isIntegrated(s)) return `device ${sn}: counter ${key} is not a counter`;
    for (const [key, s] of Object.entries(device.daily)) if (!isDaily(s)) return `device ${sn}: daily counter ${key} is not a daily counter`;
    if (device.device !== undefined && !isObject(device.device)) return `device ${sn}: no device counters`;
    for (const [key, s] of Object.entries(device.device ?? {})) if (!isDeviceCounter(s)) return `device ${sn}: device counter ${key} is not a device counter`;
  }
  return undefined;
}

/** The file's devices with only the counters the catalog knows; the others named in `dropped`. */
function knownCounters(devices: Record<string, DeviceEnergyState>): { devices: Record<string, DeviceEnergyState>; dropped: string[] } {
  const dropped: string[] = [];
  const keep = <T>(sn: string, counters: Record<string, T>): Record<string, T> =>
    Object.fromEntries(
      Object.entries(counters).filter(([key]) => {
        if (decodeCounterKey(key)) return true;
        dropped.push(`${sn} ${key}`);
        return false;
      }),
    );
  const out: Record<string, DeviceEnergyState> = {};
  for (const [sn, d] of Object.entries(devices)) {
    out[sn] = {
      integrated: keep(sn, d.integrated),
      daily: keep(sn, d.daily),
      ...(d.device && { device: keep(sn, d.device) }),
      ...(d.seenAt !== undefined && { seenAt: d.seenAt }),
    };
  }
  return { devices: out, dropped };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function isIntegrated(s: unknown): s is IntegratedState {
  return isObject(s) && count(s.joules) && count(s.since);
}

function isDeviceCounter(s: unknown): s is DeviceCounterState {
  return isObject(s) && count(s.joules) && count(s.since) && isObject(s.anchors) && Object.values(s.anchors).every(isAnchor);
}

function isAnchor(a: unknown): a is Anchor {
  if (!isObject(a) || !count(a.baseline) || !count(a.at) || !count(a.readAt)) return false;
  if (a.pending !== undefined && !isLevel(a.pending)) return false;
  const p = a.previous;
  return p === undefined || (isObject(p) && count(p.baseline) && count(p.at) && count(p.joules));
}

function isLevel(l: unknown): l is Level {
  return isObject(l) && [l.first, l.last, l.firstAt, l.lastAt, l.readings].every(count);
}

function isDaily(s: unknown): s is DailyState {
  return (
    isObject(s) &&
    count(s.joules) &&
    count(s.since) &&
    count(s.at) &&
    typeof s.day === 'string' &&
    (s.earlier === undefined || typeof s.earlier === 'string') &&
    Array.isArray(s.baseline) &&
    s.baseline.length <= 24 &&
    s.baseline.every(count)
  );
}
