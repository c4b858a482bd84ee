import delta2 from './payloads/delta2.json' with { type: 'json' };
import powerstream from './payloads/powerstream.json' with { type: 'json' };
import smartplug from './payloads/smartplug.json' with { type: 'json' };
import river2max from './payloads/river2max.json' with { type: 'json' };
import delta2max from './payloads/delta2max.json' with { type: 'json' };
import deltapro from './payloads/deltapro.json' with { type: 'json' };
import deltamax from './payloads/deltamax.json' with { type: 'json' };
import streamMicroinverter from './payloads/stream_microinverter.json' with { type: 'json' };
import deltaproultra from './payloads/deltaproultra.json' with { type: 'json' };
import delta3 from './payloads/delta3.json' with { type: 'json' };
import streamAc from './payloads/stream_ac.json' with { type: 'json' };
import glacier from './payloads/glacier.json' with { type: 'json' };
import wave2 from './payloads/wave2.json' with { type: 'json' };
import powerocean from './payloads/powerocean.json' with { type: 'json' };
import smarthomepanel from './payloads/smarthomepanel.json' with { type: 'json' };
import smartmeter from './payloads/smartmeter.json' with { type: 'json' };
import { matchFamily } from '../devices/detect-family.js';
import { type Motion, capturedNumber, constantEnergy, firstReading, lifetimeCounter, periodicEnergy } from './energy-motion.js';
import { smartHomePanelMotion } from './panel-motion.js';
import type { StreamShape } from '../devices/device-family.js';
import { FAMILIES } from '../devices/families.js';

/**
 * The demo fleet: one device of every family we have a payload for (sources in each payload's
 * `_source`; the ones constructed from the docs get a few realistic values on top), with keys
 * that move over time, so a newcomer's graphs are alive. Devices that keep energy counters count
 * what their moving powers deliver (energy-motion.ts, panel-motion.ts).
 */
export interface SimulatedDevice {
  sn: string;
  deviceName: string;
  productName: string;
  online: boolean;
  /** The key may not read this device: quota/all answers 1006. */
  restricted?: boolean;
  /**
   * Its values come only over the stream, as the Smart Meter's: quota/all answers success with
   * no data, and the stream publishes each of its moving keys at every tick, changed or not.
   */
  streamOnly?: true;
  quotas: Record<string, unknown>;
  /**
   * key → value at time t (the simulator's clock, seconds since the epoch), overriding
   * `quotas[key]`: mostly numbers; nested values (arrays, objects) and strings where the capture
   * has them. Energy counters among them start at their captured value on the device's first
   * reading, so the functions of one `demoFleet()` call belong to one simulator.
   */
  motion?: Record<string, Motion>;
  /**
   * The shape of this device's open-API MQTT quota messages: its family's `streamShape` (see
   * DeviceFamily), which demoFleet fills in. Absent: the device does not publish.
   */
  stream?: StreamShape;
}

/** A capture without its `_source`-style notes. */
export function payload(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
}

const wave =
  (base: number, amplitude: number, periodS: number, phase = 0) =>
  (t: number) =>
    Math.round(base + amplitude * Math.sin((2 * Math.PI * t) / periodS + phase));

/**
 * `motion` stepping over an exact 0: the exporter reads a STREAM's exact 0 of the system grid as
 * no reading (the zeros of the units that are not the master, and of its error pushes), so a
 * wave crossing 0 would take the grid and load series away for a moment at each crossing.
 */
const besideZero = (motion: (t: number) => number) => (t: number) => motion(t) || 1;

/**
 * A battery that charges and discharges over `periodS` (hours, so that the power stays what
 * such a pack delivers): the SoC follows a sine between
 * `mid ± swing` %, the current its slope (+ charging), so SoC, current and power agree.
 * `soc` keys are written as integers or, for `float` ones, with two decimals; `amp` in mA.
 */
