/**
 * The month's fleet: one device per way of counting, each built on its captured payload
 * (src/simulator/payloads/) with the keys that carry power and energy driven by known power
 * profiles (profiles.ts), in the units and scales of its family table (src/devices/):
 *
 * - DELTA 2 Max: its own lifetime AC counters (`pd.chgPowerAC`, `pd.dsgPowerAC`, whole Wh), the
 *   rest integrated (PV in W, battery = `bms_bmsStatus.vol` mV × `amp` mA; the payload has no
 *   `bms_bmsInfo.accu*Energy`, so the battery counters fall back to integrating);
 * - PowerStream: everything integrated, from powers in 0.1 W;
 * - Smart Plug: the appliance's load integrated, from `2_1.watts` in 0.1 W;
 * - Smart Home Panel: daily counters (`heartbeat.gridDayWatth`, `backupDayWatth`, the circuits'
 *   hourly buckets) that restart at the panel's midnight, which is at UTC+1; its battery charge
 *   integrated.
 *
 * Each device lists the counters it owes, with how the truth is computed: what the device
 * counted (device and daily counters), or the power's exact integral (integrated counters; the
 * month intersects it with the time the exporter ran and the device reported).
 */
import delta2maxCapture from '../../../src/simulator/payloads/delta2max.json' with { type: 'json' };
import powerstreamCapture from '../../../src/simulator/payloads/powerstream.json' with { type: 'json' };
import smartplugCapture from '../../../src/simulator/payloads/smartplug.json' with { type: 'json' };
import panelCapture from '../../../src/simulator/payloads/smarthomepanel.json' with { type: 'json' };
import type { CircuitSource, EnergyMetricId, Port } from '../../../src/catalog/catalog.js';
import { payload } from '../../../src/simulator/fleet.js';
import { DayTotal, type DaySegment, DeviceDays, hourlyBuckets, LifetimeWh, rtc } from './device-counting.js';
import { between, DAY_MS, HOUR_MS, linear, mapEnds, type Part, type Profile, SEGMENT_MS, solar, type Span, steps, weather } from './profiles.js';

/** 2025-06-01, a Sunday: day 0 of the month. */
export const MONTH_START = Date.UTC(2025, 5, 1);
export const MONTH_DAYS = 30;
/** The profiles run from a day before the month to a day after it (warm-up, the last midnight). */
export const SPAN: Span = { startMs: MONTH_START - DAY_MS, segments: ((MONTH_DAYS + 2) * DAY_MS) / SEGMENT_MS };
const SPAN_END = SPAN.startMs + SPAN.segments * SEGMENT_MS;

export type DeviceName = 'delta2Max' | 'powerStream' | 'smartPlug' | 'panel';

/** The labels of an exported counter, as the ledger's readings carry them. */
export interface CounterLabels {
  metric: EnergyMetricId;
  port?: Port;
  circuit?: string;
  source?: CircuitSource;
}

/** How a counter's truth is computed. */
export type Owed =
  /** What the device's own lifetime counter counted. */
  | { how: 'device'; counter: LifetimeWh }
  /** What the device's day totals counted. */
  | { how: 'daily'; total: DayTotal }
  /** What flowed: the power's integral (the month keeps to the time it was reported). */
  | { how: 'integrated'; power: Profile; part: Part };

export interface FleetCounter {
  /** The exported series: device serial, metric and labels (seriesName). */
  series: string;
  device: DeviceName;
  /** The raw keys it is read or integrated from: a misreading of one of them concerns it. */
  keys: readonly string[];
  owed: Owed;
}

export interface SimDevice {
  name: DeviceName;
  sn: string;
  deviceName: string;
  productName: string;
  /**
   * When it reports, in seconds: a REST full read every `restS` (every `restSilentS` while its
   * stream is silent: the poller takes over), a stream message every `streamS` (none: REST
   * only), each at its phase past the minute.
   */
  cadence: { restS: number; restSilentS: number; restPhaseS: number; streamS?: number; streamPhaseS?: number };
  /** What quota/all returns at t. */
  full(t: number): Record<string, unknown>;
  /** What a stream message carries at t: the keys that move. */
  streamed?(t: number): Record<string, unknown>;
  counters: FleetCounter[];
  /** The device's own days, where it keeps day totals. */
  days?: DeviceDays;
}

