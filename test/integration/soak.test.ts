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

  // Flat memory: V8's heap in use swings by tens of MiB between collections, so compare the
  // lowest values (just after a collection) of the first and last thirds, with room for that
  // noise; a cache that kept every churned device or series would grow well past it.
  const third = Math.floor(report.samples.length / 3);
  const minHeap = (samples: typeof report.samples) => Math.min(...samples.map((s) => s.heapMb));
  const early = minHeap(report.samples.slice(1, third + 1));
  const late = minHeap(report.samples.slice(-third));
  assert.ok(late <= early + 16, `heap ${early.toFixed(1)} MiB → ${late.toFixed(1)} MiB`);
  const rss = report.samples.map((s) => s.rssMb);
  assert.ok(Math.min(...rss.slice(-third)) <= Math.max(...rss.slice(1, third + 1)) + 48, `rss ${rss.map((r) => r.toFixed(0)).join(' ')}`);
});
