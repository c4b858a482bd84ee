/** Energy rows of each kind, for the tests of what reads them (the energy plan, the family keys). */
import type { CircuitBucketsRow, DailyCounterRow, LifetimeCounterRow } from '../../src/devices/device-family.js';

export const LOAD: LifetimeCounterRow = {
  kind: 'lifetime',
  metric: 'loadEnergy',
  keys: ['loadWh', 'loadWh2'],
  scale: 3600,
  rating: { watts: 600, evidence: 'test' },
  tags: ['DOC'],
  evidence: 'test',
};
export const GRID_DAY: DailyCounterRow = {
  kind: 'daily',
  metric: 'gridImportEnergy',
  keys: ['gridDayWh'],
  day: ['year', 'month', 'day'],
  scale: 3600,
  rating: { watts: 800, evidence: 'test' },
  tags: ['DOC'],
  evidence: 'test',
};
export const CIRCUITS: CircuitBucketsRow = {
  kind: 'circuit-buckets',
  metric: 'circuitEnergy',
  key: 'buckets',
  day: ['rtc'],
  source: 'grid',
  circuits: 4,
  scale: 3600,
  rating: { watts: 900, evidence: 'test' },
  tags: ['DOC'],
  evidence: 'test',
};
