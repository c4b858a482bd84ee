/**
 * The demo's Smart Home Panel: its ten circuits draw a little moving power, from the grid or,
 * during the panel's daily outages, from its backup battery (the capture is of a grid-down
 * evening in Kyiv Oblast, with outages in the morning and the evening in its hourly buckets), and
 * its energy keys follow: the hourly buckets per circuit (`mainsLoadWatt.watth` for the grid,
 * `backupLoadWatt.watth` for the battery, 24 whole Wh each) and the day totals
 * (`heartbeat.gridDayWatth`, `heartbeat.backupDayWatth`, float Wh) of the panel's current day in
 * its own clock (`heartbeat.time`, the `rtc` dates). On the day of the first reading they go on
 * from the captured numbers; each later day starts from zero at the panel's midnight.
 */
import { type Energy, type Motion, type Start, periodicEnergy } from './energy-motion.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
const CIRCUITS = 10;

/**
 * Each circuit's power: base ± amplitude W over a period that divides an hour, with circuits 3,
 * 5, 6, 7 and 10 around what the capture's channelPower.infoList shows and the others around
 * their captured night-time hourly Wh.
 */
const CIRCUIT_WAVES: ReadonlyArray<{ base: number; amplitude: number; periodS: number }> = [
  { base: 5, amplitude: 2, periodS: 600 },
  { base: 3, amplitude: 1, periodS: 720 },
  { base: 24, amplitude: 10, periodS: 300 },
  { base: 7, amplitude: 3, periodS: 360 },
  { base: 57, amplitude: 20, periodS: 240 },
  { base: 35, amplitude: 8, periodS: 400 },
  { base: 28, amplitude: 12, periodS: 180 },
  { base: 15, amplitude: 13, periodS: 900 },
  { base: 6, amplitude: 3, periodS: 450 },
  { base: 21, amplitude: 9, periodS: 200 },
];

/**
 * When the grid goes down and comes back, in seconds of the panel's day: the capture's buckets
 * switch from mains to backup in hour 8 and back in hour 11, and again from hour 18 on (it was
 * taken at 21:47, grid down).
 */
const SWITCHES: ReadonlyArray<{ at: number; up: boolean }> = [
  { at: 0, up: true },
  { at: 8 * HOUR_S + 10 * 60, up: false },
  { at: 11 * HOUR_S + 20 * 60, up: true },
  { at: 18 * HOUR_S + 40 * 60, up: false },
  { at: 22 * HOUR_S + 40 * 60, up: true },
];

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The panel's clock fields, as `heartbeat.time` writes them (month 1–12, week 0 = Sunday). */
interface PanelTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  week: number;
}

/** What the panel's energy keys hold at one time. */
interface PanelEnergy {
  mains: number[][];
  backup: number[][];
  topup: number[][];
  gridDayWatth: number;
  backupDayWatth: number;
  /** `2025-12-6`: the day the buckets and totals are of. */
  rtc: string;
}

/**
 * Motion for a Smart Home Panel capture (the keys of `quotas` it can move: others are left out),
 * its counters starting at `start`.
 */
