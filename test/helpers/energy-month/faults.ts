/**
 * The month's faults, as data (when, on which device, what goes wrong), and per kind of fault
 * the most a counter may lose to it: each bound is a named rule below, computed from the times
 * the month records (the last state write, the last reading kept, …) and asserted on the day it
 * happens. A fault with no rule here costs nothing: misreadings of a device or daily counter
 * (the device reads right again and the counter must continue exactly), clean restarts (a
 * device counter counts on; the state file carries the exporter's own sums; while the exporter
 * is down an integrated counter owes nothing), a device offline or a stream silent (the next
 * reading brings what the device counted; nothing is integrated while it does not report).
 */
import type { DeviceName, FleetCounter } from './fleet.js';
import { DAY_MS } from './profiles.js';

/** What a misread key reports: a wrong number (in every number of an array), a sentinel, nothing, or a string. */
export type Misreading = { what: 'low' | 'spike'; value: number } | { what: 'zero' | 'uint32' | 'negative' | 'absent' | 'not a number' };

/** When: day of the month (0 = 2025-06-01) and UTC time `HH:MM` or `HH:MM:SS`. */
interface When {
  day: number;
  at: string;
}

export type Fault = When &
  (
    | {
        kind: 'misreading';
        device: DeviceName;
        key: string;
        reading: Misreading;
        /** How many of the device's reports of the key in a row read wrong. */
        readings: number;
        /** Only REST full reads misread (default: every report). */
        transport?: 'rest';
      }
    /** The device's counter really starts again from 0 and counts on. */
    | { kind: 'device reset'; device: DeviceName; key: string }
    /**
     * clean: stop, the final state write; kill: gone without either. Started again at `until`
     * (UTC, the same day), from the last completed write.
     */
    | { kind: 'restart'; how: 'clean' | 'kill'; until: string }
    | { kind: 'offline'; device: DeviceName; hours: number }
    /** No stream messages; REST reads every COLLECTING_INTERVAL instead, as the poller does when the stream stops covering a device. */
    | { kind: 'stream silence'; device: DeviceName; hours: number }
    /** The device's clock reads a day early, then is put right. */
    | { kind: 'clock set back'; device: DeviceName; hours: number }
  );

const LOW = (value: number): Misreading => ({ what: 'low', value });
const SPIKE = (value: number): Misreading => ({ what: 'spike', value });
const ZERO: Misreading = { what: 'zero' };
const UINT32: Misreading = { what: 'uint32' };
const NEGATIVE: Misreading = { what: 'negative' };
const ABSENT: Misreading = { what: 'absent' };
const NOT_A_NUMBER: Misreading = { what: 'not a number' };

/**
 * The month. AC charging on the DELTA 2 Max runs 01:00–04:00 UTC (not on Sundays), so its AC
 * counter's misreadings fall while it grows: a true reset would show it growing from 0, a
 * misreading shows a wrong value and then the right one. The panel's grid is down on days
 * 1, 4, 7, … from 17:00 to 19:30 UTC, its midnight is 23:00 UTC.
 */
