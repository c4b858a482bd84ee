/**
 * The state file: every energy counter as last exported (integrated, daily, and device counters
 * with the device's trusted reading), so that a restart continues them instead of starting at
 * 0, and a device counter counts what the device counted meanwhile. Written to a temporary file,
 * flushed and renamed, so a crash mid-write leaves the old one.
 */
import { access, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
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
export const STATE_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

export interface EnergyStateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** The exporter version that wrote it, for people reading the file. */
  writtenBy: string;
  writtenAt: string;
  devices: Record<string, DeviceEnergyState>;
}

export type StateRead =
  /** `dropped`: counters the catalog does not know (`sn counter`), left out. */
  | { kind: 'read'; devices: Record<string, DeviceEnergyState>; writtenAt: string; dropped: string[] }
  | { kind: 'missing' }
  /** Not usable: `why` says what is wrong; the file was moved to `setAside`, if it could be (else it must not be written over). */
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
  return { kind: 'read', ...knownCounters(file.devices), writtenAt: file.writtenAt };
}

/** Writes the whole state: temporary file, flushed to disk, renamed over the old one. */
export async function writeEnergyState(path: string, devices: Record<string, DeviceEnergyState>, writtenBy: string, now: number): Promise<void> {
  const file: EnergyStateFile = { format: STATE_FORMAT, version: STATE_VERSION, writtenBy, writtenAt: new Date(now).toISOString(), devices };
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    // The default file sits in a per-user folder that may not exist yet.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 1)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    // The rename is durable only once the folder is: a power cut must not bring back the older file.
    await syncFolder(dirname(path));
  } catch (err) {
    await unlink(temporary).catch(() => {});
    throw err;
  }
}

/**
 * A file we cannot use is moved aside, so the next write does not destroy what a person may want
 * back: to `<file>.unreadable`, or `<file>.unreadable.N` when an earlier one is there.
 */
async function unusable(path: string, why: string): Promise<StateRead> {
  try {
    for (let n = 0; n < 100; n++) {
      const setAside = n === 0 ? `${path}.unreadable` : `${path}.unreadable.${n}`;
      if (await exists(setAside)) continue;
      await rename(path, setAside);
      return { kind: 'unusable', why, setAside };
    }
  } catch {
    // Not moved: the caller must leave it alone.
  }
  return { kind: 'unusable', why };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Flushes a folder's entries (a rename) to disk; where folders cannot be flushed (Windows, some file systems), the rename stands as it is. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/** What is wrong with a parsed file, or undefined if it is a state file of this version. */
export function problemOf(parsed: unknown): string | undefined {
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
