import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudSimulator } from '../../../src/simulator/cloud-simulator.js';
import { constantEnergy, firstReading, lifetimeCounter, periodicEnergy } from '../../../src/simulator/energy-motion.js';
import { demoFleet } from '../../../src/simulator/fleet.js';
import { TEST_KEYS, stillDemoFleet } from '../../helpers/simulated-fleet.js';

const SN = {
  river2Max: 'R611ZEB5XE7K0004',
  delta2Max: 'R351ZEB4HF6L0005',
  deltaPro: 'DCABZ8ZE5160006',
  delta3Plus: 'P351ZAH4PG3R0008',
  streamAc: 'BK51ZEB4HF2R0009',
  smartHomePanel: 'SP10ZAW5ZE4R0013',
} as const;

type Quotas = Record<string, unknown>;

const n = (q: Quotas, key: string): number => {
  const v = q[key];
  assert.equal(typeof v, 'number', `${key} is a number`);
  return v as number;
};
const sum = (q: Quotas, keys: readonly string[]) => keys.reduce((s, k) => s + (typeof q[k] === 'number' ? (q[k] as number) : 0), 0);
const USB_OUT = ['pd.usb1Watts', 'pd.usb2Watts', 'pd.qcUsb1Watts', 'pd.qcUsb2Watts', 'pd.typec1Watts', 'pd.typec2Watts'];
/** The pack's power as the families compute it: vol (mV) × amp (mA), + charging. */
const pack = (q: Quotas) => (n(q, 'vol') * n(q, 'amp')) / 1e6;

/** Each lifetime counter key and the power (W) the same device shows for it, from its quotas. */
const COUNTERS: ReadonlyArray<{ sn: string; key: string; power: (q: Quotas) => number; grows: boolean }> = [
  { sn: SN.delta2Max, key: 'pd.chgPowerAC', power: (q) => n(q, 'inv.inputWatts'), grows: true },
  { sn: SN.delta2Max, key: 'pd.chgPowerDC', power: (q) => n(q, 'pd.pv1ChargeWatts') + n(q, 'pd.pv2ChargeWatts'), grows: true },
  { sn: SN.delta2Max, key: 'pd.dsgPowerAC', power: (q) => n(q, 'inv.outputWatts'), grows: true },
  { sn: SN.delta2Max, key: 'pd.dsgPowerDC', power: (q) => sum(q, USB_OUT) + n(q, 'mppt.carOutWatts') / 10, grows: true },
  { sn: SN.river2Max, key: 'pd.chgPowerAC', power: (q) => n(q, 'inv.inputWatts'), grows: true },
  { sn: SN.river2Max, key: 'pd.dsgPowerAC', power: (q) => n(q, 'inv.outputWatts'), grows: true },
  { sn: SN.river2Max, key: 'pd.dsgPowerDC', power: (q) => sum(q, USB_OUT) + n(q, 'mppt.carOutWatts') / 10, grows: true },
  { sn: SN.deltaPro, key: 'pd.chgSunPower', power: (q) => n(q, 'mppt.inWatts') / 10, grows: true },
  { sn: SN.deltaPro, key: 'pd.chgPowerAc', power: (q) => n(q, 'inv.inputWatts'), grows: true },
  { sn: SN.deltaPro, key: 'pd.dsgPowerAc', power: (q) => n(q, 'inv.outputWatts'), grows: true },
  {
    sn: SN.deltaPro,
    key: 'pd.dsgPowerDc',
    power: (q) => sum(q, USB_OUT) + n(q, 'mppt.carOutWatts') / 10 + n(q, 'mppt.dcdc12vWatts') / 10,
    grows: true,
  },
  { sn: SN.delta3Plus, key: 'accuChgEnergy', power: (q) => Math.max(0, pack(q)), grows: true },
  // The DELTA 3 Plus only charges in the demo.
  { sn: SN.delta3Plus, key: 'accuDsgEnergy', power: (q) => Math.max(0, -pack(q)), grows: false },
  { sn: SN.streamAc, key: 'accuChgEnergy', power: (q) => Math.max(0, pack(q)), grows: true },
  { sn: SN.streamAc, key: 'accuDsgEnergy', power: (q) => Math.max(0, -pack(q)), grows: true },
];

