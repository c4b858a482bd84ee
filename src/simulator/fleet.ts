import delta2 from './payloads/delta2.json' with { type: 'json' };
import powerstream from './payloads/powerstream.json' with { type: 'json' };
import smartplug from './payloads/smartplug.json' with { type: 'json' };
import river2max from './payloads/river2max.json' with { type: 'json' };

/**
 * The demo fleet: real `quota/all` captures (sources in each payload's `_source`) with a few
 * keys that move over time, so a newcomer's graphs are alive.
 */
export interface SimulatedDevice {
  sn: string;
  deviceName: string;
  productName: string;
  online: boolean;
  /** The key may not read this device: quota/all answers 1006. */
  restricted?: boolean;
  quotas: Record<string, unknown>;
  /** key → value at time t (seconds), overriding `quotas[key]`. */
  motion?: Record<string, (t: number) => number>;
}

/** A capture without its `_source`-style notes. */
export function payload(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
}

const wave = (base: number, amplitude: number, periodS: number, phase = 0) => (t: number) =>
  Math.round(base + amplitude * Math.sin((2 * Math.PI * t) / periodS + phase));

export function demoFleet(): SimulatedDevice[] {
  return [
    {
      sn: 'R331ZEB4ZEAL0528',
      deviceName: 'DELTA 2-Garage',
      productName: 'DELTA 2',
      online: true,
      quotas: payload(delta2),
      motion: {
        'pd.soc': wave(60, 30, 1800),
        'bms_bmsStatus.soc': wave(60, 30, 1800),
        'bms_bmsStatus.f32ShowSoc': (t) => Math.round(wave(6000, 3000, 1800)(t)) / 100,
        'pd.wattsOutSum': wave(180, 60, 120),
        'inv.outputWatts': wave(150, 50, 120),
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
        '20_1.pv1InputWatts': wave(900, 800, 3600),
        '20_1.pv2InputWatts': wave(850, 750, 3600, 0.3),
        '20_1.invOutputWatts': wave(1700, 600, 300),
        '20_1.batSoc': wave(50, 40, 3600),
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
  ];
}
