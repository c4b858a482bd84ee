/**
 * Runs the simulated month on a simulated clock (a loop over seconds: no timers, no sleeps, no
 * real time). The fleet reports into the real QuotaSnapshot through the real FAMILIES and
 * StalenessRule, as the poller and the stream do; the exporter under test keeps its counters
 * from it, writes its state file every minute and is scraped every minute; the faults of the
 * schedule happen on time. Meanwhile the month records what the truth needs beyond the
 * profiles (when the exporter ran and each device reported) and, per fault, the interval its
 * bound covers. The result: per counter and UTC day, what was owed, what increase() read, and
 * the bound of that day's faults; and every decrease of an exported counter.
 */
import { FAMILIES } from '../../../src/devices/families.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { type ExporterUnderTest, startExporter } from './exporter-under-test.js';
import {
  clockSetBackLoss,
  describe,
  deviceResetLoss,
  downAcrossDeviceMidnightLoss,
  type Fault,
  faultTime,
  killLoss,
  type Loss,
  misread,
  misreadingLoss,
} from './faults.js';
import { type DeviceName, type FleetCounter, MONTH_DAYS, MONTH_START, monthFleet, type Owed, type SimDevice, seriesName } from './fleet.js';
import { type Decrease, IncreaseReader } from './prometheus-increase.js';
import { DAY_MS, HOUR_MS } from './profiles.js';

/**
 * As the exporter runs with COLLECTING_INTERVAL=30 and RECONCILE_INTERVAL=60: DATA_STALE_AFTER
 * is then 3 collecting intervals, 90 s.
 */
const STALE_AFTER_MS = 90_000;
const RECONCILE_INTERVAL_MS = 60_000;
/** The exporter first starts an hour before day 0, so every series has a sample on its midnight. */
const FIRST_START = MONTH_START - HOUR_MS;
const END = MONTH_START + MONTH_DAYS * DAY_MS;
/**
 * After a start, the poller loads the device list, then reads each device in turn, a second
 * apart from this many seconds on; the stream starts after that first round. Until its first
 * read, nothing of a device reaches the exporter, but /metrics already answers.
 */
const FIRST_READ_S = 3;
/** State writes at :20 of every minute (the keeper's one-minute interval), scrapes at :00: a kill falls between. */
const WRITE_AT_S = 20;
const SCRAPE_AT_S = 0;

/** One counter on one UTC day. */
export interface DayCheck {
  day: number;
  series: string;
  how: Owed['how'] | 'not modelled';
  owedJ: number;
  /** What increase() read. */
  gotJ: number;
  /** The most that day's faults may cost this counter. */
  boundJ: number;
  /** The faults of that day on the counter's device and the exporter. */
  faults: string[];
}

export interface MonthRun {
  checks: DayCheck[];
  decreases: Array<Decrease & { faults: string[] }>;
  /** Faults the month could not inject as scheduled (a harness error, not a finding). */
  unapplied: string[];
}

type MisreadingFault = Extract<Fault, { kind: 'misreading' }>;

/** What the month knows of one device while it runs. */
interface Live {
  device: SimDevice;
  online: boolean;
  /** Its stream is silent before this time. */
  silentUntil: number;
  /** The poller's first full read of it after the exporter started (nothing of it before). */
  firstReadAt?: number;
  /** Its last report to the running exporter while online; undefined after a stop or an outage. */
  lastReportAt?: number;
  /** Its last report of all. */
  lastSeenAt?: number;
  /** Its last report before the last state write: what the state file holds of it. */
  keptAt?: number;
  /** Unheard since `from` (exporter down, device offline: `fault`); `keptAt`: the last reading the exporter kept. */
  gap?: { from: number; keptAt?: number; fault: string };
  /** Reporting spans of the running exporter: an integrated counter owes what flowed within them. */
  coverage: Array<[number, number]>;
  misreadings: Array<{ fault: MisreadingFault; label: string; left: number }>;
  /** Misread keys, since the report that misread them, until a report reads them right. */
  misreadSince: Map<string, { label: string; since: number }>;
  /** A clock set back at `at`: its last report before, and its reports since. */
  setBack?: { label: string; at: number; lastBefore?: number; reports: number };
}

