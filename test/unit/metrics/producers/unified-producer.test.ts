import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { deviceModels, type DeviceModels } from '../../../../src/devices/device-models.js';
import { deviceLabels } from '../../../../src/metrics/device-labels.js';
import { UNIFIED_NAMES, UnifiedProducer } from '../../../../src/metrics/producers/unified-producer.js';
import { MetricSelection } from '../../../../src/catalog/metric-selection.js';
import type { GaugeRegistry, SeriesGroups } from '../../../../src/metrics/series-producer.js';
import type { DeviceRecord } from '../../../../src/snapshot/quota-snapshot.js';
import { allSeries, derived, NamedGauges, producerWorld, recordIn } from '../../../helpers/producer-world.js';

const DELTA2 = { sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2' };
/** 0x0102013F: firmware 1.2.1.63. */
const FIRMWARE_63 = 16908607;

function unified(gauges: GaugeRegistry = new NamedGauges(new MeterProvider().getMeter('test')), models: DeviceModels = deviceModels()) {
  return new UnifiedProducer({ gauges, prefix: 'ecoflow', models });
}

function produced(producer: UnifiedProducer, device: DeviceRecord): SeriesGroups {
  const out: SeriesGroups = new Map();
  producer.produce(device, deviceLabels(device), out);
  return out;
}

const seriesNamed = (gauges: NamedGauges, out: SeriesGroups, name: string) => allSeries(out).find((s) => gauges.nameOf(s.gauge) === name);

test('device_info for a device of a known family: its family and the firmware its quotas give, always 1, never stale', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const { device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63 });
  assert.deepEqual(derived(gauges, produced(unified(gauges), device)), {
    'ecoflow_device_info{family="delta2",firmware="1.2.1.63"}': { value: 1, updatedAt: Infinity },
  });
});

test('a model no table names: device_info{family="unknown"}, no firmware label and no base-unit series', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const { device } = recordIn({ sn: 'ZZ01', name: 'z', productName: 'RIVER 9' }, { 'foo.bar': 1, 'pd.soc': 50 });
  assert.deepEqual(derived(gauges, produced(unified(gauges), device)), {
    'ecoflow_device_info{family="unknown"}': { value: 1, updatedAt: Infinity },
  });
});

test("base-unit series from the family's table, each as old as its oldest input and REST-marked when that input was", () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const { snapshot, device } = recordIn(
    DELTA2,
    { 'bms_emsStatus.lcdShowSoc': 46, 'inv.outputWatts': 120, 'pd.usb1Watts': 5, 'pd.usb2Watts': 7, 'bms_bmsStatus.vol': 52161 },
    1_000,
  );
  // The current only the stream sends, later: battery power (vol × amp) is as old as vol.
  snapshot.mergeQuotas(DELTA2.sn, { 'bms_bmsStatus.amp': -3753 }, 2_000);
  assert.deepEqual(derived(gauges, produced(unified(gauges), device)), {
    'ecoflow_device_info{family="delta2"}': { value: 1, updatedAt: Infinity },
    ecoflow_battery_soc_ratio: { value: 0.46, updatedAt: 1_000, rest: true },
    ecoflow_battery_current_amperes: { value: -3.753, updatedAt: 2_000 },
    'ecoflow_port_output_power_watts{port="ac"}': { value: 120, updatedAt: 1_000, rest: true },
    // USB-A 1 and 2 are one port: 5 + 7 W.
    'ecoflow_port_output_power_watts{port="usb"}': { value: 12, updatedAt: 1_000, rest: true },
    ecoflow_battery_voltage_volts: { value: 52.161, updatedAt: 1_000, rest: true },
    // 52 161 mV × −3 753 mA = −195.760233 W.
    ecoflow_battery_power_watts: { value: -195.760233, updatedAt: 1_000, rest: true },
  });
});

