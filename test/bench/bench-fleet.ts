/**
 * The fleets the benches run: `n` devices mixed from the demo models, values frozen, each with
 * a serial number and a name of its own. The bench process and the processes it starts (the
 * straightforward path, straightforward-process.ts) make the same fleet from `n` alone.
 */
import type { SimulatedDevice } from '../../src/simulator/fleet.js';
import { stillDemoFleet } from '../helpers/simulated-fleet.js';

export function fleetOf(n: number): SimulatedDevice[] {
  const models = stillDemoFleet().filter((d) => d.online && !d.restricted);
  return Array.from({ length: n }, (_, i) => {
    const model = models[i % models.length]!;
    return { ...structuredClone(model), sn: `${model.sn.slice(0, 6)}FLEET${String(i).padStart(5, '0')}`, deviceName: `${model.deviceName} ${i}` };
  });
}
