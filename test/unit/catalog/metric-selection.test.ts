import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSelection } from '../../../src/catalog/metric-selection.js';

const select = (o: { raw?: boolean; include?: string[]; exclude?: string[] }) =>
  new MetricSelection({ raw: o.raw ?? true, include: o.include ?? [], exclude: o.exclude ?? [] });

test('by default everything is selected', () => {
  const all = MetricSelection.everything;
  assert.ok(all.isEverything);
  for (const kind of ['raw', 'unified', 'energy'] as const) assert.ok(all.selects('ecoflow_anything', kind));
});

test('RAW_METRICS=false leaves out raw metrics only, whatever the include list names', () => {
  const s = select({ raw: false, include: ['ecoflow_pd_*', 'ecoflow_battery_*'] });
  assert.ok(!s.isEverything);
  assert.ok(!s.selects('ecoflow_pd_soc', 'raw'));
  assert.ok(s.selects('ecoflow_battery_soc_ratio', 'unified'));
  assert.ok(!s.selects('ecoflow_input_power_watts', 'unified'), 'not included');
});

test('include keeps only what matches; exclude wins over include', () => {
  const s = select({ include: ['ecoflow_battery_*', 'ecoflow_*_energy_joules_total'], exclude: ['ecoflow_battery_c*'] });
  assert.ok(s.selects('ecoflow_battery_soc_ratio', 'unified'));
  assert.ok(s.selects('ecoflow_load_energy_joules_total', 'energy'));
  assert.ok(!s.selects('ecoflow_battery_charge_energy_joules_total', 'energy'), 'included, and excluded: out');
  assert.ok(!s.selects('ecoflow_pd_soc', 'raw'));
});

test('globs match the whole name: * any run, ? one character, classes and negated classes', () => {
  const s = select({ include: ['ecoflow_bms_bms_status_?_soc', 'ecoflow_port_[io]*', 'ecoflow_x[!a-c]'] });
  assert.ok(s.selects('ecoflow_bms_bms_status_f_soc', 'raw'));
  assert.ok(!s.selects('ecoflow_bms_bms_status_ff_soc', 'raw'));
  assert.ok(s.selects('ecoflow_port_input_power_watts', 'unified'));
  assert.ok(!s.selects('ecoflow_port_x', 'unified'));
  assert.ok(s.selects('ecoflow_xd', 'raw'));
  assert.ok(!s.selects('ecoflow_xb', 'raw'));
  assert.ok(!s.selects('prefix_ecoflow_port_input', 'unified'), 'anchored at the start');
  assert.ok(!select({ include: ['ecoflow_pd'] }).selects('ecoflow_pd_soc', 'raw'), 'anchored at the end');
});

test('a pattern that is not a glob over metric names is kept as written, marked invalid and matches nothing', () => {
  const s = select({ include: ['ecoflow_.+', 'ecoflow_[abc', 'ecoflow_pd_soc', ''], exclude: ['{__name__="x"}', 'ecoflow_[z-a]'] });
  assert.deepEqual(
    s.include.map((p) => [p.text, p.regex !== undefined]),
    [
      ['ecoflow_.+', false],
      ['ecoflow_[abc', false],
      ['ecoflow_pd_soc', true],
      ['', false],
    ],
  );
  assert.deepEqual(
    s.exclude.map((p) => p.regex),
    [undefined, undefined],
  );
  assert.ok(s.selects('ecoflow_pd_soc', 'raw'));
  assert.ok(!s.selects('ecoflow_pd_x', 'raw'), 'the valid include still applies');
});

test('an include list of invalid patterns only is no include list: a typo must not leave the output empty', () => {
  const s = select({ include: ['ecoflow_.+'] });
  assert.ok(s.selects('ecoflow_pd_soc', 'raw'));
  assert.ok(s.isEverything);
});