export const MONTH_FAULTS: readonly Fault[] = [
  // The exporter's very first start falls inside a misreading: its first two readings agree on
  // the wrong value. The true level, believed once it persists, must never come back whole later.
  { day: -1, at: '22:59:50', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: LOW(100), readings: 3 },
  { day: 1, at: '10:00', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: LOW(100), readings: 1 },
  { day: 1, at: '12:00', kind: 'misreading', device: 'powerStream', key: '20_1.pv1InputWatts', reading: SPIKE(60_000), readings: 5 },
  { day: 2, at: '02:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: ZERO, readings: 60 },
  // The case that started it: 100 Wh instead of 213 052 Wh for a few readings.
  // One spike after the AC counter stood still for 16 hours, read every few seconds meanwhile.
  { day: 2, at: '20:00', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: SPIKE(260_000), readings: 1 },
  { day: 3, at: '02:30', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: LOW(100), readings: 2 },
  { day: 4, at: '02:30', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: LOW(100), readings: 5 },
  { day: 5, at: '02:30', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: LOW(100), readings: 60 },
  { day: 6, at: '02:15', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: ZERO, readings: 5 },
  { day: 6, at: '15:00', kind: 'misreading', device: 'delta2Max', key: 'pd.dsgPowerAC', reading: UINT32, readings: 60 },
  { day: 7, at: '02:00', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: NEGATIVE, readings: 2 },
  { day: 7, at: '12:00', kind: 'misreading', device: 'delta2Max', key: 'pd.dsgPowerAC', reading: ABSENT, readings: 5 },
  { day: 7, at: '16:00', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: NOT_A_NUMBER, readings: 1 },
  // Writes at :20 of every minute, scrapes at :00: killed at :10, 50 s after the last write and
  // 10 s after a scrape; back at :58, so the next scrape comes before the first reads.
  { day: 8, at: '14:00:10', kind: 'restart', how: 'kill', until: '14:19:58' },
  { day: 9, at: '12:00', kind: 'misreading', device: 'powerStream', key: '20_1.pv2InputWatts', reading: ZERO, readings: 60 },
  { day: 9, at: '15:00', kind: 'misreading', device: 'powerStream', key: '20_1.batInputWatts', reading: UINT32, readings: 2 },
  // Down while the DELTA 2 Max charges: its counter owes what it counted meanwhile.
  { day: 10, at: '01:30', kind: 'restart', how: 'clean', until: '03:30' },
  { day: 11, at: '02:00', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: SPIKE(2_130_520), readings: 60 },
  { day: 12, at: '09:00', kind: 'offline', device: 'delta2Max', hours: 3 },
  // The first full read after this restart lacks the AC counter's key: one absent reading.
  { day: 13, at: '03:00', kind: 'restart', how: 'clean', until: '03:30' },
  { day: 13, at: '03:30', kind: 'misreading', device: 'delta2Max', key: 'pd.chgPowerAC', reading: ABSENT, readings: 1, transport: 'rest' },
  { day: 14, at: '10:00', kind: 'stream silence', device: 'powerStream', hours: 6 },
  // Down across the panel's midnight (23:00 UTC).
  { day: 15, at: '22:40:10', kind: 'restart', how: 'kill', until: '23:24:50' },
  { day: 16, at: '08:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: LOW(1), readings: 5 },
  { day: 16, at: '18:00', kind: 'misreading', device: 'panel', key: 'heartbeat.backupDayWatth', reading: SPIKE(65_535), readings: 2 },
  { day: 17, at: '07:00', kind: 'misreading', device: 'smartPlug', key: '2_1.watts', reading: SPIKE(99_999), readings: 60 },
  { day: 17, at: '12:00', kind: 'misreading', device: 'smartPlug', key: '2_1.watts', reading: NOT_A_NUMBER, readings: 5 },
  { day: 17, at: '15:00', kind: 'misreading', device: 'smartPlug', key: '2_1.watts', reading: ABSENT, readings: 2 },
  { day: 18, at: '19:00', kind: 'device reset', device: 'delta2Max', key: 'pd.dsgPowerAC' },
  { day: 19, at: '10:00', kind: 'misreading', device: 'panel', key: 'mainsLoadWatt.watth', reading: ZERO, readings: 5 },
  { day: 19, at: '13:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: UINT32, readings: 1 },
  { day: 19, at: '14:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: NEGATIVE, readings: 2 },
  { day: 19, at: '15:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: NOT_A_NUMBER, readings: 60 },
  { day: 19, at: '18:00', kind: 'misreading', device: 'panel', key: 'backupLoadWatt.watth', reading: SPIKE(65_535), readings: 1 },
  { day: 19, at: '20:00', kind: 'misreading', device: 'panel', key: 'heartbeat.gridDayWatth', reading: ABSENT, readings: 5 },
  { day: 20, at: '22:30', kind: 'restart', how: 'clean', until: '23:10' },
  { day: 21, at: '12:00', kind: 'misreading', device: 'powerStream', key: '20_1.pv1InputWatts', reading: NEGATIVE, readings: 1 },
  { day: 21, at: '13:00', kind: 'misreading', device: 'smartPlug', key: '2_1.watts', reading: LOW(1), readings: 2 },
  { day: 22, at: '09:00', kind: 'offline', device: 'panel', hours: 2 },
  { day: 23, at: '10:00', kind: 'misreading', device: 'delta2Max', key: 'pd.pv1ChargeWatts', reading: SPIKE(60_000), readings: 5 },
  { day: 24, at: '12:00', kind: 'stream silence', device: 'delta2Max', hours: 4 },
  { day: 25, at: '13:00', kind: 'clock set back', device: 'panel', hours: 3 },
  { day: 26, at: '11:00', kind: 'misreading', device: 'powerStream', key: '20_1.pv1InputWatts', reading: UINT32, readings: 60 },
  // Back at :50: the first reads come before the next scrape.
  { day: 27, at: '12:00:10', kind: 'restart', how: 'kill', until: '12:04:50' },
  { day: 28, at: '09:00', kind: 'restart', how: 'clean', until: '09:10' },
];

/** The fault's time (or `at` on its day), in epoch ms, for a month starting at `monthStart`. */
export function faultTime(fault: When, monthStart: number, at = fault.at): number {
  const [h = 0, m = 0, s = 0] = at.split(':').map(Number);
  return monthStart + fault.day * DAY_MS + ((h * 60 + m) * 60 + s) * 1000;
}

/** One line for the failure table: `delta2Max pd.chgPowerAC low (100) ×2`. */
export function describe(fault: Fault): string {
  switch (fault.kind) {
    case 'misreading': {
      const r = fault.reading;
      const what = 'value' in r ? `${r.what} (${r.value})` : r.what;
      return `${fault.device} ${fault.key} ${what} ×${fault.readings}${fault.transport ? ` (${fault.transport})` : ''}`;
    }
    case 'device reset':
      return `${fault.device} ${fault.key} true reset`;
    case 'restart':
      return `exporter ${fault.how === 'kill' ? 'killed' : 'stopped'} ${fault.at}, up ${fault.until}`;
    default:
      return `${fault.device} ${fault.kind} ${fault.hours} h`;
  }
}

const SENTINELS = { zero: 0, uint32: 4294967295, negative: -1 } as const;

/** The value a misreading reports instead of `truth`; undefined: the key is left out. */
export function misread(reading: Misreading, truth: unknown): unknown {
  switch (reading.what) {
    case 'absent':
      return undefined;
    case 'not a number':
      return 'n/a';
    case 'low':
    case 'spike':
      return everyNumber(truth, reading.value);
    default:
      return everyNumber(truth, SENTINELS[reading.what]);
  }
}

function everyNumber(value: unknown, n: number): unknown {
  if (Array.isArray(value)) return value.map((v) => everyNumber(v, n));
  return typeof value === 'number' ? n : value;
}

/**
 * What a fault may cost: the truth of the counters it concerns over [from, to] (what the
 * device counted, or what flowed), asserted on the day(s) that interval falls in.
 */
export interface Loss {
  fault: string;
  from: number;
  to: number;
  concerns(counter: FleetCounter): boolean;
}

/**
 * A misread power the exporter cannot tell from a real one (a 0, a low value), or rightly
 * refuses (a spike above twice the rated power, a sentinel, a string, a missing key), leaves an
 * integrated counter without a true power from that report to the next good one: it loses at
 * most what flowed meanwhile. Device and daily counters lose nothing to a misreading: the
 * device reads right again, and the counter must go on exactly from there.
 */
export function misreadingLoss(fault: string, device: DeviceName, key: string, heldFrom: number, heldTo: number): Loss {
  return { fault, from: heldFrom, to: heldTo, concerns: (c) => c.device === device && c.owed.how === 'integrated' && c.keys.includes(key) };
}

/**
 * A kill between two state writes loses, on each counter the exporter sums itself from power,
 * at most what flowed between the last completed write and the kill. A device counter counts on
 * by itself, and a daily counter's baseline in the state file lets the next reading add what
 * the device counted meanwhile: 0 (unless the device's midnight passes, below).
 */
export function killLoss(fault: string, device: DeviceName, lastWriteAt: number, killAt: number): Loss {
  return { fault, from: lastWriteAt, to: killAt, concerns: (c) => c.device === device && c.owed.how === 'integrated' };
}

/**
 * The exporter down (or the device unheard) across the device's midnight: a daily counter loses
 * what the device counted on its old day after the last reading the exporter kept (the state
 * file's baseline: the last reading before the last completed write, or before a clean stop),
 * because nobody reads the old day's final total; the new day's total is added whole.
 */
export function downAcrossDeviceMidnightLoss(fault: string, device: DeviceName, keptReadingAt: number, midnightAt: number): Loss {
  return { fault, from: keptReadingAt, to: midnightAt, concerns: (c) => c.device === device && c.owed.how === 'daily' };
}

/**
 * A true reset of a device counter loses what the device counted between the last reading
 * before the reset and the reset: the device forgets it before anyone reads it. What it counts
 * after the reset is owed in full, and the exported counter must not go down.
 */
export function deviceResetLoss(fault: string, device: DeviceName, key: string, lastReadingAt: number, resetAt: number): Loss {
  return { fault, from: lastReadingAt, to: resetAt, concerns: (c) => c.device === device && c.owed.how === 'device' && c.keys.includes(key) };
}

/**
 * A device clock set back a day, then put right: its day totals start again at each change of
 * date, as at a midnight. A daily counter may lose, at the set-back, what the device counted
 * from the last reading before it to the second reading under the earlier date (one reading
 * dated earlier may be a misdated message and must not count: the second shows the clock really
 * moved); and when the clock is put right, what it counted after the last reading under the
 * earlier date (nobody reads that date's final total; the right date's totals are added whole).
 * `from`–`to`: one of those two intervals.
 */
export function clockSetBackLoss(fault: string, device: DeviceName, from: number, to: number): Loss {
  return { fault, from, to, concerns: (c) => c.device === device && c.owed.how === 'daily' };
}