/** Device-side faults: the devices count and date differently because of them. */
export interface DeviceFaults {
  /** A true reset of a lifetime counter key at `atMs`. */
  resets: ReadonlyArray<{ device: DeviceName; key: string; atMs: number }>;
  /** The device's clock reads a day early from `fromMs` to `toMs`. */
  clockSetBack: ReadonlyArray<{ device: DeviceName; fromMs: number; toMs: number }>;
}

/** One name per exported series: `R351… portInputEnergy{ac}`, `SP10… circuitEnergy{grid 3}`. */
export function seriesName(sn: string, c: CounterLabels): string {
  return `${sn} ${c.metric}${c.port ? `{${c.port}}` : ''}${c.circuit ? `{${c.source} ${c.circuit}}` : ''}`;
}

export function monthFleet(faults: DeviceFaults): SimDevice[] {
  // One sky over the house: the DELTA 2 Max's panels and the PowerStream's see the same clouds.
  const sky = weather(20250601, MONTH_START, MONTH_DAYS);
  return [delta2Max(sky, faults), powerStream(sky), smartPlug(), panel(faults)];
}

const ZERO = (): Profile => steps(SPAN, () => 0);
const dayIndex = (t: number) => Math.floor((t - MONTH_START) / DAY_MS);
const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;

function integrated(sn: string, device: DeviceName, labels: CounterLabels, keys: string[], power: Profile, part: Part = 'all'): FleetCounter {
  return { series: seriesName(sn, labels), device, keys, owed: { how: 'integrated', power, part } };
}

/**
 * DELTA 2 Max: two PV strings, AC charging on the night tariff (not on Sundays), a house load
 * on its AC sockets; the battery takes the difference. Its AC counters start from a lifetime of
 * 213 052 Wh charged and 51 358 Wh discharged.
 */
function delta2Max(sky: (t: number) => number, faults: DeviceFaults): SimDevice {
  const sn = 'R351ZEB4HF6B0001';
  const name: DeviceName = 'delta2Max';
  const pv1 = solar(SPAN, { peakW: 480, rise: 4, set: 19, sky });
  const pv2 = solar(SPAN, { peakW: 320, rise: 6, set: 20, sky });
  const acIn = steps(SPAN, (t) => (between(t, 1, 4) && new Date(t).getUTCDay() !== 0 ? 400 : 0));
  const acOut = steps(SPAN, (t) => 120 + (between(t, 7, 8) ? 300 : 0) + (between(t, 18, 21) ? 700 : 0));
  const wattsIn = linear([1, pv1], [1, pv2], [1, acIn]);
  const battery = linear([1, wattsIn], [-1, acOut]);
  const resets = (key: string) => faults.resets.filter((r) => r.device === name && r.key === key).map((r) => r.atMs);
  const lifetime = (power: Profile, startWh: number, key: string) =>
    new LifetimeWh({ energy: (a, b) => power.joules(a, b), startWh, fromMs: SPAN.startMs, toMs: SPAN_END, resets: resets(key) });
  const charged = lifetime(acIn, 213_052, 'pd.chgPowerAC');
  const discharged = lifetime(acOut, 51_358, 'pd.dsgPowerAC');
  const MILLIVOLTS = 53_976;
  const base = payload(delta2maxCapture);
  const moving = (t: number): Record<string, unknown> => {
    const w1 = Math.round(pv1.watts(t));
    const w2 = Math.round(pv2.watts(t));
    const ac = Math.round(acIn.watts(t));
    const out = Math.round(acOut.watts(t));
    return {
      'pd.pv1ChargeWatts': w1,
      'mppt.inWatts': w1,
      'pd.pv2ChargeWatts': w2,
      'inv.inputWatts': ac,
      'inv.outputWatts': out,
      'pd.wattsInSum': w1 + w2 + ac,
      'pd.wattsOutSum': out,
      'bms_bmsStatus.vol': MILLIVOLTS,
      // mA, + charging: the pack's power is vol × amp.
      'bms_bmsStatus.amp': Math.round((battery.watts(t) * 1e6) / MILLIVOLTS),
      'pd.chgPowerAC': charged.wh(t),
      'pd.dsgPowerAC': discharged.wh(t),
    };
  };
  const zero = ZERO();
  return {
    name,
    sn,
    deviceName: 'garage',
    productName: 'DELTA 2 Max',
    cadence: { restS: 60, restSilentS: 30, restPhaseS: 31, streamS: 10, streamPhaseS: 3 },
    full: (t) => ({ ...base, ...moving(t) }),
    // A real one pushes its modules (pd, inv, mppt, bms) in separate messages; one message with
    // every moving key reads the same.
    streamed: moving,
    counters: [
      { series: seriesName(sn, { metric: 'portInputEnergy', port: 'ac' }), device: name, keys: ['pd.chgPowerAC'], owed: { how: 'device', counter: charged } },
      {
        series: seriesName(sn, { metric: 'portOutputEnergy', port: 'ac' }),
        device: name,
        keys: ['pd.dsgPowerAC'],
        owed: { how: 'device', counter: discharged },
      },
      integrated(sn, name, { metric: 'portInputEnergy', port: 'solar_1' }, ['pd.pv1ChargeWatts', 'mppt.inWatts'], pv1),
      integrated(sn, name, { metric: 'portInputEnergy', port: 'solar_2' }, ['pd.pv2ChargeWatts'], pv2),
      integrated(sn, name, { metric: 'portOutputEnergy', port: 'usb' }, ['pd.usb1Watts', 'pd.usb2Watts', 'pd.qcUsb1Watts', 'pd.qcUsb2Watts'], zero),
      integrated(sn, name, { metric: 'portOutputEnergy', port: 'usb_c' }, ['pd.typec1Watts', 'pd.typec2Watts'], zero),
      integrated(sn, name, { metric: 'portOutputEnergy', port: 'car' }, ['mppt.carOutWatts'], zero),
      integrated(sn, name, { metric: 'inputEnergy' }, ['pd.wattsInSum'], wattsIn),
      integrated(sn, name, { metric: 'outputEnergy' }, ['pd.wattsOutSum'], acOut),
      integrated(sn, name, { metric: 'batteryChargeEnergy' }, ['bms_bmsStatus.vol', 'bms_bmsStatus.amp'], battery, 'positive'),
      integrated(sn, name, { metric: 'batteryDischargeEnergy' }, ['bms_bmsStatus.vol', 'bms_bmsStatus.amp'], battery, 'negative'),
    ],
  };
}