function batteryCycle(o: {
  periodS: number;
  mid: number;
  swing: number;
  /** Pack capacity in Ah: how much current moves the SoC this fast. */
  capacityAh: number;
  soc: Record<string, 'int' | 'float'>;
  amp: string;
  /** Remaining-time keys in minutes, 5999 when not charging / not discharging. */
  chgRemain?: string;
  dsgRemain?: string;
}): Record<string, (t: number) => number> {
  const angle = (t: number) => (2 * Math.PI * t) / o.periodS;
  const soc = (t: number) => o.mid + o.swing * Math.sin(angle(t));
  // %/s of the sine, as current: capacity × %/h / 100.
  const slope = (t: number) => ((o.swing * 2 * Math.PI) / o.periodS) * Math.cos(angle(t));
  const amps = (t: number) => (o.capacityAh * slope(t) * 3600) / 100;
  const motion: Record<string, (t: number) => number> = {};
  for (const [key, kind] of Object.entries(o.soc)) motion[key] = (t) => (kind === 'float' ? Math.round(soc(t) * 100) / 100 : Math.round(soc(t)));
  motion[o.amp] = (t) => Math.round(amps(t) * 1000);
  const minutes = (percent: number, t: number) => {
    const perMinute = Math.abs(slope(t)) * 60;
    const m = perMinute > 0 ? Math.round(percent / perMinute) : Infinity;
    return m <= 5000 ? m : 5999;
  };
  if (o.chgRemain) motion[o.chgRemain] = (t) => (slope(t) > 0 ? minutes(100 - soc(t), t) : 5999);
  if (o.dsgRemain) motion[o.dsgRemain] = (t) => (slope(t) < 0 ? minutes(soc(t), t) : 5999);
  return motion;
}

// PowerStream, in its 0.1 W units.
const pv1 = wave(900, 800, 3600);
const pv2 = wave(850, 750, 3600, 0.3);
const inverter = wave(1700, 600, 300);

/**
 * A pack's signed power (W, + charging) as the ports that carry it, in whole W: charging comes
 * in through AC; discharging goes out through a DC port (`dcShare` of it) and AC (the rest).
 */
function portsOf(battery: (t: number) => number, dcShare: number) {
  const out = (t: number) => Math.max(0, Math.round(-battery(t)));
  const dcOut = (t: number) => Math.round(out(t) * dcShare);
  return {
    acIn: (t: number) => Math.max(0, Math.round(battery(t))),
    out,
    dcOut,
    acOut: (t: number) => out(t) - dcOut(t),
  };
}

/**
 * DELTA 2 Max: PV, the captured 299 W of AC charging and 425 W from extra battery 2 in; the
 * captured 489 W into extra battery 1 out, with an AC load and a USB-C laptop the demo adds (the
 * capture's inverter is off). Its lifetime Wh (DOC Delta2 "cumulative … capacity") count them:
 * AC in, DC in (the PV: pd.chgSunPower is not filled on this model, 0 in the capture, and it
 * counts pd.dcInUsedTime while pd.mpptUsedTime stays 0), AC out, DC out.
 */
function delta2MaxMotion(q: Record<string, unknown>): Record<string, Motion> {
  const pv = wave(450, 300, 900);
  const acOut = wave(140, 60, 300);
  const usbC = wave(30, 15, 180);
  const start = firstReading();
  return {
    'mppt.inWatts': pv,
    'pd.pv1ChargeWatts': pv,
    // The capture's balance: PV + 299 W AC + 425 W from the extra battery.
    'pd.wattsInSum': (t) => pv(t) + 299 + 425,
    'pd.wattsOutSum': (t) => wave(490, 120, 200)(t) + acOut(t) + usbC(t),
    'inv.outputWatts': acOut,
    'inv.invOutVol': wave(230000, 400, 60),
    'inv.invOutFreq': () => 50,
    'pd.typec1Watts': usbC,
    'pd.chgPowerAC': lifetimeCounter(start, capturedNumber(q, 'pd.chgPowerAC'), constantEnergy(capturedNumber(q, 'inv.inputWatts'))),
    'pd.chgPowerDC': lifetimeCounter(start, capturedNumber(q, 'pd.chgPowerDC'), periodicEnergy(pv, 900)),
    'pd.dsgPowerAC': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerAC'), periodicEnergy(acOut, 300)),
    'pd.dsgPowerDC': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerDC'), periodicEnergy(usbC, 180)),
  };
}

