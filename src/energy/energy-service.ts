/**
 * The energy counters as one part: the ledger over the snapshot and, when one is kept, the state
 * file, with what they tell the log. Started once; stopping counts the held power up to the stop
 * and writes the state a last time. Knows nothing of OpenTelemetry (the instruments read the
 * ledger).
 */
import type { DeviceModels } from '../devices/device-models.js';
import type { Logger } from '../log/logger.js';
import type { QuotaSnapshot } from '../snapshot/quota-snapshot.js';
import type { StalenessRule } from '../snapshot/staleness.js';
import { EnergyLedger, type EnergyRebaseline, type EnergyRejection, type EnergyReporter } from './energy-ledger.js';
import { EnergyStateKeeper, type StateWriteReporter } from './energy-state-keeper.js';

export interface EnergyServiceOptions {
  snapshot: QuotaSnapshot;
  models: DeviceModels;
  staleness: StalenessRule;
  logger: Logger;
  reporter: EnergyReporter & StateWriteReporter;
  /** The state file; undefined: none (`why` says why, for the log). */
  stateFile: { path: string; intervalMs: number } | { why: string };
  /** The exporter version, written into the state file. */
  version: string;
}

export interface EnergyService {
  ledger: EnergyLedger;
  stop(): Promise<void>;
}

export async function startEnergy(o: EnergyServiceOptions): Promise<EnergyService> {
  let keeper: EnergyStateKeeper | undefined;
  const ledger = new EnergyLedger({
    snapshot: o.snapshot,
    models: o.models,
    staleness: o.staleness,
    reporter: o.reporter,
    onRejected: (event) => rejectedLog(o.logger, event),
    onMoved: (event) => movedLog(o.logger, event),
    onStarted: () => keeper?.saveSoon(),
  });
  if ('path' in o.stateFile) {
    const candidate = new EnergyStateKeeper({
      path: o.stateFile.path,
      ledger,
      logger: o.logger,
      reporter: o.reporter,
      version: o.version,
      intervalMs: o.stateFile.intervalMs,
    });
    if (await candidate.load()) {
      // Exported as written: a crash can then never take a counter back.
      ledger.publishWhenWritten();
      keeper = candidate;
    }
  } else {
    o.logger.info('no energy state file: energy counters start again at every start (set ENERGY_STATE_FILE to keep them)', { why: o.stateFile.why });
  }
  ledger.start();
  keeper?.start();
  return {
    ledger,
    stop: async () => {
      // Nothing changes the counters any more: the last state is the final one.
      ledger.stop();
      await keeper?.stop();
    },
  };
}

function rejectedLog(log: Logger, event: { sn: string; counter: string; reason: EnergyRejection; detail: string }): void {
  const what = {
    jump: 'grew faster than the device can deliver',
    decrease: 'below the last trusted reading, held',
    implausible_power: 'power above twice the rating, not integrated',
    older_day: 'dated before the last reading',
  }[event.reason];
  log.warn(`energy input left out: ${what} (said once per counter)`, { sn: event.sn, counter: event.counter, detail: event.detail });
}

function movedLog(log: Logger, event: { sn: string; counter: string; how: EnergyRebaseline; detail: string }): void {
  const what = {
    reset: "device counter reset: a lower reading persisted; the exported counter goes on from the device's new level",
    rebaselined: "device counter moved on: a higher reading persisted; the exported counter goes on from the device's new level, without the jump",
    recovered: 'device counter back at its earlier level: the energy counted since its last trusted reading there is added',
  }[event.how];
  log.warn(what, { sn: event.sn, counter: event.counter, detail: event.detail });
}
