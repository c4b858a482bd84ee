/**
 * Keeps the energy state file current: reads it once at start into the ledger, writes it every
 * interval, soon after a counter first has something to export, and at shutdown. Each write
 * that succeeds is what the instruments then read (EnergyLedgerOptions.publishWritten). A file
 * that cannot be used, or written, is a log line and a metric, never a crash: the counters go
 * on in memory.
 */
import type { Logger } from '../log/logger.js';
import type { EnergyLedger } from './energy-ledger.js';
import { readEnergyState, writeEnergyState } from './energy-state-file.js';

export interface StateWriteReporter {
  recordEnergyStateWrite(ok: boolean): void;
  /** A state file is kept: both outcomes exist from the start, at 0 (an alert can tell "none failed"). */
  recordEnergyStateKept(): void;
}

export interface EnergyStateKeeperOptions {
  path: string;
  ledger: EnergyLedger;
  logger: Logger;
  reporter?: StateWriteReporter;
  /** The exporter version, written into the file. */
  version: string;
  /** Default: one minute. */
  intervalMs?: number;
}

/** A new counter is written (and so exported) this soon, not a whole interval later. */
const SOON_MS = 1_000;

export class EnergyStateKeeper {
  readonly #o: EnergyStateKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(options: EnergyStateKeeperOptions) {
    this.#o = options;
  }

  /**
   * Reads the file into the ledger (before the ledger starts), and writes it back at once, so a
   * folder that cannot be written shows now rather than at the first minute. False: the file is
   * not to be kept (it cannot be read, and must not be written over; or nothing was read and it
   * cannot be written): the counters are then exported as they stand, not kept across restarts.
   */
  async load(): Promise<boolean> {
    const { path, logger } = this.#o;
    const read = await readEnergyState(path);
    switch (read.kind) {
      case 'missing':
        logger.info('no energy state file yet: energy counters start from the devices and from 0', { file: path });
        break;
      case 'unusable':
        if (!read.setAside) {
          logger.error(`energy state file cannot be used (${read.why}) and is left as it is: energy counters are not kept across restarts`, { file: path });
          return false;
        }
        logger.error(`energy state file not used (${read.why}): energy counters start from the devices and from 0`, { file: path, moved_to: read.setAside });
        break;
      case 'read':
        if (read.dropped.length > 0)
          logger.warn('energy state file: counters this exporter does not make were left out', {
            file: path,
            counters: read.dropped.slice(0, 20).join(', '),
            count: read.dropped.length,
          });
        this.#o.ledger.restore(read.devices);
        logger.info('energy counters continue from the state file', { file: path, devices: Object.keys(read.devices).length, written_at: read.writtenAt });
        // What was read is what was exported: kept, also if the first writes fail (the counters then hold).
        await this.save();
        return true;
    }
    await this.save();
    if (!this.#failing) return true;
    logger.error('energy counters are not kept across restarts: the state file cannot be written (see above); they are exported as they stand', { file: path });
    return false;
  }

  start(): void {
    if (this.#timer) return;
    this.#o.reporter?.recordEnergyStateKept();
    this.#timer = setInterval(() => void this.save(), this.#o.intervalMs ?? 60_000);
    this.#timer.unref();
  }

  /** A write within a second (a counter started: it is exported once written). */
  saveSoon(): void {
    if (this.#soon || !this.#timer) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.save();
    }, SOON_MS);
    this.#soon.unref();
  }

  /** Stops the timers and writes once more. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#soon);
    this.#timer = undefined;
    this.#soon = undefined;
    await this.save();
  }

  /** One write at a time; a write asked for during another follows it. */
  save(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    const { path, ledger, logger, reporter, version } = this.#o;
    const now = Date.now();
    const checkpoint = ledger.checkpoint(now);
    try {
      await writeEnergyState(path, checkpoint.devices, version, now);
      checkpoint.written();
      reporter?.recordEnergyStateWrite(true);
      if (this.#failing) logger.info('energy state file written again', { file: path });
      this.#failing = false;
    } catch (err) {
      reporter?.recordEnergyStateWrite(false);
      // Said once until it works again: the same failure every minute is noise.
      if (!this.#failing)
        logger.error('cannot write the energy state file: energy counters hold until a write works (nothing is lost meanwhile)', {
          file: path,
          error: (err as NodeJS.ErrnoException).code ?? String(err),
        });
      this.#failing = true;
    }
  }
}