/**
 * RIVER 2 Max in a van: its pack charges from AC and discharges into an AC load and a USB
 * port, the ports carrying what the pack's current says (26 V, whole volts on this model, × A);
 * its lifetime Wh count AC in, AC out and DC out.
 */
function river2MaxMotion(q: Record<string, unknown>): Record<string, Motion> {
  const periodS = 3 * 3600;
  const cycle = batteryCycle({
    periodS,
    mid: 35,
    swing: 15,
    capacityAh: 20,
    soc: { 'bms_emsStatus.f32LcdShowSoc': 'float', 'bms_emsStatus.lcdShowSoc': 'int' },
    amp: 'bms_bmsStatus.amp',
    chgRemain: 'bms_emsStatus.chgRemainTime',
    dsgRemain: 'bms_emsStatus.dsgRemainTime',
  });
  const volts = capturedNumber(q, 'bms_bmsStatus.vol');
  const amp = cycle['bms_bmsStatus.amp']!;
  const ports = portsOf((t) => (volts * amp(t)) / 1000, 0.2);
  const start = firstReading();
  return {
    ...cycle,
    'inv.inputWatts': ports.acIn,
    'pd.wattsInSum': ports.acIn,
    'inv.outputWatts': ports.acOut,
    'pd.usb1Watts': ports.dcOut,
    'pd.wattsOutSum': ports.out,
    'pd.chgPowerAC': lifetimeCounter(start, capturedNumber(q, 'pd.chgPowerAC'), periodicEnergy(ports.acIn, periodS)),
    'pd.dsgPowerAC': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerAC'), periodicEnergy(ports.acOut, periodS)),
    'pd.dsgPowerDC': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerDC'), periodicEnergy(ports.dcOut, periodS)),
  };
}

/**
 * DELTA Pro in a workshop: PV (0.1 W) and, for what the PV does not cover of the main pack's
 * charging and the captured 114 W into extra battery 1 (pd.wattsOutSum = bmsSlave1.inputWatts),
 * AC in; what the main pack gives beyond the PV goes out to an AC load and USB-C. The capture's
 * unit is unplugged with its inverter off; the demo's is on the grid with AC on (its
 * cfgAcOutVoltage is 120 V: 60 Hz). Its lifetime Wh count PV, AC in, AC out and DC out.
 */
/** What the DELTA Pro's motion takes from the unit: its main pack, and its AC side. */
interface DeltaProUnit {
  capacityAh: number;
  acMilliVolts: number;
  hz: number;
}
const DELTA_PRO_US: DeltaProUnit = { capacityAh: 72, acMilliVolts: 120_000, hz: 60 };
/**
 * The DELTA Max's SoC (ems.f32LcdShowSoc) is both packs' (2 × 40 Ah, bmsMaster.designCap 40000),
 * moved by the main pack's current as if the extra one took the same; its capture's AC is 230 V.
 */
const DELTA_MAX_EU: DeltaProUnit = { capacityAh: 80, acMilliVolts: 230_000, hz: 50 };

