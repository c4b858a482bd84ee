/**
 * `npm run soak -- --minutes 30 [--sample-seconds 30]`: a long soak, report on stdout.
 * Not part of CI; test/integration/soak.test.ts runs a one-minute version with assertions.
 */
import { formatReport, runSoak } from './soak-run.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 10);
const report = await runSoak({
  durationMs: minutes * 60_000,
  sampleEveryMs: arg('sample-seconds', Math.max(5, minutes * 3)) * 1000,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${formatReport(report)}\n`);
if (report.badScrapes.length > 0) process.stdout.write(`\nfailed scrapes:\n${report.badScrapes.join('\n')}\n`);
process.exit(report.badScrapes.length === 0 && report.finalSeries === report.baselineSeries && report.exitCode === 0 ? 0 : 1);