/**
 * PowerStream: two PV strings and a battery that takes 60 % of the sun above 150 W and gives
 * the house 180 W from 18:00 to 05:00 UTC; the inverter sends out PV − charge + discharge.
 */
function powerStream(sky: (t: number) => number): SimDevice {
  const sn = 'HW51ZEH4SF5R3047';
  const name: DeviceName = 'powerStream';
  const pv1 = solar(SPAN, { peakW: 360, rise: 4.5, set: 19, sky });
  const pv2 = solar(SPAN, { peakW: 330, rise: 5, set: 19.5, sky });
  const pv = linear([1, pv1], [1, pv2]);
  const charge = mapEnds((w) => 0.6 * Math.max(0, w - 150), pv);
  const discharge = steps(SPAN, (t) => (between(t, 18, 29) ? 180 : 0));
  const inverter = linear([1, pv], [-1, charge], [1, discharge]);
  const battery = linear([1, charge], [-1, discharge]);
  const base = payload(powerstreamCapture);
  const deci = (p: Profile, t: number) => Math.round(p.watts(t) * 10);
  const moving = (t: number): Record<string, unknown> => ({
    '20_1.pv1InputWatts': deci(pv1, t),
    '20_1.pv2InputWatts': deci(pv2, t),
    '20_1.pvToInvWatts': deci(pv, t),
    '20_1.invOutputWatts': deci(inverter, t),
    // + while the battery discharges: the other way round from battery_power_watts.
    '20_1.batInputWatts': -deci(battery, t),
    '20_1.batInputVolt': 523,
  });
  return {
    name,
    sn,
    deviceName: 'balcony',
    productName: 'PowerStream',
    cadence: { restS: 60, restSilentS: 30, restPhaseS: 44, streamS: 10, streamPhaseS: 7 },
    full: (t) => ({ ...base, ...moving(t) }),
    streamed: moving,
    counters: [
      integrated(sn, name, { metric: 'portInputEnergy', port: 'solar_1' }, ['20_1.pv1InputWatts'], pv1),
      integrated(sn, name, { metric: 'portInputEnergy', port: 'solar_2' }, ['20_1.pv2InputWatts'], pv2),
      integrated(sn, name, { metric: 'portOutputEnergy', port: 'ac' }, ['20_1.invOutputWatts'], inverter),
      integrated(sn, name, { metric: 'inputEnergy' }, ['20_1.pvToInvWatts'], pv),
      integrated(sn, name, { metric: 'outputEnergy' }, ['20_1.invOutputWatts'], inverter),
      integrated(sn, name, { metric: 'batteryChargeEnergy' }, ['20_1.batInputWatts', '20_1.batInputVolt'], battery, 'positive'),
      integrated(sn, name, { metric: 'batteryDischargeEnergy' }, ['20_1.batInputWatts', '20_1.batInputVolt'], battery, 'negative'),
    ],
  };
}

