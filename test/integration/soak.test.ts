import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, runSoak, sampleStride, SOAK_PHASES } from '../soak/soak-run.js';

test('a one-minute soak: every scrape valid, memory and series count flat', { timeout: 180_000 }, async (t) => {
  const report = await runSoak({ durationMs: 60_000, sampleEveryMs: 3000 });
  t.diagnostic(formatReport(report));
  assert.deepEqual(report.badScrapes, []);
  assert.ok(report.scrapes > 200, `${report.scrapes} scrapes`);
  assert.equal(report.finalSeries, report.baselineSeries, 'series back to the baseline once the fleet is');
  assert.equal(report.exitCode, 0);
  // Each sample is labelled with the phase it was taken in, and the samples go round them all.
  assert.deepEqual(new Set(report.samples.map((s) => s.phase)), new Set([...SOAK_PHASES, 'restored']));

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

test("the long soak's samples go round the phases: the stride is never a multiple of the phase cycle", () => {
  assert.equal(sampleStride(90_000, 15_000, SOAK_PHASES.length), 7, 'npm run soak -- --minutes 30: every 105 s, not every 90 s');
  assert.equal(sampleStride(3000, 5000, SOAK_PHASES.length), 1);
  for (let every = 1000; every <= 600_000; every += 7000) {
    const stride = sampleStride(every, 15_000, SOAK_PHASES.length);
    const seen = new Set(Array.from({ length: SOAK_PHASES.length }, (_, i) => (i * stride) % SOAK_PHASES.length));
    assert.equal(seen.size, SOAK_PHASES.length, `every ${every} ms: stride ${stride}`);
  }
});
