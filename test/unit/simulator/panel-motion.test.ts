import { test } from 'node:test';
import assert from 'node:assert/strict';
import smarthomepanel from '../../../src/simulator/payloads/smarthomepanel.json' with { type: 'json' };
import { firstReading } from '../../../src/simulator/energy-motion.js';
import { payload } from '../../../src/simulator/fleet.js';
import { smartHomePanelMotion } from '../../../src/simulator/panel-motion.js';

type Quotas = Record<string, unknown>;

/** The demo's Smart Home Panel capture (heartbeat.timezoneInfo.timezone 200, taken grid-down at 21:47). */
const CAPTURE: Quotas = payload(smarthomepanel);

/** The panel as quota/all reads a moving device: the capture with its moving keys computed at t. */
function panel(quotas: Quotas = CAPTURE): (t: number) => Quotas {
  const motion = smartHomePanelMotion(quotas, firstReading());
  return (t) => ({ ...quotas, ...Object.fromEntries(Object.entries(motion).map(([key, f]) => [key, f(t)])) });
}

const n = (q: Quotas, key: string): number => {
  const v = q[key];
  assert.equal(typeof v, 'number', `${key} is a number`);
  return v as number;
};

/** 2026-01-15 06:00 UTC: 08:00 on the panel's clock (UTC+2), ten minutes before its morning outage. */
const T0 = Date.UTC(2026, 0, 15, 6, 0, 0) / 1000;
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
const ENERGY_KEYS = ['heartbeat.gridDayWatth', 'heartbeat.backupDayWatth', 'mainsLoadWatt.watth', 'backupLoadWatt.watth', 'topupLoadWatt.watth'];

test("Smart Home Panel: the first reading is the capture's energy, on the panel's own day and clock", () => {
  const at = panel();
  const q = at(T0);
  for (const key of ENERGY_KEYS) assert.deepEqual(q[key], CAPTURE[key], key);
  const r = panelReading(q, T0);
  assert.equal(r.rtc, '2026-1-15');
  assert.equal(q['backupLoadWatt.rtc'], '2026-1-15');
  assert.equal(q['topupLoadWatt.rtc'], '2026-1-15');
  assert.deepEqual(r.time, { year: 2026, month: 1, day: 15, hour: 8, min: 0, sec: 0, week: 4 });
  assert.deepEqual(r.channelTime, r.time);
  assert.deepEqual(q['heartbeat.time'], { ...(CAPTURE['heartbeat.time'] as object), ...r.time });
  // The whole heartbeat object says what its flattened keys say.
  assert.equal(r.heartbeat.gridDayWatth, r.grid);
  assert.equal(r.heartbeat.backupDayWatth, r.backup);
  assert.equal(r.heartbeat.gridSta, r.gridSta);
  assert.deepEqual(r.heartbeat.time, q['heartbeat.time']);
  assert.deepEqual(r.heartbeat.energyInfos, q['heartbeat.energyInfos']);
});

