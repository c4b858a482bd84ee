import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { demoFleet, type SimulatedDevice } from '../../src/simulator/fleet.js';

export const TEST_KEYS = { accessKey: 'test-access-key-0001', secretKey: 'test-secret-key-0002-abcdef' } as const;
/** The same keys as the exporter's environment wants them. */
export const TEST_KEY_ENV = { ECOFLOW_ACCESS_KEY: TEST_KEYS.accessKey, ECOFLOW_SECRET_KEY: TEST_KEYS.secretKey } as const;

/**
 * The demo fleet (one device per family) with its values frozen, so outputs can be compared
 * exactly. Without its stream-only devices (Smart Meter, microinverter): frozen values are read over REST,
 * where it has none; the stream's tests run it moving.
 */
export function stillDemoFleet(): SimulatedDevice[] {
  return demoFleet()
    .filter((d) => !d.streamOnly)
    .map(({ motion: _motion, ...device }) => device);
}

/**
 * The demo's stream-only devices (Smart Meter, STREAM Microinverter), frozen the only way they can be: every
 * captured key "moves" to its captured value, and the stream sends all of them at every tick.
 * Their values arrive only with a broker and `ECOFLOW_MQTT=on`.
 */
export function stillStreamOnlyDemoDevices(): SimulatedDevice[] {
  return demoFleet()
    .filter((d) => d.streamOnly)
    .map((device) => ({ ...device, motion: Object.fromEntries(Object.keys(device.quotas).map((key) => [key, () => device.quotas[key]])) }));
}

/**
 * The first four demo devices, frozen: a DELTA 2, a PowerStream, a Smart Plug and an offline
 * RIVER 2 (the `SN` below). Most tests need no more; the golden raw exposition is pinned on it.
 */
export function stillFleet(): SimulatedDevice[] {
  const core = new Set<string>(Object.values(SN));
  return stillDemoFleet().filter((d) => core.has(d.sn));
}

export const SN = {
  delta2: 'R331ZEB4ZEAL0528',
  powerStream: 'HW51ZOH4SF4E0001',
  smartPlug: 'HW52ZDH4SF2E0002',
  river2: 'R621ZEB5XE7K0003',
} as const;

export async function startSimulator(devices: SimulatedDevice[] = stillFleet()): Promise<CloudSimulator> {
  const simulator = new CloudSimulator({ ...TEST_KEYS, devices });
  await simulator.start(0, '127.0.0.1');
  return simulator;
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port nobody listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
