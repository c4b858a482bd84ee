import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { deviceModels } from '../../../src/devices/device-models.js';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { PrometheusReader } from '../../../src/export/prometheus-reader.js';
import { createSnapshotGauges, producerMemory, type SnapshotGaugesSetup } from '../../../src/metrics/create-snapshot-gauges.js';
import { stillDemoFleet } from '../../helpers/simulated-fleet.js';

const DELTA2 = { sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2', online: true };

/** What the factory's logger wrote, one parsed JSON line each. */
type LogEntry = { level: string; msg: string } & Record<string, unknown>;

/**
 * The factory's gauges over a new snapshot (or `snapshot`), started, read by our Prometheus
 * reader, with a logger whose lines are kept: all of them, and what they tell of each model
 * without a table of its own.
 */
function exporterOver(options: Partial<SnapshotGaugesSetup> = {}) {
  const snapshot = options.snapshot ?? new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 100_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const unknown: string[] = [];
  const logged: LogEntry[] = [];
  const instruments = createSnapshotGauges({
    meter: provider.getMeter('test'),
    snapshot,
    prefix: 'ecoflow',
    logger: new Logger({
      level: 'info',
      format: 'json',
      write: (line) => {
        const e = JSON.parse(line) as LogEntry & { product_name?: string; family?: string };
        logged.push(e);
        const by = / recognised by its (.+)$/.exec(e.msg)?.[1];
        if (e.product_name !== undefined) unknown.push(`${e.product_name}: ${e.family ?? 'none'}${by ? ` by ${by}` : ''}`);
      },
    }),
    ...options,
  });
  instruments.start();
  const lines = async () =>
    (await reader.render())
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
  return { snapshot, instruments, lines, unknown, logged, stop: () => provider.shutdown() };
}

const names = (lines: string[]) => [...new Set(lines.map((l) => l.split(/[{ ]/)[0]))].sort();

test('by default the unified layer is on: device state, raw quotas, device_info and the base-unit series', async () => {
  const { snapshot, lines, stop } = exporterOver();
  snapshot.setDevices([DELTA2]);
  snapshot.replaceQuotas(DELTA2.sn, { 'bms_emsStatus.lcdShowSoc': 46 }, Date.now());
  assert.deepEqual(names(await lines()), [
    'ecoflow_battery_soc_ratio',
    'ecoflow_bms_ems_status_lcd_show_soc',
    'ecoflow_device_info',
    'ecoflow_last_update_timestamp_seconds',
    'ecoflow_online',
  ]);
  await stop();
});

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
  const liveOut = exporterOver();
  const live = liveOut.snapshot;
  live.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
  // One write time for every write: last_update must agree, and nothing may go stale.
  const at = Date.now();
  for (const d of fleet) live.replaceQuotas(d.sn, d.quotas, at);
  await liveOut.lines(); // the first collection binds the attribute sets, as a scrape would

  for (let round = 1; round <= 3; round++) {
    for (const d of fleet) live.mergeQuotas(d.sn, changesFor(d.quotas, round), at);
    const freshOut = exporterOver();
    const fresh = freshOut.snapshot;
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

test('a device over maxSeriesPerDevice is logged once as a warning: its serial number, how many were left out, the cap', async () => {
  const { snapshot, logged, stop } = exporterOver({ maxSeriesPerDevice: 2 });
  snapshot.setDevices([DELTA2]);
  // Three series, none of them unified: one over the cap.
  for (const at of [1_000, 2_000]) snapshot.replaceQuotas(DELTA2.sn, { 'x.a': 1, 'x.b': 2, 'x.c': 3 }, at);
  assert.deepEqual(
    logged.map(({ level, msg, sn, dropped, max_series_per_device }) => ({ level, msg, sn, dropped, max_series_per_device })),
    [
      {
        level: 'warn',
        msg: 'device has more series than MAX_SERIES_PER_DEVICE, or more metric names than MAX_METRICS_PER_DEVICE; the rest are left out',
        sn: DELTA2.sn,
        dropped: 1,
        max_series_per_device: 2,
      },
    ],
  );
  await stop();
});

test('built again over the same memory (a renewal): the models record is shared and a capped device is not logged again', async () => {
  const memory = producerMemory();
  const first = exporterOver({ maxSeriesPerDevice: 2, memory });
  first.snapshot.setDevices([DELTA2]);
  first.snapshot.replaceQuotas(DELTA2.sn, { 'pd.sysVer': 16908607, 'x.a': 1, 'x.b': 2 }, 1_000);
  assert.equal(memory.models.known(DELTA2.sn)?.firmware, '1.2.1.63', 'the unified producer writes the record given');
  assert.equal(first.logged.length, 1);
  // Built at start from the same snapshot, as a renewal builds them.
  const again = exporterOver({ maxSeriesPerDevice: 2, memory, snapshot: first.snapshot });
  assert.deepEqual(again.logged, []);
  // Without the memory, the same device is news.
  const forgetful = exporterOver({ maxSeriesPerDevice: 2, snapshot: first.snapshot });
  assert.equal(forgetful.logged.length, 1);
  await Promise.all([first.stop(), again.stop(), forgetful.stop()]);
});

test('producerMemory: the models record given, else a new one; nothing dropped yet', () => {
  const models = deviceModels();
  assert.equal(producerMemory(models).models, models);
  const own = producerMemory();
  assert.notEqual(own.models, producerMemory().models, 'a new record each time');
  assert.equal(own.lastDropped.size, 0);
});

test('the reporter and onRetired given reach the gauges', async () => {
  const collected: number[] = [];
  let retired = 0;
  const { snapshot, lines, stop } = exporterOver({ reporter: { recordCollected: (n) => collected.push(n) }, onRetired: () => retired++ });
  snapshot.setDevices([DELTA2]);
  snapshot.replaceQuotas(DELTA2.sn, { 'x.a': 1, 'bms_emsStatus.lcdShowSoc': 46 }, Date.now());
  await lines();
  // x.a, the raw lcdShowSoc and battery_soc_ratio.
  assert.deepEqual(collected, [3]);
  assert.equal(retired, 2, 'listed, then read');
  await stop();
});