/** Smart Plug under a fridge (110 W for 10 minutes in every 30, 4 W idle) and a kettle at 06:30 UTC. REST only. */
function smartPlug(): SimDevice {
  const sn = 'HW52ZDH4SF6J0001';
  const name: DeviceName = 'smartPlug';
  const load = steps(SPAN, (t) => (Math.floor(t / SEGMENT_MS) % 6 < 2 ? 110 : 4) + (between(t, 6.5, 6.5 + 5 / 60) ? 1800 : 0));
  const base = payload(smartplugCapture);
  const keys = ['2_1.watts'];
  return {
    name,
    sn,
    deviceName: 'fridge',
    productName: 'Smart Plug',
    cadence: { restS: 30, restSilentS: 30, restPhaseS: 13 },
    full: (t) => ({ ...base, '2_1.watts': Math.round(load.watts(t) * 10) }),
    counters: [
      integrated(sn, name, { metric: 'portOutputEnergy', port: 'ac' }, keys, load),
      integrated(sn, name, { metric: 'outputEnergy' }, keys, load),
      integrated(sn, name, { metric: 'loadEnergy' }, keys, load),
    ],
  };
}

/**
 * Each circuit's load: a base and the hours (UTC, end may pass 24) it draws more, every day or
 * on every `every`-th day. Circuit 4's boiler runs across the panel's midnight (23:00 UTC).
 */
const CIRCUITS: ReadonlyArray<{ baseW: number; extra?: ReadonlyArray<{ from: number; to: number; w: number; every?: number }> }> = [
  { baseW: 60 },
  { baseW: 20, extra: [{ from: 18, to: 22, w: 150 }] },
  {
    baseW: 30,
    extra: [
      { from: 11, to: 11.5, w: 2000 },
      { from: 17, to: 17.75, w: 1500 },
    ],
  },
  { baseW: 25, extra: [{ from: 22, to: 24, w: 1500 }] },
  { baseW: 40, extra: [{ from: 7, to: 16, w: 200 }] },
  { baseW: 300, extra: [{ from: 5, to: 7, w: 600 }] },
  { baseW: 20, extra: [{ from: 9, to: 10.5, w: 1200, every: 2 }] },
  { baseW: 35 },
  { baseW: 20, extra: [{ from: 13, to: 14, w: 800 }] },
  { baseW: 20, extra: [{ from: 0, to: 3, w: 2200, every: 2 }] },
];

/** Every third day the grid is down from 17:00 to 19:30 UTC: the circuits run on the backup battery, which then recharges at 500 W until 22:00. */
const gridDown = (t: number) => dayIndex(t) % 3 === 1 && between(t, 17, 19.5);
const recharging = (t: number) => dayIndex(t) % 3 === 1 && between(t, 19.5, 22);

/**
 * Smart Home Panel at UTC+1: ten circuits on the grid or, while it is down, on the backup
 * battery. Its day totals and hourly buckets are what it counted since its own midnight (or
 * since its clock last changed date), its battery channel's input and output are powers.
 */
