/**
 * Proven against ground truth: a simulated month.
 *
 * Thirty days of a mixed fleet with one device per way of counting: a device lifetime counter
 * (DELTA 2 Max), daily counters (Smart Home Panel: grid, battery, circuits, its midnight at
 * UTC+1) and integrated power (PowerStream, Smart Plug), driven by known power profiles whose
 * energy is computed exactly, and hit by the faults of test/helpers/energy-month/faults.ts:
 * misreadings lasting 1, 2, 5 and 60 readings (low values, zeros, 4294967295, negatives, absent
 * keys, strings, spikes), a true device reset, clean restarts and kills between two state
 * writes, a device offline for hours, a silent stream, a clock set back a day, downtime across
 * a device's midnight.
 *
 * It proves, from the exported samples read as Prometheus's increase() reads them over UTC
 * days, that every counter, every day, got what it owes within 1 % (or one Wh step), less at
 * most each fault's stated bound on that fault's day; that no day gained energy that never
 * flowed; and that no exported counter ever went down. Unit tests prove each rule on a few
 * readings; this proves that the rules together keep a month's books, which is what a user
 * reads off the counters.
 *
 * Simulated clock: no timers, no sleeps, no real time. It runs the energy code through the
 * seam the exporter has (snapshot writes in, counters and the state file out:
 * test/helpers/energy-month/exporter-under-test.ts, the one file that touches the energy API).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MONTH_FAULTS } from '../helpers/energy-month/faults.js';
import { runMonth } from '../helpers/energy-month/month.js';
import { violations, violationTable } from '../helpers/energy-month/verdict.js';

test('a month of a mixed fleet under faults: every counter, every UTC day, increase() gets what it owes (less the fault bounds), never more, and never goes down', () => {
  const run = runMonth(MONTH_FAULTS);
  assert.deepEqual(run.unapplied, [], 'every scheduled fault was injected');
  // Not vacuous: on every day, each way of counting owes at least 1 kWh.
  for (let day = 0; day < 30; day++) {
    for (const how of ['device', 'daily', 'integrated'] as const) {
      const owed = run.checks.filter((c) => c.day === day && c.how === how).reduce((j, c) => j + c.owedJ, 0);
      assert.ok(owed > 3.6e6, `day ${day}: the ${how} counters owe ${owed} J`);
    }
  }
  const found = violations(run);
  assert.equal(found.length, 0, `${found.length} violations:\n${violationTable(found)}`);
});
