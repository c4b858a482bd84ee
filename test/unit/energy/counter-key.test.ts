import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCounterKey, encodeCounterKey, type CounterId } from '../../../src/energy/counter-key.js';
import { CIRCUIT_SOURCES, ENERGY_METRICS, PORTS, type EnergyMetricId, type Port } from '../../../src/catalog/catalog.js';

/** Every counter the catalog allows: each metric with each of its ports, or circuits 1–12 by source. */
function everyCounter(): CounterId[] {
  const out: CounterId[] = [];
  for (const [metric, spec] of Object.entries(ENERGY_METRICS) as Array<[EnergyMetricId, (typeof ENERGY_METRICS)[EnergyMetricId]]>) {
    if (metric === 'circuitEnergy') {
      for (const source of CIRCUIT_SOURCES) for (let n = 1; n <= 12; n++) out.push({ metric, circuit: String(n), source });
    } else if ('perPort' in spec) for (const port of Object.keys(PORTS) as Port[]) out.push({ metric, port });
    else out.push({ metric });
  }
  return out;
}

test('every counter the catalog allows survives encoding and decoding unchanged', () => {
  const keys = new Set<string>();
  for (const id of everyCounter()) {
    const key = encodeCounterKey(id);
    keys.add(key);
    assert.deepEqual(decodeCounterKey(key), id, key);
  }
  assert.equal(keys.size, everyCounter().length, 'no two counters share a key');
});

test('keys the catalog does not know decode to nothing', () => {
  for (const key of [
    '',
    'madeUp',
    'portInputEnergy',
    'portInputEnergy/moon',
    'loadEnergy/ac',
    'circuitEnergy',
    'circuitEnergy/grid',
    'circuitEnergy/sun/1',
    'circuitEnergy/grid/0',
    'circuitEnergy/grid/x',
    'portInputEnergy/ac/extra',
    'toString',
    '__proto__',
  ])
    assert.equal(decodeCounterKey(key), undefined, JSON.stringify(key));
});
