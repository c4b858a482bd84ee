import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { deviceLabels } from '../../../../src/metrics/device-labels.js';
import { RawQuotaProducer, type RawQuotaProducerOptions } from '../../../../src/metrics/producers/raw-quota-producer.js';
import type { SeriesGroups } from '../../../../src/metrics/series-producer.js';
import { QuotaSnapshot, type DeviceRecord } from '../../../../src/snapshot/quota-snapshot.js';
import { MetricSelection } from '../../../../src/catalog/metric-selection.js';
import { allSeries, derived, NamedGauges, recordIn } from '../../../helpers/producer-world.js';

const A = { sn: 'A', name: 'a', productName: 'RIVER 9' };

function raw(options: Partial<RawQuotaProducerOptions> = {}) {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const told: Array<[string, number]> = [];
  const producer = new RawQuotaProducer({ gauges, prefix: 'ecoflow', onSeriesCapped: (sn, dropped) => told.push([sn, dropped]), ...options });
  return { gauges, producer, told };
}

function produced(producer: RawQuotaProducer, device: DeviceRecord): SeriesGroups {
  const out: SeriesGroups = new Map();
  producer.produce(device, deviceLabels(device), out);
  return out;
}

test('every numeric quota value is a series named after its key in snake_case, in its raw unit, as old as its write', () => {
  const { gauges, producer } = raw();
  const { device } = recordIn(A, {
    'pd.soc': 46,
    'bms_bmsStatus.f32ShowSoc': '45.5',
    'pd.acEnabled': true,
    'bms_bmsStatus.cellVol': [3301, 3302],
    'pd.wifiVer': 'V1.0.1.x',
  });
  // The text value gives nothing; the array one series per position. All came by REST at 1000.
  assert.deepEqual(derived(gauges, produced(producer, device)), {
    ecoflow_pd_soc: { value: 46, updatedAt: 1_000, rest: true },
    ecoflow_bms_bms_status_f32_show_soc: { value: 45.5, updatedAt: 1_000, rest: true },
    ecoflow_pd_ac_enabled: { value: 1, updatedAt: 1_000, rest: true },
    'ecoflow_bms_bms_status_cell_vol{index_0="0"}': { value: 3301, updatedAt: 1_000, rest: true },
    'ecoflow_bms_bms_status_cell_vol{index_0="1"}': { value: 3302, updatedAt: 1_000, rest: true },
  });
  assert.ok(!gauges.names().includes('ecoflow_pd_wifi_ver'), 'no gauge for a key with no number');
});

test('a value only the stream wrote has no REST mark; one REST delivered keeps it when the stream writes it again', () => {
  const { gauges, producer } = raw();
  const { snapshot, device } = recordIn(A, { 'pd.soc': 46 }, 1_000);
  snapshot.mergeQuotas(A.sn, { 'pd.soc': 47, 'pd.streamOnly': 5 }, 2_000);
  assert.deepEqual(derived(gauges, produced(producer, device)), {
    ecoflow_pd_soc: { value: 47, updatedAt: 2_000, rest: true },
    ecoflow_pd_stream_only: { value: 5, updatedAt: 2_000 },
  });
});

test('a key named like one of our own metrics gets _value, and so does one named like a reservedNames entry', () => {
  const quotas = { online: 1, 'exporter.build': 2, 'lastUpdate.x': 3, batterySocRatio: 0.5 };
  const own = {
    ecoflow_online_value: { value: 1, updatedAt: 1_000, rest: true },
    ecoflow_exporter_build_value: { value: 2, updatedAt: 1_000, rest: true },
    ecoflow_last_update_x_value: { value: 3, updatedAt: 1_000, rest: true },
  } as const;
  const reserving = raw({ reservedNames: new Set(['battery_soc_ratio']) });
  assert.deepEqual(derived(reserving.gauges, produced(reserving.producer, recordIn(A, quotas).device)), {
    ...own,
    ecoflow_battery_soc_ratio_value: { value: 0.5, updatedAt: 1_000, rest: true },
  });
  const plain = raw();
  assert.deepEqual(derived(plain.gauges, produced(plain.producer, recordIn(A, quotas).device)), {
    ...own,
    ecoflow_battery_soc_ratio: { value: 0.5, updatedAt: 1_000, rest: true },
  });
});

test('two keys of one name on two devices share one gauge, with one help text for every raw gauge', () => {
  const { gauges, producer } = raw();
  const a = produced(producer, recordIn(A, { 'bms.maxCellTemp': 30, 'pd.soc': 46 }).device);
  const b = produced(producer, recordIn({ ...A, sn: 'B' }, { bmsMaxCellTemp: 31 }).device);
  const temp = (out: SeriesGroups) => allSeries(out).find((s) => gauges.nameOf(s.gauge) === 'ecoflow_bms_max_cell_temp')!;
  assert.equal(temp(a).gauge, temp(b).gauge);
  // The help cannot name a key: it would be whichever device answered first.
  const help = gauges.options.get('ecoflow_bms_max_cell_temp')?.description;
  assert.equal(gauges.options.get('ecoflow_pd_soc')?.description, help);
  assert.doesNotMatch(String(help), /maxCellTemp/i);
});

