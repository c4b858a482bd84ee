import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenQuota } from '../../../src/metrics/raw-metric-names.js';
import { quotaMetricName } from '../../../src/catalog/catalog.js';

/** The metric a top-level key with a numeric value becomes. */
const name = (key: string) => quotaMetricName('ecoflow', flattenQuota(key, 1)[0]!.name);

test('names metrics as the Python exporter did', () => {
  const table: Array<[string, string]> = [
    ['pd.soc', 'ecoflow_pd_soc'],
    ['bms_bmsStatus.f32ShowSoc', 'ecoflow_bms_bms_status_f32_show_soc'],
    ['20_1.pv1InputWatts', 'ecoflow_20_1_pv1_input_watts'],
    ['pd.XT150Watts1', 'ecoflow_pd_xt150_watts1'],
    ['inv.SlowChgWatts', 'ecoflow_inv_slow_chg_watts'],
    ['hs_yj751_pd_appshow_addr.soc', 'ecoflow_hs_yj751_pd_appshow_addr_soc'],
    ['powGetPvSum', 'ecoflow_pow_get_pv_sum'],
    ['2_1.switchSta', 'ecoflow_2_1_switch_sta'],
    ['bmsMaster.HTTPStatus', 'ecoflow_bms_master_http_status'],
    ['a..b__c', 'ecoflow_a_b_c'],
    ['kebab-case.key', 'ecoflow_kebab_case_key'],
  ];
  for (const [key, expected] of table) assert.equal(name(key), expected, key);
});

test('odd characters always give a valid Prometheus metric name', () => {
  const valid = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  for (const key of ['temp (°C)', 'ünïcödé.wert', '💡', '', '...', 'a"b{c}=d\n', ' spaced key ', '9lives']) {
    const n = name(key);
    assert.match(n, valid, JSON.stringify(key));
    assert.ok(n.startsWith('ecoflow_'), n);
  }
  assert.equal(name('temp (°C)'), 'ecoflow_temp_c');
  assert.notEqual(name('💡'), name('🔥'), 'keys with no usable characters must not collide');
});

test('very long keys are shortened, and stay distinct', () => {
  const a = name(`${'x'.repeat(300)}A`);
  const b = name(`${'x'.repeat(300)}B`);
  assert.ok(a.length <= 200, `${a.length}`);
  assert.notEqual(a, b);
});

test('a key named like one of our own metrics does not shadow it', () => {
  assert.equal(name('online'), 'ecoflow_online_value');
  assert.equal(name('exporter.build'), 'ecoflow_exporter_build_value');
  assert.equal(name('ems.bms0Online'), 'ecoflow_ems_bms0_online');
});

test('flattens values: numbers, booleans, numeric strings, arrays, objects', () => {
  const samples = (key: string, value: unknown) => flattenQuota(key, value).map((s) => [s.name, s.indexes.join(','), s.value]);

  assert.deepEqual(samples('pd.soc', 46), [['pd_soc', '', 46]]);
  assert.deepEqual(samples('pd.temp', -3.5), [['pd_temp', '', -3.5]]);
  assert.deepEqual(samples('2_1.switchSta', true), [['2_1_switch_sta', '', 1]]);
  assert.deepEqual(samples('2_1.switchSta', false), [['2_1_switch_sta', '', 0]]);
  assert.deepEqual(samples('bmsMaster.soc', '100'), [['bms_master_soc', '', 100]]);
  assert.deepEqual(samples('x', ' -1.5e3 '), [['x', '', -1500]]);
  assert.deepEqual(samples('bms_bmsStatus.cellVol', [3259, 3261]), [
    ['bms_bms_status_cell_vol', '0', 3259],
    ['bms_bms_status_cell_vol', '1', 3261],
  ]);
  assert.deepEqual(samples('m', [[1, 2], [3]]), [
    ['m', '0,0', 1],
    ['m', '0,1', 2],
    ['m', '1,0', 3],
  ]);
  assert.deepEqual(samples('bms_kitInfo.watts', [{ curPower: 5, sn: 'A1' }, { curPower: 7 }]), [
    ['bms_kit_info_watts_cur_power', '0', 5],
    ['bms_kit_info_watts_cur_power', '1', 7],
  ]);
  assert.deepEqual(samples('20_134.task1', { timeRange: { isEnable: 1 }, type: 2 }), [
    ['20_134_task1_time_range_is_enable', '', 1],
    ['20_134_task1_type', '', 2],
  ]);
});

test('skips what is not a measurement', () => {
  for (const value of [null, undefined, 'abc', '2024-04-14 23:46:04', '', 'NaN', 'Infinity', '0x10', [], {}, [null, 'x']]) {
    assert.deepEqual(flattenQuota('k', value), [], JSON.stringify(value));
  }
});

test('stops at a depth no real payload reaches instead of overflowing the stack', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  assert.deepEqual(flattenQuota('k', deep), []);
  let shallow: unknown = 1;
  for (let i = 0; i < 5; i++) shallow = [shallow];
  assert.equal(flattenQuota('k', shallow)[0]?.indexes.length, 5);
});
