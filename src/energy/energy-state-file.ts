/**
 * The state file: the counters the exporter adds up itself (integrated and daily), so that a
 * restart continues them instead of starting at 0. Device counters need no state: the device
 * keeps them. Written to a temporary file and renamed, so a crash mid-write leaves the old one.
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { DailyState } from './daily-counter.js';
import type { DeviceEnergyState } from './energy-ledger.js';
import type { IntegratedState } from './power-integrator.js';

/** What the file says it is; a file that says otherwise is not read. */
export const STATE_FORMAT = 'ecoflow-exporter energy state';
/** Bumped when the meaning of a field changes; files of another version are set aside, not read. */
export const STATE_VERSION = 1;

export interface EnergyStateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** The exporter version that wrote it, for people reading the file. */
  writtenBy: string;
  writtenAt: string;
  devices: Record<string, DeviceEnergyState>;
}

export type StateRead =
  | { kind: 'read'; devices: Record<string, DeviceEnergyState>; writtenAt: string }
  | { kind: 'missing' }
  /** Not usable: `why` says what is wrong; the file was moved to `setAside` (if it could be). */
  | { kind: 'unusable'; why: string; setAside?: string };

/** The most a state file may be; a bigger one is not ours. */
const MAX_BYTES = 64 * 1024 * 1024;

export async function readEnergyState(path: string): Promise<StateRead> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_BYTES) return await unusable(path, `larger than ${MAX_BYTES} bytes`);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unusable', why: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unusable(path, 'not valid JSON');
  }
  const why = problemOf(parsed);
  if (why) return unusable(path, why);
  const file = parsed as EnergyStateFile;
  return { kind: 'read', devices: file.devices, writtenAt: file.writtenAt };
}

/** Writes the whole state: temporary file, flushed to disk, renamed over the old one. */
export async function writeEnergyState(path: string, devices: Record<string, DeviceEnergyState>, writtenBy: string, now: number): Promise<void> {
  const file: EnergyStateFile = { format: STATE_FORMAT, version: STATE_VERSION, writtenBy, writtenAt: new Date(now).toISOString(), devices };
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 1)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => {});
    throw err;
  }
}

/** A file we cannot use is moved aside, so the next write does not destroy what a person may want back. */
async function unusable(path: string, why: string): Promise<StateRead> {
  const setAside = `${path}.unreadable`;
  try {
    await rename(path, setAside);
    return { kind: 'unusable', why, setAside };
  } catch {
    return { kind: 'unusable', why };
  }
}

/** What is wrong with a parsed file, or undefined if it is a state file of this version. */
export function problemOf(parsed: unknown): string | undefined {
  if (!isObject(parsed) || parsed.format !== STATE_FORMAT) return 'not an energy state file';
  if (parsed.version !== STATE_VERSION) return `format version ${JSON.stringify(parsed.version)}, this exporter reads version ${STATE_VERSION}`;
  if (typeof parsed.writtenAt !== 'string' || !isObject(parsed.devices)) return 'no devices';
  for (const [sn, device] of Object.entries(parsed.devices)) {
    if (!isObject(device) || !isObject(device.integrated) || !isObject(device.daily)) return `device ${sn}: no integrated and daily counters`;
    if (device.seenAt !== undefined && !count(device.seenAt)) return `device ${sn}: seenAt is not a time`;
    for (const [key, s] of Object.entries(device.integrated)) if (!isIntegrated(s)) return `device ${sn}: counter ${key} is not a counter`;
    for (const [key, s] of Object.entries(device.daily)) if (!isDaily(s)) return `device ${sn}: daily counter ${key} is not a daily counter`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function isIntegrated(s: unknown): s is IntegratedState {
  return isObject(s) && count(s.joules) && count(s.since);
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