export function runMonth(faults: readonly Fault[]): MonthRun {
  const at = (f: Fault) => faultTime(f, MONTH_START);
  const lives: Live[] = monthFleet({
    resets: faults.flatMap((f) => (f.kind === 'device reset' ? [{ device: f.device, key: f.key, atMs: at(f) }] : [])),
    clockSetBack: faults.flatMap((f) => (f.kind === 'clock set back' ? [{ device: f.device, fromMs: at(f), toMs: at(f) + f.hours * HOUR_MS }] : [])),
  }).map((device) => ({ device, online: true, silentUntil: 0, coverage: [], misreadings: [], misreadSince: new Map() }));
  const live = (name: DeviceName) => lives.find((l) => l.device.name === name)!;
  const staleness = new StalenessRule({ staleAfterMs: STALE_AFTER_MS, reconcileIntervalMs: RECONCILE_INTERVAL_MS });
  const reader = new IncreaseReader(MONTH_START, MONTH_DAYS);
  const losses: Loss[] = [];

  let snapshot = new QuotaSnapshot();
  let exporter: ExporterUnderTest | undefined;
  let stateFileText: string | undefined;
  let lastWriteAt = Number.NaN;

  const report = (l: Live, t: number, transport: 'rest' | 'stream') => {
    const { device } = l;
    const quotas = transport === 'rest' ? device.full(t) : device.streamed!(t);
    const misreadNow = new Map<string, string>();
    for (const m of l.misreadings) {
      const { key, transport: only } = m.fault;
      if (m.left === 0 || (only && only !== transport) || !(key in quotas)) continue;
      const value = misread(m.fault.reading, quotas[key]);
      if (value === undefined) delete quotas[key];
      else quotas[key] = value;
      m.left--;
      misreadNow.set(key, m.label);
    }
    for (const [key, { label, since }] of l.misreadSince) {
      if (misreadNow.has(key)) continue;
      losses.push(misreadingLoss(label, device.name, key, since, t));
      l.misreadSince.delete(key);
    }
    for (const [key, label] of misreadNow) if (!l.misreadSince.has(key)) l.misreadSince.set(key, { label, since: t });
    if (l.gap) {
      // Device midnights that passed unheard: the old day's last part is read by nobody.
      for (const s of l.device.days?.segments ?? []) {
        if (s.start > l.gap.from && s.start <= t && l.gap.keptAt !== undefined)
          losses.push(downAcrossDeviceMidnightLoss(l.gap.fault, device.name, l.gap.keptAt, s.start));
      }
      l.gap = undefined;
    }
    if (l.lastReportAt !== undefined && t - l.lastReportAt <= STALE_AFTER_MS) cover(l, l.lastReportAt, t);
    l.lastReportAt = t;
    l.lastSeenAt = t;
    if (l.setBack && ++l.setBack.reports === 2) {
      losses.push(clockSetBackLoss(l.setBack.label, device.name, l.setBack.lastBefore ?? l.setBack.at, t));
      l.setBack = undefined;
    }
    if (transport === 'rest') snapshot.replaceQuotas(device.sn, quotas, t);
    else snapshot.mergeQuotas(device.sn, quotas, t);
  };

  /** The device stops being heard at t: misread spans end, the kept reading is remembered. */
  const unheard = (l: Live, t: number, keptAt: number | undefined, fault: string) => {
    for (const [key, { label, since }] of l.misreadSince) losses.push(misreadingLoss(label, l.device.name, key, since, t));
    l.misreadSince.clear();
    l.gap = { from: t, keptAt, fault };
    l.lastReportAt = undefined;
  };

  const start = (t: number) => {
    snapshot = new QuotaSnapshot({ streamOnlyLifetimeMs: STALE_AFTER_MS });
    exporter = startExporter({ snapshot, families: FAMILIES, staleness, stateFileText, now: t });
    snapshot.setDevices(lives.map((l) => ({ sn: l.device.sn, name: l.device.deviceName, productName: l.device.productName, online: l.online })));
    lives.forEach((l, i) => {
      if (l.online) l.firstReadAt = t + (FIRST_READ_S + i) * 1000;
    });
  };

  const stop = (t: number, how: 'clean' | 'kill', label: string) => {
    for (const l of lives) {
      // Up to a clean stop the held power counts (as between updates); up to a kill it is owed, and the kill's bound covers it.
      if (l.lastReportAt !== undefined && t - l.lastReportAt <= STALE_AFTER_MS) cover(l, l.lastReportAt, t);
      if (how === 'kill' && l.lastReportAt !== undefined) losses.push(killLoss(label, l.device.name, lastWriteAt, t));
    }
    if (how === 'clean') {
      exporter!.stop(t);
      write(t);
    }
    exporter = undefined;
    for (const l of lives) unheard(l, t, l.keptAt, label);
  };

  const write = (t: number) => {
    stateFileText = exporter!.writeState(t);
    lastWriteAt = t;
    for (const l of lives) l.keptAt = l.lastReportAt;
  };

  const scrape = (t: number) => {
    const samples: Array<[string, number]> = [];
    for (const l of lives) for (const r of exporter!.readings(l.device.sn)) samples.push([seriesName(l.device.sn, r), r.joules]);
    reader.scrape(t, samples);
  };

  // The schedule: [time, order (stops before misreadings before starts, at one time), action].
  const actions: Array<[number, number, () => void]> = [];
  for (const f of faults) {
    const t = at(f);
    const label = describe(f);
    switch (f.kind) {
      case 'restart': {
        const up = faultTime(f, MONTH_START, f.until);
        actions.push([t, 0, () => stop(t, f.how, label)]);
        actions.push([up, 2, () => start(up)]);
        break;
      }
      case 'misreading':
        actions.push([t, 1, () => live(f.device).misreadings.push({ fault: f, label, left: f.readings })]);
        break;
      case 'device reset':
        actions.push([t, 0, () => losses.push(deviceResetLoss(label, f.device, f.key, live(f.device).lastSeenAt ?? t, t))]);
        break;
      case 'offline': {
        const back = t + f.hours * HOUR_MS;
        actions.push([
          t,
          0,
          () => {
            const l = live(f.device);
            l.online = false;
            snapshot.setOnline(l.device.sn, false);
            unheard(l, t, l.lastReportAt, label);
          },
        ]);
        actions.push([
          back,
          2,
          () => {
            const l = live(f.device);
            l.online = true;
            snapshot.setOnline(l.device.sn, true);
            if (exporter) report(l, back, 'rest');
          },
        ]);
        break;
      }
      case 'stream silence':
        actions.push([t, 0, () => (live(f.device).silentUntil = t + f.hours * HOUR_MS)]);
        break;
      case 'clock set back': {
        const right = t + f.hours * HOUR_MS;
        actions.push([t, 0, () => (live(f.device).setBack = { label, at: t, lastBefore: live(f.device).lastReportAt, reports: 0 })]);
        actions.push([right, 0, () => losses.push(clockSetBackLoss(label, f.device, live(f.device).lastReportAt ?? right, right))]);
        break;
      }
    }
  }
  actions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  let next = 0;
  start(FIRST_START);
  for (let t = FIRST_START; t <= END; t += 1000) {
    while (next < actions.length && actions[next]![0] <= t) actions[next++]![2]();
    if (!exporter) continue;
    const s = t / 1000;
    for (const l of lives) {
      if (!l.online || (l.firstReadAt !== undefined && t < l.firstReadAt)) continue;
      if (t === l.firstReadAt) {
        l.firstReadAt = undefined;
        report(l, t, 'rest');
        continue;
      }
      const { restS, restSilentS, restPhaseS, streamS, streamPhaseS = 0 } = l.device.cadence;
      const silent = t < l.silentUntil;
      if ((s - restPhaseS) % (silent ? restSilentS : restS) === 0) report(l, t, 'rest');
      if (streamS && !silent && (s - streamPhaseS) % streamS === 0) report(l, t, 'stream');
    }
    if (s % 60 === WRITE_AT_S) write(t);
    if (s % 60 === SCRAPE_AT_S) scrape(t);
  }

  const unapplied = [
    ...lives.flatMap((l) => l.misreadings.filter((m) => m.left > 0).map((m) => `${m.label}: ${m.left} readings left`)),
    ...lives.flatMap((l) => (l.setBack ? [`${l.setBack.label}: never confirmed`] : [])),
  ];
  return { checks: dayChecks(lives, faults, losses, reader), decreases: decreasesWithFaults(reader, lives, faults), unapplied };
}

