/**
 * Keeps ENERGY_STATE_FILE current: reads it once at start into the ledger, writes it every
 * minute and at shutdown. A file that cannot be used, or written, is a log line and a metric,
 * never a crash: the counters go on in memory.
 */
import type { Logger } from '../log/logger.js';
import type { EnergyLedger } from './energy-ledger.js';
import { readEnergyState, writeEnergyState } from './energy-state-file.js';

export interface StateWriteReporter {
  recordEnergyStateWrite(ok: boolean): void;
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

export class EnergyStateKeeper {
  readonly #o: EnergyStateKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(options: EnergyStateKeeperOptions) {
    this.#o = options;
  }

  /** Reads the file into the ledger (before the ledger starts). */
  async load(): Promise<void> {
    const { path, logger } = this.#o;
    const read = await readEnergyState(path);
    switch (read.kind) {
      case 'missing':
        logger.info('no energy state file yet: integrated and daily energy counters start at 0', { file: path });
        return;
      case 'unusable':
        logger.error(`energy state file not used (${read.why}): integrated and daily energy counters start at 0`, {
          file: path,
          ...(read.setAside && { moved_to: read.setAside }),
        });
        return;
      case 'read':
        this.#o.ledger.restore(read.devices);
        logger.info('energy counters continue from the state file', { file: path, devices: Object.keys(read.devices).length, written_at: read.writtenAt });
    }
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.save(), this.#o.intervalMs ?? 60_000);
    this.#timer.unref();
  }

  /** Stops the timer and writes once more. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
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
    try {
      await writeEnergyState(path, ledger.state(now), version, now);
      reporter?.recordEnergyStateWrite(true);
      if (this.#failing) logger.info('energy state file written again', { file: path });
      this.#failing = false;
    } catch (err) {
      reporter?.recordEnergyStateWrite(false);
      // Said once until it works again: the same failure every minute is noise.
      if (!this.#failing)
        logger.error('cannot write the energy state file; counters go on in memory', { file: path, error: (err as NodeJS.ErrnoException).code ?? String(err) });
      this.#failing = true;
    }
  }
}