/** A moving demo fleet in a simulator whose clock the test sets (not listening: currentQuotas is enough). */
function moving(start: number) {
  let now = start;
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: demoFleet(), clock: () => now });
  const at = (t: number, sn: string) => {
    now = t;
    return simulator.currentQuotas(sn);
  };
  return { simulator, at };
}

const captured = (sn: string) => demoFleet().find((d) => d.sn === sn)!.quotas;

/** 2026-01-15 06:00 UTC: 08:00 on the Smart Home Panel's clock (UTC+2), ten minutes before its morning outage. */
const T0 = Date.UTC(2026, 0, 15, 6, 0, 0) / 1000;
const OFFSETS = [0, 1, 2, 59, 60, 61, 600, 3599, 3600, 3601, 7200, 21_600, 86_399, 86_400, 86_437, 3 * 86_400 + 1234, 30 * 86_400 + 17];

test('every lifetime counter starts at its captured value and never decreases, in whole Wh, no faster than 10 kW', () => {
  for (const start of [T0, 1_700_000_000.25]) {
    const { at } = moving(start);
    // The first reading, all devices at the same time: the capture.
    for (const c of COUNTERS) assert.equal(at(start, c.sn)[c.key], captured(c.sn)[c.key], `${c.sn} ${c.key} starts at the capture`);
    for (const c of COUNTERS) {
      let last = { t: start, value: n(captured(c.sn), c.key) };
      for (const offset of OFFSETS) {
        const t = start + offset;
        const value = n(at(t, c.sn), c.key);
        assert.ok(Number.isInteger(value), `${c.key} is whole Wh: ${value}`);
        assert.ok(value >= last.value, `${c.sn} ${c.key} at +${offset} s: ${value} < ${last.value}`);
        assert.ok(value - last.value <= (10_000 * (t - last.t)) / 3600 + 1, `${c.sn} ${c.key} grows by ${value - last.value} Wh in ${t - last.t} s`);
        last = { t, value };
      }
      const grown = last.value - n(captured(c.sn), c.key);
      if (c.grows) assert.ok(grown > 0, `${c.sn} ${c.key} grows over a month`);
      else assert.equal(grown, 0, `${c.sn} ${c.key} stays`);
    }
  }
});

test('each lifetime counter grows by the energy of the power the same device shows', () => {
  const { at } = moving(T0);
  for (const c of COUNTERS) at(T0, c.sn);
  // A window at the start and one days later, where a wrong period of the integral would show.
  for (const from of [T0, T0 + 5 * 86_400 + 123.5, T0 + 9 * 86_400 + 10_000]) {
    const windowS = 900;
    for (const c of COUNTERS) {
      let shown = 0;
      for (let s = 0; s < windowS; s++) shown += c.power(at(from + s, c.sn)) / 3600;
      const grown = n(at(from + windowS, c.sn), c.key) - n(at(from, c.sn), c.key);
      // Whole Wh at both ends: one off either way, and a little for sampling once a second.
      assert.ok(Math.abs(grown - shown) <= 1 + shown * 0.01, `${c.sn} ${c.key}: grew ${grown} Wh while showing ${shown.toFixed(2)} Wh`);
    }
  }
});

test('DELTA 2 Max leaves pd.chgSunPower at its captured 0: the model does not fill it', () => {
  const { at } = moving(T0);
  for (const offset of [0, 3600, 86_400]) assert.equal(at(T0 + offset, SN.delta2Max)['pd.chgSunPower'], 0);
  assert.equal(captured(SN.delta2Max)['pd.chgSunPower'], 0);
});

test('counters start at the first reading, whenever the clock says it is', () => {
  // A simulator made long before it is first read: its counters start then, not at its making.
  const { at } = moving(T0);
  const late = T0 + 10 * 86_400;
  assert.equal(at(late, SN.delta2Max)['pd.chgPowerAC'], captured(SN.delta2Max)['pd.chgPowerAC']);
  // An earlier time (a clock set back) reads the start, never less.
  assert.equal(at(late - 3600, SN.delta2Max)['pd.chgPowerAC'], captured(SN.delta2Max)['pd.chgPowerAC']);
  assert.ok(n(at(late + 3600, SN.delta2Max), 'pd.chgPowerAC') > n(captured(SN.delta2Max), 'pd.chgPowerAC'));
});

