/**
 * The one file of the month that touches the energy code: everything else drives the real
 * QuotaSnapshot and reads exported counters through the small interface below. The energy API
 * may change; port this file, nothing else.
 *
 * The seam is the one the exporter has in production: snapshot writes in (REST reads and stream
 * messages, by the test), counters out (what a scrape reads), the state file's text between two
 * processes. A state write is what the keeper does every minute; `stop` is a clean shutdown's
 * last step before its final write. A kill is the caller dropping the object without `stop`,
 * then starting a new one from the text of the last completed write.
 *
 * The exporter runs with a state file, so it exports counters as of its last state write
 * (EnergyLedgerOptions.publishWritten): the month writes every simulated minute and scrapes
 * between the writes.
 */
import type { DeviceFamily } from '../../../src/devices/device-family.js';
import { EnergyLedger } from '../../../src/energy/energy-ledger.js';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { formatEnergyState, parseEnergyState } from '../../../src/energy/energy-state-format.js';
import type { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import type { StalenessRule } from '../../../src/snapshot/staleness.js';
import type { CounterLabels } from './fleet.js';

/** One exported counter: its labels and value. */
export interface ExportedCounter extends CounterLabels {
  joules: number;
}

export interface ExporterUnderTest {
  /** A listed device's counters, as a scrape reads them now. */
  readings(sn: string): ExportedCounter[];
  /** One state write at `now`: the file's text. */
  writeState(now: number): string;
  /** A clean shutdown at `now` (SIGTERM), before its final state write. */
  stop(now: number): void;
}

export interface ExporterStart {
  /** Empty at start, as after a process start: the test lists the devices and reads them next. */
  snapshot: QuotaSnapshot;
  families: readonly DeviceFamily[];
  staleness: StalenessRule;
  /** The state file as the last completed write left it; undefined: no file yet. */
  stateFileText?: string;
  now: number;
}

export function startExporter(o: ExporterStart): ExporterUnderTest {
  const ledger = new EnergyLedger({
    snapshot: o.snapshot,
    models: new DeviceModels({ families: o.families }),
    staleness: o.staleness,
    publishWritten: true,
    now: () => o.now,
  });
  if (o.stateFileText !== undefined) {
    const read = parseEnergyState(o.stateFileText);
    if (read.kind !== 'read') throw new Error(`the state file written by the last run is not readable: ${read.why}`);
    ledger.restore(read.devices, o.now);
  }
  ledger.start();
  return {
    readings: (sn) => Array.from(ledger.readings(sn), ({ metric, port, circuit, source, joules }) => ({ metric, port, circuit, source, joules })),
    writeState: (now) => {
      const point = ledger.checkpoint(now);
      const text = formatEnergyState(point.devices, 'energy-month', now);
      point.written();
      return text;
    },
    stop: (now) => ledger.stop(now),
  };
}