test('labels: a series without a port carries the given object, a per-port one adds port, device_info adds family and firmware', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const { device } = recordIn(DELTA2, { 'bms_emsStatus.lcdShowSoc': 46, 'inv.outputWatts': 120, 'pd.sysVer': FIRMWARE_63 });
  const labels = deviceLabels(device);
  const out: SeriesGroups = new Map();
  unified(gauges).produce(device, labels, out);
  assert.equal(seriesNamed(gauges, out, 'ecoflow_battery_soc_ratio')!.attributes, labels);
  assert.deepEqual(seriesNamed(gauges, out, 'ecoflow_port_output_power_watts')!.attributes, { ...labels, port: 'ac' });
  assert.deepEqual(seriesNamed(gauges, out, 'ecoflow_device_info')!.attributes, { ...labels, family: 'delta2', firmware: '1.2.1.63' });
});

test('units are on the instruments, so the exposition carries them', async () => {
  const world = producerWorld();
  const { device } = recordIn(DELTA2, { 'inv.outputWatts': 120, 'bms_bmsStatus.temp': 30 });
  const text = await world.render(produced(unified(world.gauges), device));
  assert.match(text, /^# UNIT ecoflow_port_output_power_watts W$/m);
  assert.match(text, /^# UNIT ecoflow_battery_temperature_celsius Cel$/m);
  assert.match(text, /^ecoflow_port_output_power_watts\{device="R331ZEB4ZEAL0528",device_name="DELTA 2-Garage",product_name="DELTA 2",port="ac"\} 120$/m);
  await world.stop();
});

test('offline, then refused: device_info stays, with the family and firmware the device last showed, and nothing else', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const producer = unified(gauges);
  const { snapshot, device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63, 'pd.wattsOutSum': 201 });
  produced(producer, device);
  const only = { 'ecoflow_device_info{family="delta2",firmware="1.2.1.63"}': { value: 1, updatedAt: Infinity } };
  // Offline and refused devices have their quotas dropped: there is nothing left to read the model from.
  snapshot.setDevices([{ ...DELTA2, online: false }]);
  assert.deepEqual(derived(gauges, produced(producer, device)), only);
  snapshot.setDevices([{ ...DELTA2, online: true }]);
  snapshot.setRestricted(DELTA2.sn, true);
  assert.deepEqual(derived(gauges, produced(producer, device)), only);
});

test('a partial update derives again only the series its keys feed; one whose input went out of range is gone', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const producer = unified(gauges);
  const { snapshot, device } = recordIn(
    DELTA2,
    { 'bms_emsStatus.lcdShowSoc': 46, 'inv.outputWatts': 120, 'pd.wattsOutSum': 200, 'pd.sysVer': FIRMWARE_63 },
    1_000,
  );
  const out = produced(producer, device);
  const output = seriesNamed(gauges, out, 'ecoflow_output_power_watts');

  snapshot.mergeQuotas(DELTA2.sn, { 'inv.outputWatts': 130 }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['inv.outputWatts']), out), true);
  assert.deepEqual(derived(gauges, out), {
    'ecoflow_device_info{family="delta2",firmware="1.2.1.63"}': { value: 1, updatedAt: Infinity },
    ecoflow_battery_soc_ratio: { value: 0.46, updatedAt: 1_000, rest: true },
    ecoflow_output_power_watts: { value: 200, updatedAt: 1_000, rest: true },
    'ecoflow_port_output_power_watts{port="ac"}': { value: 130, updatedAt: 2_000, rest: true },
  });
  assert.equal(seriesNamed(gauges, out, 'ecoflow_output_power_watts'), output, 'a series no written key feeds is not derived again');

  // 150 % is out of the valid range: no series, never a frozen 0.46.
  snapshot.mergeQuotas(DELTA2.sn, { 'bms_emsStatus.lcdShowSoc': 150 }, 3_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['bms_emsStatus.lcdShowSoc']), out), true);
  assert.equal(seriesNamed(gauges, out, 'ecoflow_battery_soc_ratio'), undefined);
  assert.deepEqual(derived(gauges, out), derived(gauges, produced(unified(gauges), device)), 'what a full derivation gives');
});

test('a partial update that changes the firmware derives device_info again', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const producer = unified(gauges);
  const { snapshot, device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63 });
  const out = produced(producer, device);
  snapshot.mergeQuotas(DELTA2.sn, { 'pd.sysVer': FIRMWARE_63 + 1 }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['pd.sysVer']), out), true);
  assert.deepEqual(derived(gauges, out), { 'ecoflow_device_info{family="delta2",firmware="1.2.1.64"}': { value: 1, updatedAt: Infinity } });
});