test('the still fleet keeps every counter at its capture', () => {
  let now = T0;
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices: stillDemoFleet(), clock: () => now });
  for (const offset of [0, 3600, 86_400 * 3]) {
    now = T0 + offset;
    for (const c of COUNTERS) assert.equal(simulator.currentQuotas(c.sn)[c.key], captured(c.sn)[c.key]);
    const panel = simulator.currentQuotas(SN.smartHomePanel);
    for (const key of ['heartbeat.gridDayWatth', 'heartbeat.backupDayWatth', 'mainsLoadWatt.watth', 'backupLoadWatt.watth', 'mainsLoadWatt.rtc']) {
      assert.deepEqual(panel[key], captured(SN.smartHomePanel)[key]);
    }
  }
});

// --- the Smart Home Panel -------------------------------------------------------------------

const PANEL_OFFSET_S = 2 * 3600; // heartbeat.timezoneInfo.timezone 200
const panelDate = (t: number) => {
  const d = new Date((t + PANEL_OFFSET_S) * 1000);
  return { rtc: `${d.getUTCFullYear()}-${d.getUTCMonth() + 1}-${d.getUTCDate()}`, hour: d.getUTCHours(), day: d.getUTCDate() };
};
/** The circuits together never draw more than this (W); one circuit never more than `CIRCUIT_MAX_W`. */
const PANEL_MAX_W = 400;
const CIRCUIT_MAX_W = 100;

interface PanelReading {
  t: number;
  grid: number;
  backup: number;
  mains: number[][];
  backupBuckets: number[][];
  topup: number[][];
  rtc: string;
  gridSta: number;
  circuits: number[];
  batteryChannel: number;
  batteryOut: number;
  time: Record<string, number>;
  heartbeat: Record<string, unknown>;
  channelTime: Record<string, unknown>;
}

function panelReading(q: Quotas, t: number): PanelReading {
  const list = q.infoList as Array<{ chWatt: number }>;
  assert.deepEqual(
    (q['channelPower.infoList'] as Array<{ chWatt: number }>).map((e) => e.chWatt),
    list.map((e) => e.chWatt),
    'both circuit lists say the same',
  );
  const time = Object.fromEntries(['year', 'month', 'day', 'hour', 'min', 'sec', 'week'].map((f) => [f, n(q, `heartbeat.time.${f}`)]));
  return {
    t,
    grid: n(q, 'heartbeat.gridDayWatth'),
    backup: n(q, 'heartbeat.backupDayWatth'),
    mains: q['mainsLoadWatt.watth'] as number[][],
    backupBuckets: q['backupLoadWatt.watth'] as number[][],
    topup: q['topupLoadWatt.watth'] as number[][],
    rtc: q['mainsLoadWatt.rtc'] as string,
    gridSta: n(q, 'heartbeat.gridSta'),
    circuits: list.slice(0, 10).map((e) => e.chWatt),
    batteryChannel: list[10]!.chWatt,
    batteryOut: (q['heartbeat.energyInfos'] as Array<{ outputPower: number }>)[0]!.outputPower,
    time,
    heartbeat: q.heartbeat as Record<string, unknown>,
    channelTime: Object.fromEntries(['year', 'month', 'day', 'hour', 'min', 'sec', 'week'].map((f) => [f, q[`channelPower.time.${f}`]])),
  };
}

const total = (buckets: number[][]) => buckets.flat().reduce((a, b) => a + b, 0);