test('every series carries the labels given; a series inside an array adds index_<depth> labels to a copy', () => {
  const { producer } = raw();
  const { device } = recordIn(A, { 'pd.soc': 46, grid: [[7, 8]] });
  const labels = deviceLabels(device);
  const out: SeriesGroups = new Map();
  producer.produce(device, labels, out);
  const [soc, g00, g01] = allSeries(out);
  assert.equal(soc!.attributes, labels);
  assert.deepEqual(g00!.attributes, { ...labels, index_0: '0', index_1: '0' });
  assert.deepEqual(g01!.attributes, { ...labels, index_0: '0', index_1: '1' });
  assert.deepEqual(labels, { device: 'A', device_name: 'a', product_name: 'RIVER 9' }, 'the labels object itself is left alone');
});

test('past maxSeriesPerDevice the series are left out in key order and counted on exporter_series_dropped', () => {
  const { gauges, producer, told } = raw({ maxSeriesPerDevice: 2 });
  const { device } = recordIn(A, { a: 1, b: [1, 2], c: 3, d: { x: 4, y: 5 } });
  // Six series: a, b[0] are kept; b[1], c, d.x and d.y (four) are not.
  assert.deepEqual(derived(gauges, produced(producer, device)), {
    ecoflow_a: { value: 1, updatedAt: 1_000, rest: true },
    'ecoflow_b{index_0="0"}': { value: 1, updatedAt: 1_000, rest: true },
    ecoflow_exporter_series_dropped: { value: 4, updatedAt: Infinity },
  });
  assert.deepEqual(told, [['A', 4]]);
});

test('past the cap no gauge is made: one made for a series never exported would stay for good', () => {
  const { gauges, producer } = raw({ maxSeriesPerDevice: 2 });
  produced(producer, recordIn(A, { a: 1, b: [1, 2], c: 3, d: { x: 4, y: 5 } }).device);
  assert.deepEqual(gauges.names(), ['ecoflow_exporter_series_dropped', 'ecoflow_a', 'ecoflow_b']);
});

test('without a cap a device keeps every series (the exporter always passes MAX_SERIES_PER_DEVICE)', () => {
  const { gauges, producer } = raw();
  const { device } = recordIn(A, { cells: Array.from({ length: 5003 }, (_, i) => i) });
  const out = derived(gauges, produced(producer, device));
  assert.equal(Object.keys(out).length, 5003);
  assert.equal(out.ecoflow_exporter_series_dropped, undefined);
  assert.deepEqual(out['ecoflow_cells{index_0="5002"}'], { value: 5002, updatedAt: 1_000, rest: true });
});

test('a capped device is told of once per overflow: again only when the number dropped changes', () => {
  const { gauges, producer, told } = raw({ maxSeriesPerDevice: 2 });
  const { snapshot, device } = recordIn(A, { a: 1, b: 2, c: 3 });
  produced(producer, device);
  produced(producer, device);
  snapshot.replaceQuotas(A.sn, { a: 1, b: 2, c: 3, d: 4 }, 2_000);
  produced(producer, device);
  // Under the cap: nothing dropped, nothing told, no dropped series.
  snapshot.replaceQuotas(A.sn, { a: 1 }, 3_000);
  assert.deepEqual(Object.keys(derived(gauges, produced(producer, device))), ['ecoflow_a']);
  snapshot.replaceQuotas(A.sn, { a: 1, b: 2, c: 3 }, 4_000);
  produced(producer, device);
  assert.deepEqual(told, [
    ['A', 1],
    ['A', 2],
    ['A', 1],
  ]);
});

test('a lastDropped map that outlives the producer: a new producer does not tell of the same overflow again', () => {
  const lastDropped = new Map<string, number>();
  const { device } = recordIn(A, { a: 1, b: 2, c: 3 });
  const first = raw({ maxSeriesPerDevice: 2, lastDropped });
  produced(first.producer, device);
  const second = raw({ maxSeriesPerDevice: 2, lastDropped });
  produced(second.producer, device);
  assert.deepEqual(first.told, [['A', 1]]);
  assert.deepEqual(second.told, []);
  assert.equal(lastDropped.get('A'), 1);
});

test('a partial update derives only the written keys: new values, new keys, and a key turned to text is gone', () => {
  const { gauges, producer } = raw();
  const { snapshot, device } = recordIn(A, { 'pd.soc': 46, 'pd.watts': 10, 'pd.mode': 1 }, 1_000);
  const out = produced(producer, device);
  const watts = () => allSeries(out).find((s) => gauges.nameOf(s.gauge) === 'ecoflow_pd_watts');
  const untouched = watts();
  snapshot.mergeQuotas(A.sn, { 'pd.soc': 47, 'pd.new': 3, 'pd.mode': 'off' }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['pd.soc', 'pd.new', 'pd.mode']), out), true);
  assert.deepEqual(derived(gauges, out), {
    ecoflow_pd_soc: { value: 47, updatedAt: 2_000, rest: true },
    ecoflow_pd_watts: { value: 10, updatedAt: 1_000, rest: true },
    ecoflow_pd_new: { value: 3, updatedAt: 2_000 },
  });
  assert.equal(watts(), untouched, 'a key not written is not derived again');
  assert.deepEqual(derived(gauges, out), derived(gauges, produced(raw({ gauges }).producer, device)), 'what a full derivation gives');
});