function deltaProMotion(q: Record<string, unknown>, unit: DeltaProUnit = DELTA_PRO_US): Record<string, Motion> {
  const periodS = 6 * 3600;
  const cycle = batteryCycle({
    periodS,
    mid: 54,
    swing: 20,
    capacityAh: unit.capacityAh,
    soc: { 'ems.f32LcdShowSoc': 'float', 'ems.lcdShowSoc': 'int' },
    amp: 'bmsMaster.amp',
    chgRemain: 'ems.chgRemainTime',
    dsgRemain: 'ems.dsgRemainTime',
  });
  const solar = wave(2960, 1500, 1200); // 0.1 W
  const solarWatts = (t: number) => solar(t) / 10;
  const volts = capturedNumber(q, 'bmsMaster.vol') / 1000;
  const amp = cycle['bmsMaster.amp']!;
  const slave = capturedNumber(q, 'pd.wattsOutSum');
  // The period of the pack's cycle is a multiple of the PV's (1200 s): so is that of the ports.
  const ports = portsOf((t) => (volts * amp(t)) / 1000 + slave - solarWatts(t), 0.1);
  const start = firstReading();
  return {
    ...cycle,
    'mppt.inWatts': solar,
    'pd.wattsInSum': (t) => Math.round(solarWatts(t)) + ports.acIn(t),
    'pd.wattsOutSum': (t) => slave + ports.out(t),
    'inv.inputWatts': ports.acIn,
    'inv.outputWatts': ports.acOut,
    'pd.typec1Watts': ports.dcOut,
    'inv.acInVol': wave(unit.acMilliVolts, 500, 45),
    'inv.acInFreq': () => unit.hz,
    'inv.invOutVol': wave(unit.acMilliVolts, 300, 60),
    'inv.invOutFreq': () => unit.hz,
    'pd.chgSunPower': lifetimeCounter(start, capturedNumber(q, 'pd.chgSunPower'), periodicEnergy(solarWatts, 1200)),
    'pd.chgPowerAc': lifetimeCounter(start, capturedNumber(q, 'pd.chgPowerAc'), periodicEnergy(ports.acIn, periodS)),
    'pd.dsgPowerAc': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerAc'), periodicEnergy(ports.acOut, periodS)),
    'pd.dsgPowerDc': lifetimeCounter(start, capturedNumber(q, 'pd.dsgPowerDc'), periodicEnergy(ports.dcOut, periodS)),
  };
}

/**
 * DELTA 3 Plus on AC: the pack takes what the moving AC input brings less the output and losses
 * (the capture: 696.2 W in, 54.1 V × 8.035 A = 434.7 W into the pack), so the pack's current
 * moves with the input; accuChgEnergy (the pack's lifetime Wh in) counts it. The pack never
 * discharges here: accuDsgEnergy stays as captured.
 */
function delta3PlusMotion(q: Record<string, unknown>): Record<string, Motion> {
  const acIn = wave(696, 100, 300);
  const volts = capturedNumber(q, 'vol') / 1000;
  const elsewhere = capturedNumber(q, 'powGetAcIn') - volts * (capturedNumber(q, 'amp') / 1000);
  const amp = (t: number) => Math.round(((acIn(t) - elsewhere) / volts) * 1000);
  const pack = (t: number) => (volts * amp(t)) / 1000;
  const start = firstReading();
  return {
    powInSumW: wave(699, 100, 300),
    powGetAcIn: acIn,
    amp,
    inputWatts: (t) => Math.round(pack(t)),
    accuChgEnergy: lifetimeCounter(start, capturedNumber(q, 'accuChgEnergy'), periodicEnergy(pack, 300)),
  };
}

/**
 * Smart Meter, a one-phase house: grid power on L1 swings between 300 W of export and 1,500 W of
 * import every 10 minutes, L2 and L3 stay at the capture's 0 W. The record counts as the capture
 * shows: `todayActive` the lifetime import, `totalReactiveEnergy` the export, `totalActiveEnergy`
 * (and `todayActiveL1`) their difference. Every key is a moving one, the still ones too: only
 * moving keys are published, and this model has no other way in.
 */
function smartMeterMotion(q: Record<string, unknown>): Record<string, Motion> {
  const periodS = 600;
  const grid = wave(600, 900, periodS);
  const record = q.gridConnectionDataRecord as Record<string, unknown>;
  const start = firstReading();
  const imported = lifetimeCounter(start, capturedNumber(record, 'todayActive'), periodicEnergy(grid, periodS));
  const exported = lifetimeCounter(
    start,
    capturedNumber(record, 'totalReactiveEnergy'),
    periodicEnergy((t) => -grid(t), periodS),
  );
  const still = (key: string) => () => q[key];
  return {
    powGetSysGrid: grid,
    gridConnectionPowerL1: grid,
    gridConnectionPowerL2: still('gridConnectionPowerL2'),
    gridConnectionPowerL3: still('gridConnectionPowerL3'),
    gridConnectionVolL1: wave(244, 2, 60),
    gridConnectionVolL2: still('gridConnectionVolL2'),
    gridConnectionVolL3: still('gridConnectionVolL3'),
    gridConnectionDataRecord: (t) => {
      const net = imported(t) - exported(t);
      return { ...record, todayActive: imported(t), todayActiveL1: net, totalActiveEnergy: net, totalReactiveEnergy: exported(t) };
    },
  };
}