test("Smart Home Panel: the first reading is the capture's energy, on the panel's own day and clock", () => {
  const { at } = moving(T0);
  const q = at(T0, SN.smartHomePanel);
  const c = captured(SN.smartHomePanel);
  for (const key of ['heartbeat.gridDayWatth', 'heartbeat.backupDayWatth', 'mainsLoadWatt.watth', 'backupLoadWatt.watth', 'topupLoadWatt.watth']) {
    assert.deepEqual(q[key], c[key], key);
  }
  const r = panelReading(q, T0);
  assert.equal(r.rtc, '2026-1-15');
  assert.equal(q['backupLoadWatt.rtc'], '2026-1-15');
  assert.equal(q['topupLoadWatt.rtc'], '2026-1-15');
  assert.deepEqual(r.time, { year: 2026, month: 1, day: 15, hour: 8, min: 0, sec: 0, week: 4 });
  assert.deepEqual(r.channelTime, r.time);
  assert.deepEqual(q['heartbeat.time'], { ...(c['heartbeat.time'] as object), ...r.time });
  // The whole heartbeat object says what its flattened keys say.
  assert.equal(r.heartbeat.gridDayWatth, r.grid);
  assert.equal(r.heartbeat.backupDayWatth, r.backup);
  assert.equal(r.heartbeat.gridSta, r.gridSta);
  assert.deepEqual(r.heartbeat.time, q['heartbeat.time']);
  assert.deepEqual(r.heartbeat.energyInfos, q['heartbeat.energyInfos']);
});

test('Smart Home Panel: buckets and day totals grow with the circuits, from the grid or in its outages the battery, and restart at midnight', () => {
  const { at } = moving(T0);
  const midnight = Date.UTC(2026, 0, 15, 22, 0, 0) / 1000; // 2026-01-16 00:00 on the panel's clock
  const end = midnight + 86_400 + 2 * 3600;
  let last = panelReading(at(T0, SN.smartHomePanel), T0);
  let outages = 0;
  let gridHours = 0;
  // Every 5 minutes: the outages switch on whole 10 minutes, so no step has a switch inside it.
  for (let t = T0 + 300; t <= end; t += 300) {
    const r = panelReading(at(t, SN.smartHomePanel), t);
    const dt = t - last.t;
    const date = panelDate(t);
    assert.equal(r.rtc, date.rtc);
    assert.equal(r.time.hour, date.hour);
    assert.equal(r.heartbeat.gridDayWatth, r.grid);
    assert.equal(r.heartbeat.backupDayWatth, r.backup);
    // The battery's channel and output carry the circuits while the grid is down, and nothing else.
    const load = r.circuits.reduce((a, b) => a + b, 0);
    assert.ok(r.circuits.every((w) => w > 0 && w <= CIRCUIT_MAX_W));
    if (r.gridSta === 0) {
      assert.ok(Math.abs(r.batteryChannel - load) < 0.01 && Math.abs(r.batteryOut - load) < 0.1, 'the battery feeds the circuits');
    } else {
      assert.equal(r.batteryChannel, 0);
      assert.equal(r.batteryOut, 0);
    }

    if (r.rtc !== last.rtc) {
      // A new day of the panel's: everything starts from zero at its midnight.
      assert.ok(r.grid + r.backup <= (PANEL_MAX_W * 300) / 3600, `day totals restart: ${r.grid} + ${r.backup}`);
      for (const buckets of [r.mains, r.backupBuckets]) {
        for (const circuit of buckets) circuit.forEach((wh, h) => assert.ok(h === 0 || wh === 0, `only hour 0 has begun: ${h} → ${wh}`));
      }
      assert.ok(total(r.topup) === 0, 'no top-up in the demo');
      last = r;
      continue;
    }
    assert.deepEqual(r.topup, last.topup);
    // Within a day, nothing decreases, and only the hours (last, now] grow.
    assert.ok(r.grid >= last.grid && r.backup >= last.backup, `day totals at ${new Date(t * 1000).toISOString()}`);
    assert.ok(r.grid - last.grid + (r.backup - last.backup) <= (PANEL_MAX_W * dt) / 3600);
    const open = new Set([panelDate(last.t).hour, panelDate(t - 1).hour]);
    for (const [name, now, before] of [
      ['mains', r.mains, last.mains],
      ['backup', r.backupBuckets, last.backupBuckets],
    ] as const) {
      now.forEach((circuit, i) =>
        circuit.forEach((wh, h) => {
          const was = before[i]![h]!;
          assert.ok(Number.isInteger(wh));
          if (!open.has(h)) assert.equal(wh, was, `${name} circuit ${i + 1} hour ${h} does not move at hour ${panelDate(t - 1).hour}`);
          assert.ok(wh >= was && wh - was <= (CIRCUIT_MAX_W * dt) / 3600 + 1, `${name} circuit ${i + 1} hour ${h}: ${was} → ${wh}`);
        }),
      );
    }
    // The source: the grid while it is up over the step, the battery while it is down.
    const up = last.gridSta === 1;
    const grown = {
      grid: r.grid - last.grid,
      backup: r.backup - last.backup,
      mains: total(r.mains) - total(last.mains),
      backupBuckets: total(r.backupBuckets) - total(last.backupBuckets),
    };
    if (up) {
      gridHours++;
      assert.ok(grown.grid > 0 && grown.backup === 0 && grown.backupBuckets === 0, `on the grid: ${JSON.stringify(grown)}`);
    } else {
      outages++;
      assert.ok(grown.backup > 0 && grown.grid === 0 && grown.mains === 0, `on the battery: ${JSON.stringify(grown)}`);
    }
    // The day totals grow as the buckets do (each of the 10 circuits' open buckets rounds down).
    assert.ok(Math.abs(grown.grid - grown.mains) <= 20 && Math.abs(grown.backup - grown.backupBuckets) <= 20, JSON.stringify(grown));
    last = r;
  }
  assert.ok(outages > 0 && gridHours > 0, 'both sources were seen');
  // A whole day of the panel's: its totals are its buckets, and about its circuits' 200 W.
  const dayEnd = panelReading(at(midnight + 86_400 - 1, SN.smartHomePanel), midnight + 86_400 - 1);
  assert.equal(dayEnd.rtc, '2026-1-16');
  assert.ok(Math.abs(dayEnd.grid - total(dayEnd.mains)) <= 240 && Math.abs(dayEnd.backup - total(dayEnd.backupBuckets)) <= 240);
  assert.ok(dayEnd.grid + dayEnd.backup > 4000 && dayEnd.grid + dayEnd.backup < 6000, `a day: ${dayEnd.grid} + ${dayEnd.backup} Wh`);
  assert.ok(dayEnd.backup > 0 && dayEnd.grid > dayEnd.backup);
});