function panel(faults: DeviceFaults): SimDevice {
  const sn = 'SP10ZAW5ZE4R0013';
  const name: DeviceName = 'panel';
  const loads = CIRCUITS.map(({ baseW, extra = [] }) =>
    steps(SPAN, (t) => baseW + extra.reduce((w, e) => w + (between(t, e.from, e.to) && dayIndex(t) % (e.every ?? 1) === 0 ? e.w : 0), 0)),
  );
  const mains = loads.map((load) => steps(SPAN, (t) => (gridDown(t) ? 0 : load.watts(t))));
  const backup = loads.map((load) => steps(SPAN, (t) => (gridDown(t) ? load.watts(t) : 0)));
  const gridTotal = linear(...mains.map((p): [number, Profile] => [1, p]));
  const backupTotal = linear(...backup.map((p): [number, Profile] => [1, p]));
  const lcdInput = steps(SPAN, (t) => (recharging(t) ? 500 : 0));
  const battery = linear([1, lcdInput], [-1, backupTotal]);

  const days = new DeviceDays({
    fromMs: SPAN.startMs,
    toMs: SPAN_END,
    utcOffsetMs: HOUR_MS,
    setBack: faults.clockSetBack.filter((c) => c.device === name),
  });
  // gridDayWatth is a float with two decimals in the capture (7280.39), backupDayWatth three (2294.229).
  const gridWh = (s: DaySegment, t: number) => round(gridTotal.joules(s.start, t) / 3600, 2);
  const backupWh = (s: DaySegment, t: number) => round(backupTotal.joules(s.start, t) / 3600, 3);
  const buckets = (profiles: Profile[], s: DaySegment, t: number) => profiles.map((p) => hourlyBuckets(s, t, (a, b) => p.joules(a, b)));
  const circuitTotal = (p: Profile) => new DayTotal(days, (s, t) => hourlyBuckets(s, t, (a, b) => p.joules(a, b)).reduce((x, y) => x + y, 0));

  const captured = payload(panelCapture);
  // quota/all is flat: the capture's nested `heartbeat`, `heartbeat.time` and
  // `heartbeat.timezoneInfo` objects are copies merged from stream pushes, and a stale copy would
  // answer for a flat key that is missing.
  const { heartbeat: _h, 'heartbeat.time': _t, 'heartbeat.timezoneInfo': _z, ...base } = captured;
  const energyInfos = captured['heartbeat.energyInfos'] as Array<Record<string, unknown>>;
  const infoList = captured.infoList as Array<Record<string, unknown>>;
  const full = (t: number): Record<string, unknown> => {
    const s = days.at(t);
    const local = new Date(t + s.offsetMs);
    const date = rtc(s.date);
    const circuitWatts = infoList.map((entry, i) => (i < loads.length ? { ...entry, chWatt: round(loads[i]!.watts(t), 3) } : entry));
    return {
      ...base,
      'heartbeat.timezoneInfo.timezone': 100,
      'heartbeat.time.year': s.date.year,
      'heartbeat.time.month': s.date.month,
      'heartbeat.time.day': s.date.day,
      'heartbeat.time.hour': local.getUTCHours(),
      'heartbeat.time.min': local.getUTCMinutes(),
      'heartbeat.time.sec': local.getUTCSeconds(),
      'heartbeat.time.week': local.getUTCDay(),
      'heartbeat.gridSta': gridDown(t) ? 0 : 1,
      'heartbeat.gridDayWatth': gridWh(s, t),
      'heartbeat.backupDayWatth': backupWh(s, t),
      'heartbeat.energyInfos': [
        { ...energyInfos[0], lcdInputWatts: Math.round(lcdInput.watts(t)), outputPower: round(backupTotal.watts(t), 1) },
        ...energyInfos.slice(1),
      ],
      infoList: circuitWatts,
      'channelPower.infoList': circuitWatts,
      'mainsLoadWatt.rtc': date,
      'mainsLoadWatt.watth': buckets(mains, s, t),
      'backupLoadWatt.rtc': date,
      'backupLoadWatt.watth': buckets(backup, s, t),
      'topupLoadWatt.rtc': date,
      timestamp: t,
    };
  };

  const daily = (labels: CounterLabels, keys: string[], total: DayTotal): FleetCounter => ({
    series: seriesName(sn, labels),
    device: name,
    keys,
    owed: { how: 'daily', total },
  });
  return {
    name,
    sn,
    deviceName: 'house',
    productName: 'Smart Home Panel',
    cadence: { restS: 60, restSilentS: 60, restPhaseS: 52 },
    full,
    days,
    counters: [
      integrated(sn, name, { metric: 'batteryChargeEnergy' }, ['heartbeat.energyInfos'], battery, 'positive'),
      daily({ metric: 'gridImportEnergy' }, ['heartbeat.gridDayWatth'], new DayTotal(days, gridWh)),
      daily({ metric: 'batteryDischargeEnergy' }, ['heartbeat.backupDayWatth'], new DayTotal(days, backupWh)),
      daily({ metric: 'loadEnergy' }, ['heartbeat.gridDayWatth', 'heartbeat.backupDayWatth'], new DayTotal(days, (s, t) => gridWh(s, t) + backupWh(s, t))),
      ...mains.map((p, i) => daily({ metric: 'circuitEnergy', circuit: String(i + 1), source: 'grid' }, ['mainsLoadWatt.watth'], circuitTotal(p))),
      ...backup.map((p, i) => daily({ metric: 'circuitEnergy', circuit: String(i + 1), source: 'battery' }, ['backupLoadWatt.watth'], circuitTotal(p))),
    ],
  };
}