/**
 * STREAM Microinverter: two strings that move out of step, and the AC output their sum (as in
 * every dump). Every key is a moving one, as for the Smart Meter: a stream-only model's
 * values arrive only as the stream's pushes.
 */
function microinverterMotion(q: Record<string, unknown>): Record<string, Motion> {
  const pv1 = wave(99, 60, 900);
  const pv2 = wave(85, 50, 900, 1);
  const still = Object.fromEntries(Object.keys(q).map((key): [string, Motion] => [key, () => q[key]]));
  return {
    ...still,
    powGetPv: pv1,
    powGetPv2: pv2,
    gridConnectionPower: (t) => pv1(t) + pv2(t),
    gridConnectionVol: wave(232, 2, 60),
  };
}

/**
 * STREAM AC: PV and grid move; the pack (20.2 V × its cycle's current) charges and discharges,
 * and accuChgEnergy / accuDsgEnergy (its lifetime Wh in and out) count it.
 */
function streamAcMotion(q: Record<string, unknown>): Record<string, Motion> {
  const periodS = 6 * 3600;
  const cycle = batteryCycle({ periodS, mid: 43, swing: 20, capacityAh: 100, soc: { cmsBattSoc: 'float' }, amp: 'amp' });
  const volts = capturedNumber(q, 'vol') / 1000;
  const amp = cycle.amp!;
  const pack = (t: number) => (volts * amp(t)) / 1000;
  const start = firstReading();
  return {
    powGetPvSum: wave(2051, 1500, 3600),
    powGetSysGrid: besideZero(wave(-135, 200, 600)),
    ...cycle,
    accuChgEnergy: lifetimeCounter(start, capturedNumber(q, 'accuChgEnergy'), periodicEnergy(pack, periodS)),
    accuDsgEnergy: lifetimeCounter(
      start,
      capturedNumber(q, 'accuDsgEnergy'),
      periodicEnergy((t) => -pack(t), periodS),
    ),
  };
}

