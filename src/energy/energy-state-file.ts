/**
 * The state file: every energy counter as last exported (integrated, daily, and device counters
 * with the device's trusted reading), so that a restart continues them instead of starting at
 * 0, and a device counter counts what the device counted meanwhile. Written to a temporary file,
 * flushed and renamed, so a crash mid-write leaves the old one; a file that cannot be used is set
 * aside. Its text is energy-state-format.ts's.
 */
import { access, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeviceEnergyState } from './device-energy.js';
import { formatEnergyState, type ParsedState, parseEnergyState } from './energy-state-format.js';

export type StateRead =
  | Extract<ParsedState, { kind: 'read' }>
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
  const parsed = parseEnergyState(text);
  return parsed.kind === 'read' ? parsed : unusable(path, parsed.why);
}

/** Writes the whole state: temporary file, flushed to disk, renamed over the old one. */
export async function writeEnergyState(path: string, devices: Record<string, DeviceEnergyState>, writtenBy: string, now: number): Promise<void> {
  const text = formatEnergyState(devices, writtenBy, now);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    // The default file sits in a per-user folder that may not exist yet.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
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