export function smartHomePanelMotion(quotas: Record<string, unknown>, start: Start): Record<string, Motion> {
  // heartbeat.timezoneInfo.timezone 200 is UTC+02:00 (hhmm): the capture's timestamp,
  // 19:46:57 UTC, is heartbeat.time 21:47:02.
  const zone = typeof quotas['heartbeat.timezoneInfo.timezone'] === 'number' ? (quotas['heartbeat.timezoneInfo.timezone'] as number) : 0;
  const offsetS = Math.sign(zone) * (Math.floor(Math.abs(zone) / 100) * HOUR_S + (Math.abs(zone) % 100) * 60);
  const dayOf = (t: number) => Math.floor((t + offsetS) / DAY_S);
  const dayStart = (day: number) => day * DAY_S - offsetS;

  const circuits = CIRCUIT_WAVES.map(
    ({ base, amplitude, periodS }, i) =>
      (t: number) =>
        round(base + amplitude * Math.sin((2 * Math.PI * t) / periodS + i), 3),
  );
  const energies: Energy[] = circuits.map((power, i) => periodicEnergy(power, CIRCUIT_WAVES[i]!.periodS));
  const load = (t: number) => circuits.reduce((sum, c) => sum + c(t), 0);

  /** Whether the grid is up at t, and until when (the next switch). */
  const grid = (t: number): { up: boolean; until: number } => {
    const into = mod(t + offsetS, DAY_S);
    const dayBegins = t - into;
    let k = SWITCHES.length - 1;
    while (SWITCHES[k]!.at > into) k--;
    const next = SWITCHES[k + 1]?.at ?? DAY_S;
    return { up: SWITCHES[k]!.up, until: dayBegins + next };
  };
  /** Circuit i's energy from `from` to `to`, by source. */
  const bySource = (i: number, from: number, to: number) => {
    let mains = 0;
    let backup = 0;
    for (let s = from; s < to; ) {
      const { up, until } = grid(s);
      const end = Math.min(to, Math.max(until, s + 1e-6));
      const wh = energies[i]!(s, end);
      if (up) mains += wh;
      else backup += wh;
      s = end;
    }
    return { mains, backup };
  };
  const batteryOut = (t: number) => (grid(t).up ? 0 : load(t));

  const buckets = (key: string, rows: number): number[][] => {
    const value = quotas[key];
    const ok = Array.isArray(value) && value.length === rows && value.every((r) => Array.isArray(r) && r.length === 24 && r.every((x) => Number.isInteger(x)));
    return ok ? (value as number[][]) : Array.from({ length: rows }, () => Array<number>(24).fill(0));
  };
  const captured = {
    mains: buckets('mainsLoadWatt.watth', CIRCUITS),
    backup: buckets('backupLoadWatt.watth', CIRCUITS),
    topup: buckets('topupLoadWatt.watth', Array.isArray(quotas['topupLoadWatt.watth']) ? (quotas['topupLoadWatt.watth'] as unknown[]).length : 2),
    gridDayWatth: typeof quotas['heartbeat.gridDayWatth'] === 'number' ? quotas['heartbeat.gridDayWatth'] : 0,
    backupDayWatth: typeof quotas['heartbeat.backupDayWatth'] === 'number' ? quotas['heartbeat.backupDayWatth'] : 0,
  };

  const timeAt = (t: number): PanelTime => {
    const d = new Date(Math.floor(t + offsetS) * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      min: d.getUTCMinutes(),
      sec: d.getUTCSeconds(),
      week: d.getUTCDay(),
    };
  };

  let last: { t: number; energy: PanelEnergy } | undefined;
  const energyAt = (t: number): PanelEnergy => {
    if (last?.t === t) return last.energy;
    const t0 = start(t);
    const now = Math.max(t, t0);
    const day = dayOf(now);
    const firstDay = day === dayOf(t0);
    const midnight = dayStart(day);
    // The day of the first reading goes on from the capture; a later one counts from midnight.
    const from = firstDay ? t0 : midnight;
    let gridWh = 0;
    let backupWh = 0;
    const mains: number[][] = [];
    const backup: number[][] = [];
    for (let i = 0; i < CIRCUITS; i++) {
      const m: number[] = [];
      const b: number[] = [];
      for (let h = 0; h < 24; h++) {
        const a = Math.max(midnight + h * HOUR_S, from);
        const e = Math.min(midnight + (h + 1) * HOUR_S, now);
        const grown = e > a ? bySource(i, a, e) : { mains: 0, backup: 0 };
        gridWh += grown.mains;
        backupWh += grown.backup;
        m.push(Math.floor((firstDay ? captured.mains[i]![h]! : 0) + grown.mains));
        b.push(Math.floor((firstDay ? captured.backup[i]![h]! : 0) + grown.backup));
      }
      mains.push(m);
      backup.push(b);
    }
    const date = timeAt(now);
    const energy: PanelEnergy = {
      mains,
      backup,
      // Top-up (battery charging from the grid) does not happen in the demo: captured, then none.
      topup: firstDay ? captured.topup : captured.topup.map(() => Array<number>(24).fill(0)),
      gridDayWatth: round((firstDay ? captured.gridDayWatth : 0) + gridWh, 3),
      backupDayWatth: round((firstDay ? captured.backupDayWatth : 0) + backupWh, 3),
      rtc: `${date.year}-${date.month}-${date.day}`,
    };
    last = { t, energy };
    return energy;
  };

  const channels = (key: string) => {
    const list = quotas[key];
    if (!Array.isArray(list)) return undefined;
    // Entries 0–9 are the circuits, 10 the first backup battery's channel (TOL).
    return (t: number) =>
      list.map((entry: unknown, i: number) => {
        if (i < CIRCUITS) return { ...(entry as object), chWatt: circuits[i]!(t) };
        if (i === CIRCUITS) return { ...(entry as object), chWatt: round(batteryOut(t), 3) };
        return entry;
      });
  };
  const energyInfos = (() => {
    const list = quotas['heartbeat.energyInfos'];
    if (!Array.isArray(list) || list.length === 0) return undefined;
    return (t: number) => {
      const out = round(batteryOut(t), 1);
      const [first, ...rest] = list as Array<Record<string, unknown>>;
      const state = (first!.stateBean ?? {}) as Record<string, unknown>;
      return [{ ...first, stateBean: { ...state, isPowerOutput: out > 0 ? 1 : 0 }, outputPower: out }, ...rest];
    };
  })();
  const timeObject = (key: string) => {
    const o = quotas[key];
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? (t: number) => ({ ...(o as object), ...timeAt(t) }) : undefined;
  };
  const heartbeatTime = timeObject('heartbeat.time');
  const gridSta = (t: number) => (grid(t).up ? 1 : 0);

  const motion: Record<string, Motion | undefined> = {
    infoList: channels('infoList'),
    'channelPower.infoList': channels('channelPower.infoList'),
    'heartbeat.gridSta': gridSta,
    'heartbeat.energyInfos': energyInfos,
    'heartbeat.gridDayWatth': (t) => energyAt(t).gridDayWatth,
    'heartbeat.backupDayWatth': (t) => energyAt(t).backupDayWatth,
    'heartbeat.time': heartbeatTime,
    'mainsLoadWatt.watth': (t) => energyAt(t).mains,
    'mainsLoadWatt.rtc': (t) => energyAt(t).rtc,
    'backupLoadWatt.watth': (t) => energyAt(t).backup,
    'backupLoadWatt.rtc': (t) => energyAt(t).rtc,
    'topupLoadWatt.watth': (t) => energyAt(t).topup,
    'topupLoadWatt.rtc': (t) => energyAt(t).rtc,
  };
  for (const field of ['year', 'month', 'day', 'hour', 'min', 'sec', 'week'] as const) {
    motion[`heartbeat.time.${field}`] = (t) => timeAt(t)[field];
    // When the circuit powers were reported: now, as they move.
    motion[`channelPower.time.${field}`] = (t) => timeAt(t)[field];
  }
  // The whole heartbeat object, which the capture holds next to its flattened keys, says the same.
  const heartbeat = quotas.heartbeat;
  if (heartbeat !== null && typeof heartbeat === 'object' && !Array.isArray(heartbeat)) {
    motion.heartbeat = (t) => {
      const e = energyAt(t);
      return {
        ...(heartbeat as object),
        gridSta: gridSta(t),
        gridDayWatth: e.gridDayWatth,
        backupDayWatth: e.backupDayWatth,
        ...(energyInfos && { energyInfos: energyInfos(t) }),
        ...(heartbeatTime && { time: heartbeatTime(t) }),
      };
    };
  }
  return Object.fromEntries(Object.entries(motion).filter((e): e is [string, Motion] => e[1] !== undefined && e[0] in quotas));
}
