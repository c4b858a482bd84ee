import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SN, eventually, stillFleet } from '../helpers/simulated-fleet.js';
import { sampleValue, samples, scrapeUntilPresent, startPair } from '../helpers/running-exporter.js';
import { payload } from '../../src/simulator/fleet.js';
import delta2 from '../../src/simulator/payloads/delta2.json' with { type: 'json' };
import { realTime } from '../helpers/real-time.js';

async function setup(
  t: import('node:test').TestContext,
  env: NodeJS.ProcessEnv = {},
  fleet = stillFleet(),
  expected: string[] = [SN.delta2, SN.powerStream, SN.smartPlug],
) {
  const { simulator, exporter } = await startPair(t, env, fleet);
  // Every online device has been read once.
  await eventually(async () => {
    const text = await exporter.scrape();
    return expected.every((sn) => sampleValue(text, 'ecoflow_online', sn) === 1 && text.split(sn).length > 3) && text;
  }, 'first quota reads');
  return { simulator, exporter };
}

/** Names of the series of one device, sorted. */
function seriesNamesOf(text: string, sn: string): string[] {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#') && l.includes(`device="${sn}"`))
    .map((l) => l.split('{')[0]!)
    .sort();
}

test('the expected series and labels appear', async (t) => {
  const { exporter } = await setup(t);
  const text = await exporter.scrape();

  assert.deepEqual(samples(text, 'ecoflow_online'), [
    'ecoflow_online{device="R331ZEB4ZEAL0528",device_name="DELTA 2-Garage",product_name="DELTA 2"} 1',
    'ecoflow_online{device="HW51ZOH4SF4E0001",device_name="PowerStream-Balcony",product_name="PowerStream"} 1',
    'ecoflow_online{device="HW52ZDH4SF2E0002",device_name="Smart Plug-Fridge",product_name="Smart Plug"} 1',
    'ecoflow_online{device="R621ZEB5XE7K0003",device_name="RIVER 2-1003",product_name="RIVER 2"} 0',
  ]);
  assert.deepEqual(samples(text, 'ecoflow_pd_soc'), ['ecoflow_pd_soc{device="R331ZEB4ZEAL0528",device_name="DELTA 2-Garage",product_name="DELTA 2"} 46']);
  assert.match(text, /^# TYPE ecoflow_bms_bms_status_f32_show_soc gauge$/m);
  assert.equal(sampleValue(text, 'ecoflow_bms_bms_status_f32_show_soc', SN.delta2), delta2['bms_bmsStatus.f32ShowSoc']);
  assert.equal(sampleValue(text, 'ecoflow_20_1_pv1_input_watts', SN.powerStream), 90);
  assert.equal(sampleValue(text, 'ecoflow_2_1_switch_sta', SN.smartPlug), 0, "the capture's boolean false is 0");

  const cells = samples(text, 'ecoflow_bms_bms_status_cell_vol');
  const cellVol = delta2['bms_bmsStatus.cellVol'] as number[];
  assert.equal(cells.length, cellVol.length);
  assert.equal(
    cells[0],
    `ecoflow_bms_bms_status_cell_vol{device="R331ZEB4ZEAL0528",device_name="DELTA 2-Garage",product_name="DELTA 2",index_0="0"} ${cellVol[0]}`,
  );
  // Strings are not samples; the offline RIVER 2 has no quota series at all, raw or unified.
  assert.doesNotMatch(text, /ecoflow_2_1_update_time/);
  assert.deepEqual(seriesNamesOf(text, SN.river2), ['ecoflow_device_info', 'ecoflow_online']);
  assert.doesNotMatch(text, /otel_scope|target_info/);
});

test('every numeric value of a real payload becomes a series', async (t) => {
  const { exporter } = await setup(t);
  const text = await exporter.scrape();
  const numeric = Object.entries(payload(delta2)).filter(([, v]) => typeof v === 'number');
  assert.ok(numeric.length > 150);
  for (const [key, value] of numeric) {
    const line = text.split('\n').find((l) => l.includes(`device="${SN.delta2}"`) && l.endsWith(` ${value}`) && l.startsWith('ecoflow_'));
    assert.ok(line, `${key}=${value} missing`);
  }
});

test('a changed value shows after the next poll', async (t) => {
  const { simulator, exporter } = await setup(t);
  simulator.setQuota(SN.delta2, 'pd.soc', 87);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_pd_soc', SN.delta2) === 87, 'pd.soc = 87');
});

test('an offline device reports online 0 and its series are gone', async (t) => {
  const { simulator, exporter } = await setup(t);
  simulator.setOnline(SN.smartPlug, false);
  const text = await eventually(async () => {
    const t2 = await exporter.scrape();
    return sampleValue(t2, 'ecoflow_online', SN.smartPlug) === 0 && t2;
  }, 'smart plug offline');
  // What is left of the plug: its online state, when its data was last fresh, and its energy
  // counters (totals so far stay true; they stop growing).
  assert.deepEqual(seriesNamesOf(text, SN.smartPlug), [
    'ecoflow_device_info',
    'ecoflow_last_update_timestamp_seconds',
    'ecoflow_load_energy_joules_total',
    'ecoflow_online',
    'ecoflow_output_energy_joules_total',
    'ecoflow_port_output_energy_joules_total',
  ]);
  assert.doesNotMatch(text, /ecoflow_2_1_watts/, 'a metric with no series left has no HELP/TYPE either');

  simulator.setOnline(SN.smartPlug, true);
  await eventually(async () => sampleValue(await exporter.scrape(), 'ecoflow_2_1_watts', SN.smartPlug) !== undefined, 'plug back');
});

test("a removed key's series is gone", async (t) => {
  const { simulator, exporter } = await setup(t);
  simulator.removeQuota(SN.delta2, 'pd.soc');
  simulator.removeQuota(SN.delta2, 'bms_bmsStatus.cellVol');
  const text = await eventually(async () => {
    const t2 = await exporter.scrape();
    return samples(t2, 'ecoflow_pd_soc').length === 0 && t2;
  }, 'pd.soc gone');
  assert.equal(samples(text, 'ecoflow_bms_bms_status_cell_vol').length, 0);
  assert.ok(sampleValue(text, 'ecoflow_bms_bms_status_soc', SN.delta2) !== undefined, 'other keys stay');
});

test('devices that leave the account vanish; new ones appear without restart', async (t) => {
  const { simulator, exporter } = await setup(t);
  simulator.removeDevice(SN.powerStream);
  simulator.addDevice({ sn: 'NEW0000000000001', deviceName: 'Newcomer', productName: 'Smart Plug', online: true, quotas: { '2_1.watts': 123 } });
  const text = await eventually(async () => {
    const t2 = await exporter.scrape();
    return !t2.includes(SN.powerStream) && sampleValue(t2, 'ecoflow_2_1_watts', 'NEW0000000000001') === 123 && t2;
  }, 'fleet change');
  assert.equal(sampleValue(text, 'ecoflow_online', 'NEW0000000000001'), 1);
});

test('a device the key may not read (1006) stays listed, without quota series, logged once', async (t) => {
  const fleet = stillFleet();
  fleet.push({ sn: 'DENIED0000000001', deviceName: 'Stream', productName: 'STREAM AC', online: true, restricted: true, quotas: { soc: 50 } });
  const { exporter } = await setup(t, {}, fleet);
  const text = await eventually(async () => {
    const t2 = await exporter.scrape();
    return exporter.logs.some((l) => l.includes('DENIED0000000001') && l.includes('1006')) && t2;
  }, '1006 logged');
  await realTime(500);
  assert.equal(sampleValue(text, 'ecoflow_online', 'DENIED0000000001'), 1);
  assert.deepEqual(seriesNamesOf(text, 'DENIED0000000001'), ['ecoflow_device_info', 'ecoflow_online']);
  assert.equal(exporter.logs.filter((l) => l.includes('DENIED0000000001') && l.includes('1006')).length, 1, 'logged once');
  assert.match(exporter.logs.find((l) => l.includes('1006'))!, /not bound to this developer key/);
  assert.ok(sampleValue(text, 'ecoflow_pd_soc', SN.delta2) !== undefined, 'the others carry on');
});

test('API errors keep the last good data and count connection errors', async (t) => {
  const { simulator, exporter } = await setup(t, { ECOFLOW_DEVICE_SN: SN.delta2 }, stillFleet(), [SN.delta2]);
  simulator.injectFault('quota/all', { kind: 'html' }, 3);
  const text = await eventually(async () => {
    const t2 = await exporter.scrape();
    return (sampleValue(t2, 'ecoflow_connection_errors_total', SN.delta2) ?? 0) >= 1 && t2;
  }, 'an error counted');
  assert.equal(sampleValue(text, 'ecoflow_pd_soc', SN.delta2), 46, 'last good value kept');
  assert.ok(exporter.logs.some((l) => l.includes('device poll failed') && l.includes('"error_kind":"response"')));
});

test('scrapes never call the EcoFlow API', async (t) => {
  const { simulator, exporter } = await setup(t, { ECOFLOW_DEVICE_SN: SN.delta2, COLLECTING_INTERVAL: '3600', DEVICE_LIST_INTERVAL: '3600' }, stillFleet(), [
    SN.delta2,
  ]);
  const before = simulator.requestCount();
  for (let i = 0; i < 25; i++) await exporter.scrape();
  await Promise.all(Array.from({ length: 10 }, () => exporter.scrape()));
  assert.equal(simulator.requestCount(), before);
});

test('ECOFLOW_DEVICE_SN selects devices and ECOFLOW_DEVICE_NAME names the one', async (t) => {
  const { exporter } = await startPair(t, { ECOFLOW_DEVICE_SN: SN.delta2, ECOFLOW_DEVICE_NAME: 'Basement' });
  const text = await scrapeUntilPresent(exporter, 'ecoflow_pd_soc', SN.delta2);
  assert.deepEqual(samples(text, 'ecoflow_online'), ['ecoflow_online{device="R331ZEB4ZEAL0528",device_name="Basement",product_name="DELTA 2"} 1']);
  assert.ok(!text.includes(SN.powerStream));
});

test('METRICS_PREFIX renames every metric', async (t) => {
  const { exporter } = await startPair(t, { ECOFLOW_DEVICE_SN: SN.smartPlug, METRICS_PREFIX: 'home' });
  const text = await scrapeUntilPresent(exporter, 'home_2_1_watts', SN.smartPlug);
  assert.ok(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .every((l) => l.startsWith('home_')),
  );
});
