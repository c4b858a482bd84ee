import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFamily } from '../../helpers/unified.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { CloudSimulator } from '../../../src/simulator/cloud-simulator.js';
import { demoFleet, payload } from '../../../src/simulator/fleet.js';
import { TEST_KEYS, stillDemoFleet } from '../../helpers/simulated-fleet.js';

const SN = {
  delta2: 'R331ZEB4ZEAL0528',
  powerStream: 'HW51ZOH4SF4E0001',
  river2: 'R621ZEB5XE7K0003',
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

/** 2026-01-15 06:00 UTC. */
const T0 = Date.UTC(2026, 0, 15, 6, 0, 0) / 1000;
const OFFSETS = [0, 1, 2, 59, 60, 61, 600, 3599, 3600, 3601, 7200, 21_600, 86_399, 86_400, 86_437, 3 * 86_400 + 1234, 30 * 86_400 + 17];

// --- the fleet ------------------------------------------------------------------------------

test('payload() drops the notes of a capture (keys starting with _) and keeps every other key as it is', () => {
  const raw = { _source: 'a capture', _notes: 'why', 'pd.soc': 46, nested: { _inner: 1 }, list: [1, 2] };
  assert.deepEqual(payload(raw), { 'pd.soc': 46, nested: { _inner: 1 }, list: [1, 2] });
  for (const device of demoFleet()) {
    assert.deepEqual(
      Object.keys(device.quotas).filter((k) => k.startsWith('_')),
      [],
      device.deviceName,
    );
  }
});

test('one device of every family we have a payload for, each detected as its own family; the online ones move', () => {
  const fleet = demoFleet();
  assert.equal(new Set(fleet.map((d) => d.sn)).size, fleet.length, 'serial numbers are unique');
  const families = new Set(
    fleet.map((d) => {
      const quotas = new Map(Object.entries(d.quotas).map(([key, value]) => [key, { value, updatedAt: 0 }]));
      const family = detectFamily(d, quotas, FAMILIES);
      assert.ok(family, `${d.deviceName} is detected`);
      return family.id;
    }),
  );
  // DELTA Pro 3 is the one family without a captured payload.
  assert.deepEqual(
    [...families].sort(),
    FAMILIES.map((f) => f.id)
      .filter((id) => id !== 'delta_pro_3')
      .sort(),
  );
  for (const d of fleet) {
    if (d.online) assert.ok(d.motion && Object.keys(d.motion).length > 0, `${d.deviceName} moves`);
  }
  assert.deepEqual(
    fleet.filter((d) => !d.online).map((d) => d.sn),
    [SN.river2],
  );
});

test('every demo device has the shape its family streams in', () => {
  const shapes = Object.fromEntries(demoFleet().map((d) => [d.productName || d.deviceName, d.stream]));
  assert.deepEqual(shapes, {
    'DELTA 2': 'type_code',
    'DELTA 2 Max': 'type_code',
    'RIVER 2': 'type_code',
    'RIVER 2 Max': 'type_code',
    PowerStream: 'cmd',
    'Smart Plug': 'cmd',
    'DELTA 3 Plus': 'flat',
    'STREAM AC': 'flat',
    PowerOcean: 'flat',
    'DELTA Pro': 'params',
    'DELTA Max': 'params',
    'DELTA Pro Ultra': 'params',
    Glacier: 'params',
    'WAVE 2': 'params',
    'Smart Home Panel': 'params',
    'Smart Meter': 'params',
    'STREAM Microinverter-Balcony': 'flat',
  });
});

test('moving keys are keys of the capture: motion changes values, it never invents a key', () => {
  for (const device of demoFleet()) {
    for (const key of Object.keys(device.motion ?? {})) assert.ok(key in device.quotas, `${device.deviceName}: ${key} is in its capture`);
  }
});

// --- batteries and ports --------------------------------------------------------------------

/** The battery-cycle keys of the devices whose pack charges and discharges. */
const CYCLES = [
  {
    sn: SN.delta2,
    amp: 'bms_bmsStatus.amp',
    soc: 'bms_emsStatus.f32LcdShowSoc',
    chgRemain: 'bms_emsStatus.chgRemainTime',
    dsgRemain: 'bms_emsStatus.dsgRemainTime',
  },
  {
    sn: SN.river2Max,
    amp: 'bms_bmsStatus.amp',
    soc: 'bms_emsStatus.f32LcdShowSoc',
    chgRemain: 'bms_emsStatus.chgRemainTime',
    dsgRemain: 'bms_emsStatus.dsgRemainTime',
  },
  { sn: SN.deltaPro, amp: 'bmsMaster.amp', soc: 'ems.f32LcdShowSoc', chgRemain: 'ems.chgRemainTime', dsgRemain: 'ems.dsgRemainTime' },
  { sn: SN.streamAc, amp: 'amp', soc: 'cmsBattSoc' },
] as const;

test('battery cycles: the SoC moves the way the current says, and the remaining times say which way', () => {
  const { at } = moving(T0);
  for (const c of CYCLES) {
    let charging = 0;
    let discharging = 0;
    for (let t = T0; t < T0 + 12 * 3600; t += 997) {
      const q = at(t, c.sn);
      const amp = n(q, c.amp);
      const soc = n(q, c.soc);
      assert.ok(soc > 0 && soc < 100, `${c.sn} ${c.soc} ${soc}`);
      // Near the turning points the current is next to nothing: the SoC's direction is not told there.
      if (Math.abs(amp) < 500) continue;
      const moved = n(at(t + 300, c.sn), c.soc) - n(at(t - 300, c.sn), c.soc);
      assert.equal(Math.sign(moved), Math.sign(amp), `${c.sn} at +${t - T0} s: ${amp} mA, SoC moved ${moved}`);
      if (amp > 0) charging++;
      else discharging++;
      if (!('chgRemain' in c)) continue;
      const [busy, idle] = amp > 0 ? [c.chgRemain, c.dsgRemain] : [c.dsgRemain, c.chgRemain];
      assert.equal(n(q, idle), 5999, `${c.sn} ${idle} while ${amp > 0 ? 'charging' : 'discharging'}`);
      const minutes = n(q, busy);
      assert.ok(Number.isInteger(minutes) && minutes >= 0 && (minutes <= 5000 || minutes === 5999), `${c.sn} ${busy} ${minutes}`);
    }
    assert.ok(charging > 0 && discharging > 0, `${c.sn} both charges and discharges over 12 h`);
  }
});

test('the ports add up: what each device shows going in and out agrees with its pack and its PV', () => {
  const { at } = moving(T0);
  const slave = n(captured(SN.deltaPro), 'pd.wattsOutSum');
  for (let t = T0; t < T0 + 6 * 3600; t += 613) {
    // PowerStream (0.1 W): what the PV does not cover of the inverter comes from the battery.
    const ps = at(t, SN.powerStream);
    const pv = n(ps, '20_1.pv1InputWatts') + n(ps, '20_1.pv2InputWatts');
    assert.equal(n(ps, '20_1.pvToInvWatts'), pv);
    assert.equal(n(ps, '20_1.batInputWatts'), n(ps, '20_1.invOutputWatts') - pv);

    // DELTA 2 Max: PV, the captured 299 W of AC and 425 W from extra battery 2 in.
    const d2m = at(t, SN.delta2Max);
    assert.equal(n(d2m, 'mppt.inWatts'), n(d2m, 'pd.pv1ChargeWatts'));
    assert.equal(n(d2m, 'pd.wattsInSum'), n(d2m, 'pd.pv1ChargeWatts') + 299 + 425);

    // RIVER 2 Max: the ports carry the pack's 26 V × its current, in one direction at a time.
    const r2m = at(t, SN.river2Max);
    const r2mPack = (n(r2m, 'bms_bmsStatus.vol') * n(r2m, 'bms_bmsStatus.amp')) / 1000;
    assert.equal(n(r2m, 'pd.wattsInSum'), n(r2m, 'inv.inputWatts'));
    assert.equal(n(r2m, 'pd.wattsOutSum'), n(r2m, 'inv.outputWatts') + n(r2m, 'pd.usb1Watts'));
    assert.ok(n(r2m, 'pd.wattsInSum') === 0 || n(r2m, 'pd.wattsOutSum') === 0, 'never in and out at once');
    assert.ok(Math.abs(n(r2m, 'pd.wattsInSum') - n(r2m, 'pd.wattsOutSum') - r2mPack) <= 1, `RIVER 2 Max pack ${r2mPack} W`);

    // DELTA Pro: PV (0.1 W) and AC in; extra battery 1's captured draw, AC and USB-C out; the pack takes the rest.
    const dp = at(t, SN.deltaPro);
    const solar = n(dp, 'mppt.inWatts') / 10;
    const dpPack = (n(dp, 'bmsMaster.vol') * n(dp, 'bmsMaster.amp')) / 1e6;
    assert.equal(n(dp, 'pd.wattsInSum'), Math.round(solar) + n(dp, 'inv.inputWatts'));
    assert.equal(n(dp, 'pd.wattsOutSum'), slave + n(dp, 'inv.outputWatts') + n(dp, 'pd.typec1Watts'));
    assert.ok(
      Math.abs(solar + n(dp, 'inv.inputWatts') - (dpPack + slave + n(dp, 'inv.outputWatts') + n(dp, 'pd.typec1Watts'))) <= 1,
      `DELTA Pro balance at +${t - T0} s`,
    );

    // DELTA 3 Plus: its input watts are what goes into the pack.
    const d3 = at(t, SN.delta3Plus);
    assert.equal(n(d3, 'inputWatts'), Math.round(pack(d3)));
    assert.ok(pack(d3) > 0, 'the DELTA 3 Plus only charges');
  }
});

// --- the energy counters --------------------------------------------------------------------

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

test('each demoFleet() has counters of its own: a second fleet first read a day later starts at its capture then', () => {
  const first = moving(T0);
  first.at(T0, SN.streamAc);
  const grownFirst = n(first.at(T0 + 86_400, SN.streamAc), 'accuChgEnergy');
  assert.ok(grownFirst > n(captured(SN.streamAc), 'accuChgEnergy'));
  const second = moving(T0 + 86_400);
  assert.equal(second.at(T0 + 86_400, SN.streamAc).accuChgEnergy, captured(SN.streamAc).accuChgEnergy);
  // Reading the second fleet did not move the first one's start.
  assert.equal(n(first.at(T0 + 86_400, SN.streamAc), 'accuChgEnergy'), grownFirst);
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
