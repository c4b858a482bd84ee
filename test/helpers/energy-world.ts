import type { DeviceFamily } from '../../src/devices/device-family.js';
import { DeviceModels } from '../../src/devices/device-models.js';
import { EnergyLedger, type DeviceEnergyState, type EnergyReading } from '../../src/energy/energy-ledger.js';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../src/snapshot/staleness.js';

const RATING = { watts: 1000, evidence: 'test' };

/**
 * A family of our own for the ledger's rules: a solar input and a signed battery integrated
 * from power, an AC output counted by the device (Wh), a daily grid counter, rated 1000 W.
 */
export const TEST_FAMILY: DeviceFamily = {
  id: 'test',
  title: 'Test',
  productNames: [/^Test$/],
  snPrefixes: [],
  shapeKeys: [],
  rows: [
    { metric: 'portInputPower', port: 'solar', key: 'pv', scale: 1, tags: ['DOC'], evidence: 'test' },
    { metric: 'batteryPower', key: 'bat', scale: 1, tags: ['DOC'], evidence: 'test' },
    { metric: 'portOutputPower', port: 'ac', key: 'acW', scale: 1, tags: ['DOC'], evidence: 'test' },
  ],
  energy: {
    ratedPowerW: 1000,
    ratedPowerEvidence: 'test',
    rows: [
      { kind: 'lifetime', metric: 'portOutputEnergy', port: 'ac', keys: ['acOutWh'], scale: 3600, rating: RATING, tags: ['DOC'], evidence: 'test' },
      { kind: 'daily', metric: 'gridImportEnergy', keys: ['gridDayWh'], day: ['date'], scale: 3600, rating: RATING, tags: ['DOC'], evidence: 'test' },
    ],
  },
  unmapped: [],
  rawOnly: [],
};

export const SN = 'T1';

export interface EnergyWorld {
  snapshot: QuotaSnapshot;
  ledger: EnergyLedger;
  rejected: string[];
  /** The device's counters, `metric{port}` → joules. */
  joules(): Record<string, number>;
  /** What the state file would keep now. */
  state(now: number): Record<string, DeviceEnergyState>;
}

/** A snapshot with one online Test device, and a ledger over it (stale after 60 s unless told). */
/** `start: false`: not started yet (to restore into it first). */
export function energyWorld(
  o: { staleAfterMs?: number; reconcileIntervalMs?: number; restore?: Parameters<EnergyLedger['restore']>[0]; start?: boolean; publishWritten?: boolean } = {},
): EnergyWorld {
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  const rejected: string[] = [];
  const ledger = new EnergyLedger({
    snapshot,
    models: new DeviceModels({ families: [TEST_FAMILY] }),
    staleness: new StalenessRule({ staleAfterMs: o.staleAfterMs ?? 60_000, reconcileIntervalMs: o.reconcileIntervalMs }),
    reporter: { recordEnergyRejected: (_, reason) => rejected.push(reason) },
    publishWritten: o.publishWritten,
  });
  if (o.restore) ledger.restore(o.restore, 0);
  if (o.start !== false) ledger.start();
  return { snapshot, ledger, rejected, joules: () => byName(ledger.readings(SN)), state: (now) => ledger.checkpoint(now).devices };
}

export function byName(readings: Iterable<EnergyReading>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of readings) out[`${r.metric}${r.port ? `{${r.port}}` : ''}${r.circuit ? `{${r.source} ${r.circuit}}` : ''}`] = r.joules;
  return out;
}
