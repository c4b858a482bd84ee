import { configTable } from '../../src/config/config-table.js';
import { coverageMatrix, familiesWithout, familyNotes, portsTable, unifiedMetricsTable } from '../../src/devices/readme-tables.js';
import { metricsTable } from '../../src/telemetry/metrics-table.js';
import { fleetTable, sizeVerdicts } from '../bench/fleet-tables.js';

/** The README's generated sections by marker name, and what makes each. */
export const README_TABLES: Record<string, () => string> = {
  'config-table': configTable,
  'metrics-table': () => metricsTable(),
  'unified-table': () => unifiedMetricsTable(),
  'ports-table': portsTable,
  'coverage-matrix': coverageMatrix,
  'family-notes': familyNotes,
  'no-ac-input-voltage': () => familiesWithout('acInputVoltage'),
  'fleet-table': () => fleetTable(),
  'size-verdicts': () => sizeVerdicts(),
};
