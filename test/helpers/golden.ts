import { fileURLToPath } from 'node:url';
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { startExporter } from './running-exporter.js';
import { SN, eventually, startSimulator, stillDemoFleet, stillFleet } from './simulated-fleet.js';

/**
 * The golden `/metrics` files: one per scenario, compared by the tests, written only by
 * `npm run update-golden` (test/tools/update-golden.ts), never by a test run.
 */
export interface GoldenScenario {
  file: string;
  fleet: () => SimulatedDevice[];
  env: NodeJS.ProcessEnv;
  /** Devices that must have been read before the exposition is taken. */
  read: () => string[];
}

export const GOLDEN: Record<'raw' | 'unified', GoldenScenario> = {
  // With the unified layer off, the output is what it was before that layer existed.
  raw: { file: 'still-fleet.prom', fleet: stillFleet, env: { UNIFIED_METRICS: 'false' }, read: () => [SN.delta2, SN.powerStream, SN.smartPlug] },
  unified: {
    file: 'demo-fleet-unified.prom',
    fleet: stillDemoFleet,
    env: {},
    read: () =>
      stillDemoFleet()
        .filter((d) => d.online && !d.restricted)
        .map((d) => d.sn),
  },
};

export function goldenPath(scenario: GoldenScenario): string {
  return fileURLToPath(new URL(`../../../test/fixtures/metrics/${scenario.file}`, import.meta.url));
}

/** The exporter's exposition of the scenario once every online device has been read; normalised. */
export async function goldenExposition(scenario: GoldenScenario): Promise<{ text: string; normalised: string }> {
  const simulator = await startSimulator(scenario.fleet());
  const exporter = await startExporter(simulator, scenario.env);
  try {
    await eventually(async () => {
      const body = await exporter.scrape();
      return scenario.read().every((sn) => body.includes(`ecoflow_last_update_timestamp_seconds{device="${sn}"`));
    }, 'all devices read');
    // A device's energy counter starts on its second reading (docs/energy.md): two more polls of each device.
    const polled = new Map(scenario.read().map((sn) => [sn, simulator.quotaRequests.get(sn) ?? 0]));
    await eventually(() => [...polled].every(([sn, n]) => (simulator.quotaRequests.get(sn) ?? 0) >= n + 3), 'two more polls of every device');
    const text = await exporter.scrape();
    return { text, normalised: normalise(text) };
  } finally {
    await exporter.stop();
    await simulator.stop();
  }
}

/**
 * Metric blocks sorted by name, samples sorted within: the order of poll completion is not part
 * of the contract. Values of the exporter's own metrics, of timestamps and of energy counters
 * (what the exporter integrates depends on when it read) change from run to run, so they become
 * `*`; their names, help texts and labels stay pinned. The family tests pin the energy values.
 */
export function normalise(text: string): string {
  const blocks: string[][] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    if (line.startsWith('# HELP ')) blocks.push([line]);
    else if (line.startsWith('#')) blocks.at(-1)!.push(line);
    else if (/^ecoflow_exporter_|^ecoflow_\w+_timestamp_seconds|^ecoflow_\w+_joules_total\{/.test(line)) {
      blocks.at(-1)!.push(line.replace(/ [^ ]+$/, ' *').replace(/(version)="[^"]*"/g, '$1="*"'));
    } else blocks.at(-1)!.push(line);
  }
  return `${blocks
    .map((block) => {
      const headers = block.filter((l) => l.startsWith('#'));
      return [...headers, ...block.filter((l) => !l.startsWith('#')).sort()].join('\n');
    })
    .sort()
    .join('\n')}\n`;
}
