import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { ChurnBoundedGauges } from '../../../src/metrics/churn-bounded-gauges.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { RenewableMeter } from '../../../src/otel/renewable-meter.js';
import { StraightforwardPath } from '../../bench/straightforward-path.js';
import { AWKWARD_QUOTAS } from '../../helpers/awkward-quotas.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

/** Series only the exporter makes: device state and device_info (the straightforward path has neither). */
const OWN = /^ecoflow_(online|last_update_timestamp_seconds|device_info)\{/;

const samples = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !OWN.test(l))
    .sort();

test('the fast path exports the same samples as the straightforward path, on the same snapshot, through partial updates and a renewal', async () => {
  const snapshot = new QuotaSnapshot();
  const meter = new RenewableMeter({ name: 'test', version: '0', cardinalityLimit: 100_000 });
  const reader = new PrometheusReader({ cardinalityLimit: 100_000, metricProducers: [meter] });
  const provider = new MeterProvider({ readers: [reader] });
  const fast = new ChurnBoundedGauges({ meter, snapshot, prefix: 'ecoflow' });
  fast.start();

  const fleet = stillDemoFleet().filter((d) => d.online && !d.restricted);
  snapshot.setDevices([
    ...fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })),
    { sn: 'ODD0000000000001', name: 'Name with "quotes", \\ and\nnewline', productName: 'Ünknown ☀', online: true },
  ]);
  for (const d of fleet) snapshot.replaceQuotas(d.sn, d.quotas, Date.now());
  snapshot.replaceQuotas('ODD0000000000001', AWKWARD_QUOTAS, Date.now());
  // The straightforward path reads the snapshot at collection time; made after the first reads,
  // it knows every gauge name there is.
  const straightforward = new StraightforwardPath(snapshot);

  const compare = async (when: string) => {
    const ours = samples(await reader.render());
    const theirs = samples((await straightforward.render()).text);
    assert.ok(theirs.length > 2_000, 'a real exposition');
    assert.deepEqual(ours, theirs, when);
  };
  await compare('after full reads');
  // Partial updates (as stream messages write them) re-derive only what their keys feed.
  for (const d of fleet) {
    const numeric = Object.entries(d.quotas).filter(([, v]) => typeof v === 'number');
    snapshot.mergeQuotas(d.sn, Object.fromEntries(numeric.slice(0, 5).map(([k, v]) => [k, (v as number) + 1])), Date.now());
  }
  await compare('after partial updates');
  fast.renew();
  await compare('after a renewal');
  fast.stop();
  await straightforward.shutdown();
  await provider.shutdown();
});
