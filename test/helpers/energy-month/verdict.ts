/**
 * The month's verdict: every counter, every UTC day, against what it owes; every decrease. All
 * violations at once, as a table a reader can act on (day, counter, owed, got, the bound, the
 * faults of that day), not the first one alone.
 */
import type { DayCheck, MonthRun } from './month.js';
import { MONTH_START } from './fleet.js';
import { DAY_MS } from './profiles.js';

/**
 * How far a day's increase may miss what is owed: 1 %, or one Wh step (3600 J) where that is
 * larger. It absorbs what no exporter can avoid: devices that count in whole Wh, powers held
 * between reports (every 10–60 s), the old day's last reading before a device midnight, and a
 * counter published as of the last state write (at most a minute behind at the day's edges).
 */
export function tolerance(owedJ: number): number {
  return Math.max(0.01 * owedJ, 3600);
}

export interface Violation {
  day: number;
  series: string;
  /** lost: less than owed − tolerance − the faults' bound; gained: more than owed + tolerance; went down: a sample below the one before. */
  check: 'lost' | 'gained' | 'went down';
  owedJ: number;
  gotJ: number;
  boundJ: number;
  note: string;
  faults: string[];
}

export function violations(run: MonthRun): Violation[] {
  const found: Violation[] = [];
  for (const c of run.checks) {
    const slack = tolerance(c.owedJ);
    if (c.gotJ > c.owedJ + slack) found.push(dayViolation(c, 'gained'));
    else if (c.gotJ < c.owedJ - c.boundJ - slack) found.push(dayViolation(c, 'lost'));
  }
  for (const d of run.decreases) {
    found.push({
      day: Math.floor((d.at - MONTH_START) / DAY_MS),
      series: d.series,
      check: 'went down',
      owedJ: Number.NaN,
      gotJ: Number.NaN,
      boundJ: Number.NaN,
      note: `${wh(d.fromJ)} → ${wh(d.toJ)} Wh at ${new Date(d.at).toISOString().slice(11, 19)}`,
      faults: d.faults,
    });
  }
  return found.sort((a, b) => a.day - b.day || a.series.localeCompare(b.series));
}

function dayViolation(c: DayCheck, check: 'lost' | 'gained'): Violation {
  return { day: c.day, series: c.series, check, owedJ: c.owedJ, gotJ: c.gotJ, boundJ: c.boundJ, note: c.how, faults: c.faults };
}

/** Wh with one decimal, readable at a glance. */
function wh(joules: number): string {
  return Number.isNaN(joules) ? '' : (joules / 3600).toFixed(1);
}

export function violationTable(found: readonly Violation[]): string {
  const rows = [
    ['day', 'counter', 'check', 'owed Wh', 'got Wh', 'bound Wh', 'note', 'faults that day'],
    ...found.map((v) => [
      new Date(MONTH_START + v.day * DAY_MS).toISOString().slice(0, 10),
      v.series,
      v.check,
      wh(v.owedJ),
      wh(v.gotJ),
      wh(v.boundJ),
      v.note,
      v.faults.join('; '),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const numeric = new Set([3, 4, 5]);
  return rows
    .map((r) =>
      r
        .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