// --- the integral ---------------------------------------------------------------------------

test('periodicEnergy integrates a periodic power over any span, whole periods exactly', () => {
  const periodS = 600;
  const power = (t: number) => 300 + 200 * Math.sin((2 * Math.PI * t) / periodS);
  const energy = periodicEnergy(power, periodS);
  // The sine's antiderivative, in Wh.
  const exact = (a: number, b: number) =>
    (300 * (b - a) - ((200 * periodS) / (2 * Math.PI)) * (Math.cos((2 * Math.PI * b) / periodS) - Math.cos((2 * Math.PI * a) / periodS))) / 3600;
  for (const [a, b] of [
    [0, 1],
    [10.5, 599.25],
    [1_700_000_000, 1_700_000_600],
    [1_700_000_123.4, 1_700_086_400.9],
    [1_767_225_600, 1_767_225_600 + 365 * 86_400],
  ] as const) {
    assert.ok(Math.abs(energy(a, b) - exact(a, b)) < 1e-3, `${a}..${b}: ${energy(a, b)} vs ${exact(a, b)}`);
  }
  assert.equal(energy(5, 5), 0);
  assert.equal(energy(6, 5), 0);
  // Negative power counts as none: the parts of a signed power.
  const signed = (t: number) => 100 * Math.cos((2 * Math.PI * t) / periodS);
  const charged = periodicEnergy(signed, periodS);
  const discharged = periodicEnergy((t) => -signed(t), periodS);
  assert.ok(Math.abs(charged(0, periodS) - (100 * periodS) / Math.PI / 3600) < 1e-3);
  assert.ok(Math.abs(charged(0, 10 * periodS) - discharged(0, 10 * periodS)) < 1e-6);
  assert.throws(() => periodicEnergy(power, 0.5), /whole number/);
});

test('lifetimeCounter: whole Wh from the captured value at the first reading, never less', () => {
  const counter = lifetimeCounter(firstReading(), 100, constantEnergy(360));
  assert.equal(counter(1000), 100);
  assert.equal(counter(999), 100);
  assert.equal(counter(1009), 100);
  assert.equal(counter(1010), 101);
  assert.equal(counter(1000 + 3600), 460);
});