function cover(l: Live, from: number, to: number): void {
  const last = l.coverage[l.coverage.length - 1];
  if (last && last[1] === from) last[1] = to;
  else l.coverage.push([from, to]);
}

/** The truth of a counter over [a, b]: what the device counted, or what flowed. */
function truthJ(c: FleetCounter, a: number, b: number): number {
  if (!(b > a)) return 0;
  switch (c.owed.how) {
    case 'device':
      return c.owed.counter.countedJ(a, b);
    case 'daily':
      return c.owed.total.countedJ(a, b);
    case 'integrated':
      return c.owed.power.joules(a, b, c.owed.part);
  }
}

/** What a counter owes over [a, b]: an integrated one only while the exporter ran and the device reported. */
function owedJ(c: FleetCounter, l: Live, a: number, b: number): number {
  if (c.owed.how !== 'integrated') return truthJ(c, a, b);
  let j = 0;
  for (const [from, to] of l.coverage) if (to > a && from < b) j += truthJ(c, Math.max(a, from), Math.min(b, to));
  return j;
}

function faultsOn(faults: readonly Fault[], day: number, device: DeviceName | undefined): string[] {
  return faults.filter((f) => f.day === day && (f.kind === 'restart' || f.device === device)).map(describe);
}

function dayChecks(lives: readonly Live[], faults: readonly Fault[], losses: readonly Loss[], reader: IncreaseReader): DayCheck[] {
  const checks: DayCheck[] = [];
  const modelled = new Set(lives.flatMap((l) => l.device.counters.map((c) => c.series)));
  const unmodelled = [...reader.series()].filter((s) => !modelled.has(s));
  for (let day = 0; day < MONTH_DAYS; day++) {
    const a = MONTH_START + day * DAY_MS;
    const b = a + DAY_MS;
    for (const l of lives) {
      for (const c of l.device.counters) {
        let boundJ = 0;
        for (const loss of losses) if (loss.concerns(c)) boundJ += truthJ(c, Math.max(a, loss.from), Math.min(b, loss.to));
        checks.push({
          day,
          series: c.series,
          how: c.owed.how,
          owedJ: owedJ(c, l, a, b),
          gotJ: reader.increase(c.series, day),
          boundJ,
          faults: faultsOn(faults, day, l.device.name),
        });
      }
    }
    // A counter the fleet does not model owes nothing: it may not count energy that never flowed.
    for (const series of unmodelled) checks.push({ day, series, how: 'not modelled', owedJ: 0, gotJ: reader.increase(series, day), boundJ: 0, faults: [] });
  }
  return checks;
}

function decreasesWithFaults(reader: IncreaseReader, lives: readonly Live[], faults: readonly Fault[]): MonthRun['decreases'] {
  return reader.decreases.map((d) => {
    const device = lives.find((l) => d.series.startsWith(`${l.device.sn} `))?.device.name;
    return { ...d, faults: faultsOn(faults, Math.floor((d.at - MONTH_START) / DAY_MS), device) };
  });
}
