import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { ChurnBoundedGauges } from '../../../src/metrics/churn-bounded-gauges.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MODELS = stillDemoFleet().filter((d) => d.online && !d.restricted);
const DEVICES_PER_ROUND = 10;

/** The exporter's metrics path: the snapshot's instruments on a renewable side, read by a Prometheus reader. */
function exporterOver(renewAfter?: (live: number) => number) {
  const snapshot = new QuotaSnapshot();
  const released: number[] = [];
  const meter = new RenewableMeter({ name: 'test', version: '0', cardinalityLimit: 1_000_000, onRenewal: (n) => released.push(n) });
  const reader = new PrometheusReader({ cardinalityLimit: 1_000_000, metricProducers: [meter] });
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = new ChurnBoundedGauges({ meter, snapshot, prefix: 'ecoflow', renewAfter });
  metrics.start();
  return {
    snapshot,
    metrics,
    released,
    render: () => reader.render(),
    stop: async () => {
      metrics.stop();
      await meter.shutdown();
      await provider.shutdown();
    },
  };
}

/** A fleet of devices no earlier round had: every series of the last round went away. */
function fleetOfRound(snapshot: QuotaSnapshot, round: number): void {
  const fleet = Array.from({ length: DEVICES_PER_ROUND }, (_, i) => {
    const model = MODELS[i % MODELS.length]!;
    return { ...model, sn: `${model.sn.slice(0, 6)}R${round}D${i}` };
  });
  snapshot.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
  for (const d of fleet) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
}

const settle = () => new Promise((r) => setImmediate(r));

/** Heap after a full GC, in MB, once each of `rounds` rounds of churn was collected. */
async function heapAfterChurn(world: ReturnType<typeof exporterOver>, from: number, rounds: number): Promise<number> {
  for (let round = from; round < from + rounds; round++) {
    fleetOfRound(world.snapshot, round);
    await settle();
    await world.render();
  }
  await settle();
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

test('memory stays flat over device churn: the SDK side is renewed once the series that went away pass the threshold', async (t) => {
  // Without renewal the SDK keeps every attribute set it ever saw: this is what the test must catch.
  const unbounded = exporterOver(() => Infinity);
  const unboundedWarm = await heapAfterChurn(unbounded, 0, 10);
  const unboundedAfter = await heapAfterChurn(unbounded, 10, 60);
  await unbounded.stop();
  gc();

  const bounded = exporterOver();
  const boundedWarm = await heapAfterChurn(bounded, 0, 10);
  const boundedAfter = await heapAfterChurn(bounded, 10, 60);
  const live = (await bounded.render()).split('\n').filter((l) => l && !l.startsWith('#')).length;
  await bounded.stop();

  const grewUnbounded = unboundedAfter - unboundedWarm;
  const grewBounded = boundedAfter - boundedWarm;
  const detail = `unbounded +${grewUnbounded.toFixed(1)} MB, bounded +${grewBounded.toFixed(1)} MB over 60 rounds of ${DEVICES_PER_ROUND} new devices (${live} series live)`;
  t.diagnostic(`${detail}; renewals: ${bounded.released.length}`);
  assert.ok(grewUnbounded > 10, `the churn should grow an unrenewed SDK side: ${detail}`);
  assert.ok(grewBounded < grewUnbounded / 4, detail);
  assert.ok(grewBounded < 4, detail);
  assert.ok(bounded.released.length >= 10, `renewals: ${bounded.released.length}`);
  assert.ok(
    bounded.released.every((n) => n >= 1_000),
    `released per renewal: ${bounded.released.join(', ')}`,
  );
});

test('a renewal changes nothing in the output, an offline device keeps its family and firmware, and a fleet without churn is never renewed', async () => {
  const world = exporterOver();
  fleetOfRound(world.snapshot, 0);
  for (let i = 0; i < 20; i++) {
    for (const device of world.snapshot.devices())
      world.snapshot.replaceQuotas(device.sn, Object.fromEntries([...device.quotas].map(([k, e]) => [k, e.value])), Date.now());
    await settle();
    await world.render();
  }
  assert.deepEqual(world.released, []);
  // Offline, a device has no quotas to tell its family and firmware by: they are remembered.
  const infoLines = (text: string) => text.split('\n').filter((l) => l.startsWith('ecoflow_device_info{'));
  const withFirmware = infoLines(await world.render()).find((l) => l.includes('firmware="'));
  assert.ok(withFirmware, 'a demo model that reports its firmware');
  const offlineSn = /device="([^"]+)"/.exec(withFirmware)![1]!;
  world.snapshot.setDevices([...world.snapshot.devices()].map((d) => ({ sn: d.sn, name: d.name, productName: d.productName, online: d.sn !== offlineSn })));
  await settle();
  const before = await world.render();
  assert.ok(infoLines(before).includes(withFirmware), 'offline, the same device_info');
  world.metrics.renew();
  const after = await world.render();
  // The same lines; metric families may come in another order (gauges are made in the order
  // the rebuilt devices first need them, and the offline device has no quotas to need them).
  const sorted = (text: string) => text.split('\n').sort();
  assert.deepEqual(sorted(after), sorted(before));
  assert.ok(before.split('\n').length > 1_000, 'a fleet worth comparing');
  await world.stop();
});