test('a firmware change another reader of the shared models saw first (the energy ledger) still reaches device_info', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  const models = deviceModels();
  const producer = unified(gauges, models);
  const { snapshot, device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63 });
  const out = produced(producer, device);
  snapshot.mergeQuotas(DELTA2.sn, { 'pd.sysVer': FIRMWARE_63 + 1 }, 2_000);
  // The ledger subscribes before the gauges and reads the same record first.
  assert.equal(models.of(device).firmware, '1.2.1.64');
  assert.equal(producer.update(device, deviceLabels(device), new Set(['pd.sysVer']), out), true);
  assert.deepEqual(derived(gauges, out), { 'ecoflow_device_info{family="delta2",firmware="1.2.1.64"}': { value: 1, updatedAt: Infinity } });
});

test('an update is declined (false) for a model not recognised yet: its new keys may tell, and a full pass decides', () => {
  const producer = unified();
  const { snapshot, device } = recordIn({ sn: 'ZZ01', name: 'z', productName: 'RIVER 9' }, { 'foo.bar': 1 });
  const out = produced(producer, device);
  snapshot.mergeQuotas('ZZ01', { 'foo.bar': 2 }, 2_000);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['foo.bar']), out), false);
});

test('an update is declined for a device renamed to another product, and for one never derived', () => {
  const producer = unified();
  const { snapshot, device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63 });
  const out = produced(producer, device);
  snapshot.setDevices([{ ...DELTA2, productName: 'DELTA 2 Max', online: true }]);
  assert.equal(producer.update(device, deviceLabels(device), new Set(['pd.sysVer']), out), false, 'renamed');
  const fresh = recordIn({ ...DELTA2, sn: 'R331ZEB4ZEAL0529' }, { 'pd.sysVer': FIRMWARE_63 }).device;
  assert.equal(producer.update(fresh, deviceLabels(fresh), new Set(['pd.sysVer']), new Map()), false, 'never derived');
});

test('the models record is the one given: produce fills it, forget(sn) drops the device from it', () => {
  const models = deviceModels();
  const producer = unified(undefined, models);
  const { device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63 });
  produced(producer, device);
  assert.equal(models.known(DELTA2.sn)?.family?.id, 'delta2');
  assert.equal(models.known(DELTA2.sn)?.firmware, '1.2.1.63');
  producer.forget(DELTA2.sn);
  assert.equal(models.known(DELTA2.sn), undefined);
});

test('UNIFIED_NAMES are exactly the names the producer takes: device_info and every base-unit metric', () => {
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'));
  unified(gauges);
  assert.deepEqual(gauges.names().sort(), [...UNIFIED_NAMES].map((name) => `ecoflow_${name}`).sort());
  assert.ok(UNIFIED_NAMES.has('device_info'));
  assert.ok(UNIFIED_NAMES.has('port_output_power_watts'));
});

test('a unified metric the selection leaves out has no gauge and no series; device_info stays whatever the selection', () => {
  const selection = new MetricSelection({ raw: true, include: ['ecoflow_battery_*'], exclude: ['ecoflow_battery_temperature_celsius'] });
  const gauges = new NamedGauges(new MeterProvider().getMeter('test'), selection);
  const producer = unified(gauges);
  const { device } = recordIn(DELTA2, { 'pd.sysVer': FIRMWARE_63, 'pd.soc': 46, 'bms_bmsStatus.temp': 25, 'pd.wattsInSum': 100 });
  const names = Object.keys(derived(gauges, produced(producer, device))).map((k) => k.replace(/\{.*$/, ''));
  assert.ok(names.includes('ecoflow_device_info'));
  assert.ok(names.includes('ecoflow_battery_soc_ratio'), names.join());
  assert.ok(!names.includes('ecoflow_battery_temperature_celsius'));
  assert.ok(!names.includes('ecoflow_input_power_watts'));
  assert.ok(
    gauges.names().every((n) => n === 'ecoflow_device_info' || (n.startsWith('ecoflow_battery_') && n !== 'ecoflow_battery_temperature_celsius')),
    gauges.names().join(),
  );
});