export function demoFleet(): SimulatedDevice[] {
  return withStreamShapes([
    {
      sn: 'R331ZEB4ZEAL0528',
      deviceName: 'DELTA 2-Garage',
      productName: 'DELTA 2',
      online: true,
      quotas: payload(delta2),
      motion: {
        ...batteryCycle({
          periodS: 6 * 3600,
          mid: 60,
          swing: 30,
          capacityAh: 20,
          soc: {
            'pd.soc': 'int',
            'bms_emsStatus.lcdShowSoc': 'int',
            'bms_emsStatus.f32LcdShowSoc': 'float',
            'bms_bmsStatus.soc': 'int',
            'bms_bmsStatus.f32ShowSoc': 'float',
          },
          amp: 'bms_bmsStatus.amp',
          chgRemain: 'bms_emsStatus.chgRemainTime',
          dsgRemain: 'bms_emsStatus.dsgRemainTime',
        }),
        'pd.wattsOutSum': wave(180, 60, 120),
        'inv.outputWatts': wave(150, 50, 120),
        // The capture was taken with the inverter off; the demo's inverter is on.
        'inv.invOutVol': wave(230000, 400, 60),
        'inv.invOutFreq': () => 50,
        'inv.outTemp': wave(30, 3, 600),
      },
    },
    {
      sn: 'HW51ZOH4SF4E0001',
      deviceName: 'PowerStream-Balcony',
      productName: 'PowerStream',
      online: true,
      quotas: payload(powerstream),
      motion: {
        '20_1.pv1InputWatts': pv1,
        '20_1.pv2InputWatts': pv2,
        '20_1.invOutputWatts': inverter,
        '20_1.invOpVolt': wave(2300, 15, 60), // 0.1 V; the capture says 0 while feeding 171 W
        // What the PV does not cover comes from the battery (+ = discharging on this model).
        '20_1.pvToInvWatts': (t) => pv1(t) + pv2(t),
        '20_1.batInputWatts': (t) => inverter(t) - pv1(t) - pv2(t),
      },
    },
    {
      sn: 'HW52ZDH4SF2E0002',
      deviceName: 'Smart Plug-Fridge',
      productName: 'Smart Plug',
      online: true,
      quotas: payload(smartplug),
      motion: {
        '2_1.watts': (t) => (Math.floor(t / 90) % 2 === 0 ? wave(850, 40, 20)(t) : wave(20, 5, 20)(t)),
        '2_1.volt': wave(229, 2, 45),
      },
    },
    {
      sn: 'R621ZEB5XE7K0003',
      deviceName: 'RIVER 2-1003',
      productName: 'RIVER 2',
      online: false,
      quotas: payload(river2max),
    },
    {
      sn: 'R611ZEB5XE7K0004',
      deviceName: 'RIVER 2 Max-Van',
      productName: 'RIVER 2 Max',
      online: true,
      quotas: payload(river2max),
      motion: river2MaxMotion(payload(river2max)),
    },
    {
      sn: 'R351ZEB4HF6L0005',
      deviceName: 'DELTA 2 Max-Cabin',
      productName: 'DELTA 2 Max',
      online: true,
      quotas: payload(delta2max),
      motion: delta2MaxMotion(payload(delta2max)),
    },
    {
      sn: 'DCABZ8ZE5160006',
      deviceName: 'DELTA Pro-Workshop',
      productName: 'DELTA Pro',
      online: true,
      quotas: payload(deltapro),
      motion: deltaProMotion(payload(deltapro)),
    },
    {
      sn: 'DAEBZ5ZE5160015',
      deviceName: 'DELTA Max-Shed',
      productName: 'DELTA Max',
      online: true,
      // With its extra battery (bmsSlave1.*), as captured; it moves as the DELTA Pro does.
      quotas: payload(deltamax),
      motion: deltaProMotion(payload(deltamax), DELTA_MAX_EU),
    },
    {
      sn: 'Y711ZAB5ZF1A0007',
      deviceName: 'DELTA Pro Ultra-House',
      productName: 'DELTA Pro Ultra',
      online: true,
      // Constructed from the docs (zeros): a battery at 67 % feeding the house.
      quotas: {
        ...payload(deltaproultra),
        'hs_yj751_pd_appshow_addr.soc': 67,
        'hs_yj751_pd_appshow_addr.remainTime': 540,
        'hs_yj751_pd_appshow_addr.wattsOutSum': 850,
        'hs_yj751_pd_appshow_addr.outAcL11Pwr': 850,
        'hs_yj751_pd_backend_addr.outAcL21Vol': 230,
        // Battery keys TarasKhust's integration reads (not in the docs the payload comes from).
        'hs_yj751_pd_backend_addr.batVol': 104.3,
        'hs_yj751_pd_backend_addr.bmsInputWatts': 0,
        'hs_yj751_pd_backend_addr.bmsOutputWatts': 850,
        'hs_yj751_bms_slave_addr.1.soh': 100,
        'hs_yj751_bms_slave_addr.1.temp': 27,
        'hs_yj751_bms_slave_addr.1.cycles': 42,
      },
      motion: {
        'hs_yj751_pd_appshow_addr.wattsOutSum': wave(850, 300, 600),
        'hs_yj751_pd_appshow_addr.outAcL11Pwr': wave(850, 300, 600),
        'hs_yj751_pd_backend_addr.bmsOutputWatts': wave(850, 300, 600),
      },
    },
    {
      sn: 'P351ZAH4PG3R0008',
      deviceName: 'DELTA 3 Plus-Office',
      productName: 'DELTA 3 Plus',
      online: true,
      quotas: payload(delta3),
      motion: delta3PlusMotion(payload(delta3)),
    },
    {
      sn: 'BK51ZEB4HF2R0009',
      deviceName: 'STREAM AC-Balcony',
      productName: 'STREAM AC',
      online: true,
      quotas: payload(streamAc),
      motion: streamAcMotion(payload(streamAc)),
    },
    {
      sn: 'BX11ZCB4EF2E0010',
      deviceName: 'Glacier-Camping',
      productName: 'Glacier',
      online: true,
      // Constructed from the docs (zeros): a fridge at 4 °C on its own battery at 78 %.
      quotas: {
        ...payload(glacier),
        'bms_bmsStatus.f32ShowSoc': 78.4,
        'bms_bmsStatus.soc': 78,
        'bms_emsStatus.lcdSoc': 78,
        'bms_bmsStatus.soh': 100,
        'bms_bmsStatus.tmp': 21,
        'bms_bmsStatus.vol': 15800,
        'bms_bmsStatus.amp': -2100,
        'bms_bmsStatus.outWatts': 33,
        'pd.tmpL': 40,
      },
      motion: { 'pd.motorWat': wave(26, 20, 240) },
    },
    {
      sn: 'KT21ZCH2ZF170011',
      deviceName: 'WAVE 2-Tent',
      productName: 'WAVE 2',
      online: true,
      // Constructed from the docs (zeros): cooling from its battery at 61 %.
      quotas: {
        ...payload(wave2),
        'pd.batSoc': 61,
        'bms.bmsSoc': 61,
        'pd.batPwrOut': 420,
        'motor.power': 380,
        'bms.bmsVol': 25300,
        'pd.batDsgRemain': 95,
        'pd.envTemp': 31,
      },
      // A small panel on the tent: the one power of the WAVE 2 that the unified metrics (and so the energy counters) show.
      motion: { 'pd.batPwrOut': wave(420, 80, 180), 'motor.power': wave(380, 80, 180), 'pd.mpptPwr': wave(70, 50, 900) },
    },
    {
      sn: 'HJ31ZDH4ZF3C0012',
      deviceName: 'PowerOcean-Home',
      productName: 'PowerOcean',
      online: true,
      quotas: payload(powerocean),
      motion: { sysLoadPwr: wave(101, 60, 300), bpPwr: wave(-104, 60, 300) },
    },
    {
      sn: 'SP10ZAW5ZE4R0013',
      deviceName: 'Smart Home Panel-Basement',
      productName: 'Smart Home Panel',
      online: true,
      quotas: payload(smarthomepanel),
      // Circuits that move, fed by the grid or in its outages by the battery (54 %, as captured),
      // and the panel's hourly and daily Wh of its own day.
      motion: smartHomePanelMotion(payload(smarthomepanel), firstReading()),
    },
    {
      sn: 'BK21ZFB5ZE4M0014',
      deviceName: 'Smart Meter-House',
      productName: 'Smart Meter',
      online: true,
      streamOnly: true,
      quotas: payload(smartmeter),
      motion: smartMeterMotion(payload(smartmeter)),
    },
    {
      sn: 'BK01ZFB5ZE4M0016',
      deviceName: 'STREAM Microinverter-Balcony',
      // As the real device list gives it: no product name; the serial number says the model.
      productName: '',
      online: true,
      streamOnly: true,
      quotas: payload(streamMicroinverter),
      motion: microinverterMotion(payload(streamMicroinverter)),
    },
  ]);
}

/** Each device publishes as its family does: the family is found as the exporter finds it. */
function withStreamShapes(devices: SimulatedDevice[]): SimulatedDevice[] {
  return devices.map((device) => {
    const quotas = new Map(Object.entries(device.quotas).map(([key, value]) => [key, { value, updatedAt: 0 }]));
    const shape = matchFamily(device, quotas, FAMILIES)?.family.streamShape;
    return shape === undefined ? device : { ...device, stream: shape };
  });
}
