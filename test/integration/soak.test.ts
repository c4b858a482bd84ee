import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, runSoak } from '../soak/soak-run.js';

test('a one-minute soak: every scrape valid, memory and series count flat', { timeout: 180_000 }, async (t) => {
  const report = await runSoak({ durationMs: 60_000, sampleEveryMs: 3000 });
  t.diagnostic(formatReport(report));
  assert.deepEqual(report.badScrapes, []);
  assert.ok(report.scrapes > 200, `${report.scrapes} scrapes`);
  assert.equal(report.finalSeries, report.baselineSeries, 'series back to the baseline once the fleet is');
  assert.equal(report.exitCode, 0);

  // Flat memory: V8's heap in use swings between collections, so compare its lows over the
  // first and the last third of the run (read at every scrape, five a second); caches that kept
  // churned devices or series would lift the lows.
  const heap = report.heapMb.filter((h) => h.atS > 10);
  const third = Math.floor(heap.length / 3);
  const low = (samples: typeof heap) => Math.min(...samples.map((h) => h.mb));
  const early = low(heap.slice(0, third));
  const late = low(heap.slice(-third));
  t.diagnostic(`heap lows ${early.toFixed(1)} MiB → ${late.toFixed(1)} MiB`);
  assert.ok(late <= early * 1.5 + 8, `heap lows ${early.toFixed(1)} MiB → ${late.toFixed(1)} MiB`);
});