test('an update within the cap is taken; one that would cross it is declined (false), for a full pass to choose the series', () => {
  const { producer } = raw({ maxSeriesPerDevice: 3 });
  const { snapshot, device } = recordIn(A, { a: 1, b: 2 });
  const out = produced(producer, device);
  snapshot.mergeQuotas(A.sn, { c: 3 }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['c']), out), true, 'three of three');
  snapshot.mergeQuotas(A.sn, { d: 4 }, 3_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['d']), out), false, 'four of three');
});

test('an update of a capped device is declined: only a full pass in key order knows which series it keeps', () => {
  const { producer } = raw({ maxSeriesPerDevice: 2 });
  const { snapshot, device } = recordIn(A, { a: 1, b: 2, c: 3 });
  const out = produced(producer, device);
  snapshot.mergeQuotas(A.sn, { a: 5 }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['a']), out), false);
});

test('forget(sn): an update of the device is declined, and its overflow is told of again', () => {
  const { producer, told } = raw({ maxSeriesPerDevice: 2 });
  const capped = recordIn(A, { a: 1, b: 2, c: 3 }).device;
  const small = recordIn({ ...A, sn: 'B' }, { a: 1 }).device;
  produced(producer, capped);
  const out = produced(producer, small);
  assert.equal(producer.update(small, deviceLabels(small), new Set(['a']), out), true, 'known and under the cap');
  producer.forget('A');
  producer.forget('B');
  assert.equal(producer.update(small, deviceLabels(small), new Set(['a']), out), false, 'no count of its series left');
  produced(producer, capped);
  assert.deepEqual(told, [
    ['A', 1],
    ['A', 1],
  ]);
});

test('an update of a device the producer never derived is declined', () => {
  const { producer } = raw();
  const { device } = recordIn(A, { a: 1 });
  assert.equal(producer.update(device, deviceLabels(device), new Set(['a']), new Map()), false);
});

test('a raw name the selection leaves out makes no series and no gauge, and does not count toward the cap', () => {
  const selection = new MetricSelection({ raw: true, include: [], exclude: ['ecoflow_b', 'ecoflow_d_*'] });
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'), selection);
  const producer = new RawQuotaProducer({ gauges, prefix: 'ecoflow', maxSeriesPerDevice: 2 });
  const { device } = recordIn(A, { a: 1, b: [1, 2], d: { x: 4, y: 5 }, c: 3, e: 6 });
  // Kept: a and c (b and d are left out by the selection, not by the cap); e is past the cap.
  assert.deepEqual(derived(gauges, produced(producer, device)), {
    ecoflow_a: { value: 1, updatedAt: 1_000, rest: true },
    ecoflow_c: { value: 3, updatedAt: 1_000, rest: true },
    ecoflow_exporter_series_dropped: { value: 1, updatedAt: Infinity },
  });
  assert.deepEqual(gauges.names(), ['ecoflow_exporter_series_dropped', 'ecoflow_a', 'ecoflow_c']);
});

test('an include list keeps only the raw names it matches, through partial updates too', () => {
  const selection = new MetricSelection({ raw: true, include: ['ecoflow_pd_*'], exclude: [] });
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'), selection);
  const producer = new RawQuotaProducer({ gauges, prefix: 'ecoflow' });
  const world = recordIn(A, { 'pd.soc': 50, 'bms.vol': 52_000 });
  const out = produced(producer, world.device);
  assert.deepEqual(Object.keys(derived(gauges, out)), ['ecoflow_pd_soc']);
  world.snapshot.mergeQuotas(A.sn, { 'bms.temp': 30, 'pd.watts': 12 }, 2_000);
  const device = world.snapshot.get(A.sn)!;
  assert.ok(producer.update(device, deviceLabels(device), new Set(['bms.temp', 'pd.watts']), out));
  assert.deepEqual(Object.keys(derived(gauges, out)).sort(), ['ecoflow_pd_soc', 'ecoflow_pd_watts']);
});

test('values the snapshot could not keep for want of room count on exporter_series_dropped with those past the cap', () => {
  const { gauges, producer, told } = raw({ maxSeriesPerDevice: 2 });
  const snapshot = new QuotaSnapshot({ maxValuesPerDevice: 2 });
  snapshot.setDevices([{ ...A, online: true }]);
  snapshot.replaceQuotas(A.sn, { a: 1, b: 2, c: 3, d: [4, 5] }, 1_000);
  const device = snapshot.get(A.sn)!;
  assert.equal(device.droppedValues, 3);
  assert.deepEqual(derived(gauges, produced(producer, device)).ecoflow_exporter_series_dropped, { value: 3, updatedAt: Infinity });
  assert.deepEqual(told, [['A', 3]]);
});