test('Smart Home Panel: buckets and day totals grow with the circuits, from the grid or in its outages the battery, and restart at midnight', () => {
  const at = panel();
  const midnight = Date.UTC(2026, 0, 15, 22, 0, 0) / 1000; // 2026-01-16 00:00 on the panel's clock
  const end = midnight + 86_400 + 2 * 3600;
  let last = panelReading(at(T0), T0);
  let outages = 0;
  let gridHours = 0;
  // Every 5 minutes: the outages switch on whole 10 minutes, so no step has a switch inside it.
  for (let t = T0 + 300; t <= end; t += 300) {
    const r = panelReading(at(t), t);
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
  const dayEnd = panelReading(at(midnight + 86_400 - 1), midnight + 86_400 - 1);
  assert.equal(dayEnd.rtc, '2026-1-16');
  assert.ok(Math.abs(dayEnd.grid - total(dayEnd.mains)) <= 240 && Math.abs(dayEnd.backup - total(dayEnd.backupBuckets)) <= 240);
  assert.ok(dayEnd.grid + dayEnd.backup > 4000 && dayEnd.grid + dayEnd.backup < 6000, `a day: ${dayEnd.grid} + ${dayEnd.backup} Wh`);
  assert.ok(dayEnd.backup > 0 && dayEnd.grid > dayEnd.backup);
});

test('the grid goes down once in the morning and once in the evening, as the capture shows, and the battery reports its output then', () => {
  const at = panel();
  const midnight = Date.UTC(2026, 0, 15, 22, 0, 0) / 1000; // 2026-01-16 00:00 on the panel's clock
  const outages: Array<{ from: number; to: number }> = [];
  for (let minute = 0; minute < 24 * 60; minute++) {
    const t = midnight + minute * 60;
    const q = at(t);
    const down = n(q, 'heartbeat.gridSta') === 0;
    const [battery] = q['heartbeat.energyInfos'] as Array<{ outputPower: number; stateBean: { isPowerOutput: number } }>;
    assert.equal(battery!.stateBean.isPowerOutput, down ? 1 : 0, `isPowerOutput at minute ${minute}`);
    assert.equal(battery!.outputPower > 0, down, `outputPower at minute ${minute}`);
    if (!down) continue;
    const open = outages.at(-1);
    if (open && open.to === minute - 1) open.to = minute;
    else outages.push({ from: minute, to: minute });
  }
  assert.equal(outages.length, 2, JSON.stringify(outages));
  const [morning, evening] = outages as [{ from: number; to: number }, { from: number; to: number }];
  assert.ok(morning.from >= 6 * 60 && morning.to < 12 * 60, `morning outage ${JSON.stringify(morning)}`);
  assert.ok(evening.from >= 17 * 60 && evening.to < 24 * 60, `evening outage ${JSON.stringify(evening)}`);
  // The capture was taken at 21:47 with the grid down: the same time of day is in the outage.
  assert.equal(CAPTURE['heartbeat.gridSta'], 0);
  assert.ok(evening.from <= 21 * 60 + 47 && 21 * 60 + 47 <= evening.to);
});

test('channels past the battery and energy sources past the first are passed on as captured', () => {
  const q = panel()(T0 + 3 * 3600);
  for (const key of ['infoList', 'channelPower.infoList']) {
    const list = q[key] as unknown[];
    const captured = CAPTURE[key] as unknown[];
    assert.equal(list.length, captured.length);
    assert.deepEqual(list.slice(11), captured.slice(11), key);
  }
  const infos = q['heartbeat.energyInfos'] as unknown[];
  assert.deepEqual(infos.slice(1), (CAPTURE['heartbeat.energyInfos'] as unknown[]).slice(1));
});

test("the panel's clock is its capture's time zone (hhmm, west of UTC too), UTC without one", () => {
  const t = Date.UTC(2026, 0, 15, 6, 0, 0) / 1000; // a Thursday
  const clock = (zone: number | undefined) => {
    const fields = Object.fromEntries(['year', 'month', 'day', 'hour', 'min', 'sec', 'week'].map((f) => [`heartbeat.time.${f}`, 0]));
    const q = panel(zone === undefined ? fields : { ...fields, 'heartbeat.timezoneInfo.timezone': zone })(t);
    return ['year', 'month', 'day', 'hour', 'min', 'week'].map((f) => q[`heartbeat.time.${f}`]);
  };
  assert.deepEqual(clock(200), [2026, 1, 15, 8, 0, 4]);
  assert.deepEqual(clock(-530), [2026, 1, 15, 0, 30, 4]);
  assert.deepEqual(clock(-800), [2026, 1, 14, 22, 0, 3]);
  assert.deepEqual(clock(undefined), [2026, 1, 15, 6, 0, 4]);
});

test('only keys the capture has are moved: a capture without them gets no motion for them', () => {
  const motion = smartHomePanelMotion({ 'heartbeat.gridSta': 1, 'mainsLoadWatt.rtc': '2026-1-1', unrelated: 5 }, firstReading());
  assert.deepEqual(Object.keys(motion).sort(), ['heartbeat.gridSta', 'mainsLoadWatt.rtc']);
  assert.deepEqual(Object.keys(smartHomePanelMotion({}, firstReading())), []);
});

test("a time before the first reading reads the capture's energy, on the first reading's day", () => {
  const at = panel();
  at(T0 + 3600);
  // Ten minutes before, and a whole day before (a clock set back): never a day of its own.
  for (const earlier of [T0 - 600, T0 - 86_400]) {
    const q = at(earlier);
    for (const key of ENERGY_KEYS) assert.deepEqual(q[key], CAPTURE[key], `${key} at ${earlier - T0} s`);
    assert.equal(q['mainsLoadWatt.rtc'], '2026-1-15');
  }
});
