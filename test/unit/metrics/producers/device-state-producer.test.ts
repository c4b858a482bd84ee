import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { METRICS } from '../../../../src/catalog/catalog.js';
import { deviceLabels } from '../../../../src/metrics/device-labels.js';
import { DeviceStateProducer } from '../../../../src/metrics/producers/device-state-producer.js';
import type { SeriesGroups } from '../../../../src/metrics/series-producer.js';
import { allSeries, derived, NamedGauges, recordIn } from '../../../helpers/producer-world.js';

const GARAGE = { sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2' };
/** A quota write at a time with milliseconds, so the seconds are seen to keep them. */
const AT = 1_700_000_000_250;

function producer() {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  return { gauges, state: new DeviceStateProducer(gauges, 'ecoflow') };
}

function produced(state: DeviceStateProducer, device: Parameters<DeviceStateProducer['produce']>[0]): SeriesGroups {
  const out: SeriesGroups = new Map();
  state.produce(device, deviceLabels(device), out);
  return out;
}

test('an online device with quotas: online 1 and the last write in Unix seconds, neither ever stale', () => {
  const { gauges, state } = producer();
  const { device } = recordIn(GARAGE, { 'pd.soc': 46 }, AT);
  assert.deepEqual(derived(gauges, produced(state, device)), {
    ecoflow_online: { value: 1, updatedAt: Infinity },
    ecoflow_last_update_timestamp_seconds: { value: 1_700_000_000.25, updatedAt: Infinity },
  });
});

test('a device with no quota written yet: online only, no last-update time', () => {
  const { gauges, state } = producer();
  const { device } = recordIn(GARAGE);
  assert.deepEqual(derived(gauges, produced(state, device)), { ecoflow_online: { value: 1, updatedAt: Infinity } });
});

test('an offline device: online 0, and still the time its data was last fresh', () => {
  const { gauges, state } = producer();
  const { snapshot, device } = recordIn(GARAGE, { 'pd.soc': 46 }, AT);
  // Going offline drops the quotas but keeps when they were written.
  snapshot.setDevices([{ ...GARAGE, online: false }]);
  assert.deepEqual(derived(gauges, produced(state, device)), {
    ecoflow_online: { value: 0, updatedAt: Infinity },
    ecoflow_last_update_timestamp_seconds: { value: 1_700_000_000.25, updatedAt: Infinity },
  });
});

test('a device the key may not read (1006): no last-update time, since its data will never come back', () => {
  const { gauges, state } = producer();
  const { snapshot, device } = recordIn(GARAGE, { 'pd.soc': 46 }, AT);
  snapshot.setRestricted(GARAGE.sn, true);
  // Listed online all the same: online follows the device list, not the key's rights.
  assert.deepEqual(derived(gauges, produced(state, device)), { ecoflow_online: { value: 1, updatedAt: Infinity } });
});

test('a partial update derives both series again: the last-update time follows the write', () => {
  const { gauges, state } = producer();
  const { snapshot, device } = recordIn(GARAGE, { 'pd.soc': 46 }, AT);
  const out = produced(state, device);
  snapshot.mergeQuotas(GARAGE.sn, { 'pd.soc': 47 }, AT + 5_000);
  assert.equal(state.update(device, deviceLabels(device), new Set(['pd.soc']), out), true);
  assert.deepEqual(derived(gauges, out), {
    ecoflow_online: { value: 1, updatedAt: Infinity },
    ecoflow_last_update_timestamp_seconds: { value: 1_700_000_005.25, updatedAt: Infinity },
  });
});

test('both series carry the labels object they were given, and nothing more', () => {
  const { state } = producer();
  const { device } = recordIn(GARAGE, { 'pd.soc': 46 }, AT);
  const labels = deviceLabels(device);
  const out: SeriesGroups = new Map();
  state.produce(device, labels, out);
  const series = allSeries(out);
  assert.equal(series.length, 2);
  for (const s of series) assert.equal(s.attributes, labels);
});

test('the two gauges are made once, with the catalog help texts, under the prefix given', () => {
  const { gauges } = producer();
  assert.deepEqual(gauges.names(), ['ecoflow_online', 'ecoflow_last_update_timestamp_seconds']);
  assert.equal(gauges.options.get('ecoflow_online')?.description, METRICS.online.help);
  assert.equal(gauges.options.get('ecoflow_last_update_timestamp_seconds')?.description, METRICS.lastUpdate.help);
  const other = new NamedGauges(new MeterProvider().getMeter('test'));
  new DeviceStateProducer(other, 'ef');
  assert.deepEqual(other.names(), ['ef_online', 'ef_last_update_timestamp_seconds']);
});
