import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot, type DeviceRecord } from '../../../src/snapshot/quota-snapshot.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { GaugeRegistry, type SeriesGroups, type SeriesProducer } from '../../../src/metrics/series-producer.js';
import { SnapshotGauges } from '../../../src/metrics/snapshot-gauges.js';
import { createSnapshotGauges } from '../../../src/metrics/create-snapshot-gauges.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

function exporter(snapshot: QuotaSnapshot) {
  const reader = new PrometheusReader({ cardinalityLimit: 100_000 });
  const provider = new MeterProvider({ readers: [reader] });
  createSnapshotGauges({ meter: provider.getMeter('test'), snapshot, prefix: 'ecoflow' }).start();
  return {
    lines: async () =>
      (await reader.render())
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .sort(),
    stop: () => provider.shutdown(),
  };
}

/** Deterministic "random" changes: every third numeric key moves, plus a key REST never sent. */
function changesFor(quotas: Record<string, unknown>, round: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.entries(quotas).forEach(([key, value], i) => {
    if ((i + round) % 3 !== 0) return;
    if (typeof value === 'number') out[key] = value === 0 ? round : Math.round(value * 1.5 + round);
    else if (typeof value === 'string' && round === 2) out[key] = 'changed';
  });
  out[`streamOnly.round${round % 2}`] = round;
  return out;
}

test('partial updates give exactly the series a full derivation of the same values gives, for every demo model', async () => {
  const fleet = stillDemoFleet().filter((d) => d.online && !d.restricted);
  const live = new QuotaSnapshot();
  const liveOut = exporter(live);
  live.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
  // One write time for every write: last_update must agree, and nothing may go stale.
  const at = Date.now();
  for (const d of fleet) live.replaceQuotas(d.sn, d.quotas, at);
  await liveOut.lines(); // the first collection binds the attribute sets, as a scrape would

  for (let round = 1; round <= 3; round++) {
    for (const d of fleet) live.mergeQuotas(d.sn, changesFor(d.quotas, round), at);
    const fresh = new QuotaSnapshot();
    const freshOut = exporter(fresh);
    fresh.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
    for (const d of fleet) {
      fresh.replaceQuotas(d.sn, Object.fromEntries([...live.get(d.sn)!.quotas].map(([k, e]) => [k, e.value])), at);
    }
    const [a, b] = [await liveOut.lines(), await freshOut.lines()];
    assert.ok(a.length > 1000, `a real fleet's worth of series (${a.length})`);
    assert.deepEqual(a, b, `round ${round}: incremental and full derivations differ`);
    await freshOut.stop();
  }
  await liveOut.stop();
});

test('a partial update asks the producers for the written keys only; a full read derives the device again', () => {
  const snapshot = new QuotaSnapshot();
  const calls: string[] = [];
  const spy: SeriesProducer = {
    produce(device: DeviceRecord, _labels: Attributes, out: SeriesGroups) {
      calls.push(`produce ${device.sn}`);
      out.set('x', []);
    },
    update(device: DeviceRecord, _labels: Attributes, keys: ReadonlySet<string>) {
      calls.push(`update ${device.sn} ${[...keys].join(',')}`);
      return true;
    },
  };
  const provider = new MeterProvider();
  const meter = provider.getMeter('test');
  new SnapshotGauges({ meter, gauges: new GaugeRegistry(meter), snapshot, producers: [spy] }).start();
  snapshot.setDevices([{ sn: 'A', name: 'a', productName: 'DELTA 2', online: true }]);
  snapshot.replaceQuotas('A', { 'pd.soc': 1, 'pd.watts': 2 }, 1);
  snapshot.mergeQuotas('A', { 'pd.soc': 3 }, 2);
  snapshot.mergeQuotas('A', { 'pd.watts': 4, 'inv.x': 5 }, 3);
  snapshot.replaceQuotas('A', { 'pd.soc': 6 }, 4);
  assert.deepEqual(calls, ['produce A', 'produce A', 'update A pd.soc', 'update A pd.watts,inv.x', 'produce A']);
});
