import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { snapshotGauges, type SnapshotGaugesSetup } from '../../../src/metrics/producers/producer-list.js';

const DELTA2 = { sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2', online: true };

function exporterOver(options: Partial<SnapshotGaugesSetup> = {}) {
  const snapshot = new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 10_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const unknown: string[] = [];
  const instruments = snapshotGauges({
    meter: provider.getMeter('test'),
    snapshot,
    prefix: 'ecoflow',
    // What the log tells of each model without a table of its own.
    logger: new Logger({
      level: 'info',
      format: 'json',
      write: (line) => {
        const e = JSON.parse(line) as { msg: string; product_name?: string; family?: string };
        const by = / recognised by its (.+)$/.exec(e.msg)?.[1];
        if (e.product_name !== undefined) unknown.push(`${e.product_name}: ${e.family ?? 'none'}${by ? ` by ${by}` : ''}`);
      },
    }),
    ...options,
  });
  instruments.start();
  const lines = async () => (await reader.render()).split('\n').filter((l) => l && !l.startsWith('#'));
  return { snapshot, lines, unknown, stop: () => provider.shutdown() };
}

const names = (lines: string[]) => [...new Set(lines.map((l) => l.split(/[{ ]/)[0]))].sort();

test('a raw key that would take a unified name gets _value; with the layer off it keeps its name', async () => {
  for (const unified of [true, false]) {
    const { snapshot, lines, stop } = exporterOver({ unified });
    snapshot.setDevices([DELTA2]);
    snapshot.replaceQuotas(DELTA2.sn, { batterySocRatio: 0.5, deviceInfo: 7, 'pd.soc': 46 }, Date.now());
    const out = await lines();
    if (unified) {
      assert.ok(
        out.some((l) => l.startsWith('ecoflow_battery_soc_ratio_value{') && l.endsWith(' 0.5')),
        out.join('\n'),
      );
      assert.ok(out.some((l) => l.startsWith('ecoflow_device_info_value{') && l.endsWith(' 7')));
      assert.ok(out.some((l) => l.startsWith('ecoflow_device_info{') && l.includes('family="delta2"') && l.endsWith(' 1')));
    } else {
      assert.deepEqual(names(out), [
        'ecoflow_battery_soc_ratio',
        'ecoflow_device_info',
        'ecoflow_last_update_timestamp_seconds',
        'ecoflow_online',
        'ecoflow_pd_soc',
      ]);
      assert.ok(
        out.some((l) => l.startsWith('ecoflow_device_info{') && l.endsWith(' 7')),
        'the raw key, not our info series',
      );
    }
    await stop();
  }
});

test('units are on the instruments, so the exposition carries them', async () => {
  const snapshot = new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 10_000 });
  const provider = new MeterProvider({ readers: [reader] });
  snapshotGauges({ meter: provider.getMeter('test'), snapshot, prefix: 'ecoflow' }).start();
  snapshot.setDevices([DELTA2]);
  snapshot.replaceQuotas(DELTA2.sn, { 'inv.outputWatts': 120, 'bms_bmsStatus.temp': 30 }, Date.now());
  const text = await reader.render();
  assert.match(text, /^# UNIT ecoflow_port_output_power_watts W$/m);
  assert.match(text, /^# UNIT ecoflow_battery_temperature_celsius Cel$/m);
  assert.match(text, /^ecoflow_port_output_power_watts\{device="R331ZEB4ZEAL0528",device_name="DELTA 2-Garage",product_name="DELTA 2",port="ac"\} 120$/m);
  await provider.shutdown();
});

test('a model without a table: raw metrics, device_info{family="unknown"}, told once per model', async () => {
  const { snapshot, lines, unknown, stop } = exporterOver();
  const devices = ['ZZ01', 'ZZ02'].map((sn) => ({ sn, name: sn, productName: 'RIVER 3', online: true }));
  snapshot.setDevices(devices);
  for (const d of devices) for (let i = 0; i < 3; i++) snapshot.replaceQuotas(d.sn, { 'foo.bar': i }, Date.now());
  const out = await lines();
  assert.deepEqual(names(out), ['ecoflow_device_info', 'ecoflow_foo_bar', 'ecoflow_last_update_timestamp_seconds', 'ecoflow_online']);
  assert.equal(out.filter((l) => l.startsWith('ecoflow_device_info{') && l.includes('family="unknown"')).length, 2);
  assert.deepEqual(unknown, ['RIVER 3: none']);
  await stop();
});

test('a model matched by its serial number or keys rather than its name is told once', async () => {
  const { snapshot, lines, unknown, stop } = exporterOver();
  snapshot.setDevices([
    { sn: 'R331AAAA00000001', name: 'a', productName: 'DELTA 2 (EU)', online: true },
    { sn: 'R331AAAA00000002', name: 'b', productName: 'DELTA 2 (EU)', online: true },
    { sn: 'XXXX000000000003', name: 'c', productName: '', online: true },
    DELTA2,
  ]);
  snapshot.replaceQuotas('XXXX000000000003', { 'hs_yj751_pd_appshow_addr.wattsInSum': 1, 'hs_yj751_pd_appshow_addr.inHvMpptPwr': 2 }, Date.now());
  assert.deepEqual(unknown.sort(), [': delta_pro_ultra by keys', 'DELTA 2 (EU): delta2 by serial number']);
  assert.equal((await lines()).filter((l) => l.startsWith('ecoflow_device_info{') && l.includes('family="delta2"')).length, 3);
  await stop();
});

test('stale values: unified series go with the raw ones; device_info and online stay', async () => {
  const { snapshot, lines, stop } = exporterOver({ staleness: new StalenessRule({ staleAfterMs: 60_000 }) });
  snapshot.setDevices([DELTA2]);
  snapshot.replaceQuotas(DELTA2.sn, { 'pd.wattsOutSum': 201, 'bms_emsStatus.lcdShowSoc': 46 }, Date.now());
  assert.ok((await lines()).some((l) => l.startsWith('ecoflow_battery_soc_ratio{') && l.endsWith(' 0.46')));
  snapshot.replaceQuotas(DELTA2.sn, { 'pd.wattsOutSum': 201, 'bms_emsStatus.lcdShowSoc': 46 }, Date.now() - 120_000);
  assert.deepEqual(names(await lines()), ['ecoflow_device_info', 'ecoflow_last_update_timestamp_seconds', 'ecoflow_online']);
  await stop();
});

test('offline and refused devices keep device_info, with the family and firmware they last showed', async () => {
  const { snapshot, lines, stop } = exporterOver();
  snapshot.setDevices([DELTA2]);
  snapshot.replaceQuotas(DELTA2.sn, { 'pd.sysVer': 16908607, 'pd.wattsOutSum': 201 }, Date.now());
  snapshot.setDevices([{ ...DELTA2, online: false }]);
  const offline = await lines();
  assert.deepEqual(names(offline), ['ecoflow_device_info', 'ecoflow_last_update_timestamp_seconds', 'ecoflow_online']);
  assert.ok(
    offline.some((l) => l.includes('family="delta2"') && l.includes('firmware="1.2.1.63"')),
    offline.join('\n'),
  );
  snapshot.setDevices([DELTA2]);
  snapshot.setRestricted(DELTA2.sn, true);
  // Refused from now on: no data to be fresh or stale, so no last-update time either.
  assert.deepEqual(names(await lines()), ['ecoflow_device_info', 'ecoflow_online']);
  await stop();
});
