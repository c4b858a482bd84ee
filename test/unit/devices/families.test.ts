import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { matchFamily } from '../../../src/devices/detect-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { accountFor, leafPaths, unaccountedKeys } from '../../helpers/key-coverage.js';
import { energyRowInputs, rowInputs } from '../../../src/devices/family-keys.js';
import { payload } from '../../../src/simulator/fleet.js';
import type { CircuitBucketsRow, DailyCounterRow, DeviceFamily, EnergyRow, LifetimeCounterRow } from '../../../src/devices/device-family.js';
import { SOURCES } from '../../../src/devices/sources.js';
import { energyPlan } from '../../../src/energy/energy-plan.js';
import { encodeCounterKey } from '../../../src/energy/counter-key.js';
import { readLifetime } from '../../../src/energy/quota-readings.js';
import { ENERGY_METRICS, PORTS, type EnergyMetric, type EnergyMetricId, type Port } from '../../../src/catalog/catalog.js';
import { readQuota } from '../../../src/snapshot/quota-value.js';
import { payloadQuotas, quotaMap } from '../../helpers/unified.js';

const PAYLOADS = fileURLToPath(new URL('../../../../src/simulator/payloads/', import.meta.url));

/** Each fixture payload with the family its keys alone point to. */
function fixtures() {
  return readdirSync(PAYLOADS)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const quotas = payload(JSON.parse(readFileSync(PAYLOADS + file, 'utf8')));
      const family = matchFamily({ sn: '', productName: '' }, quotaMap(quotas), FAMILIES)?.family;
      return { file, quotas, family };
    });
}

test('every key of every payload is mapped, unmapped with a reason, or raw-only by a rule', () => {
  const fixturesFound = fixtures();
  assert.ok(fixturesFound.length >= 13, 'the payloads are there');
  const missing: string[] = [];
  for (const { file, quotas, family } of fixturesFound) {
    assert.ok(family, `${file}: no family`);
    for (const key of unaccountedKeys(family, quotas)) missing.push(`${file} (${family.id}): ${key}`);
  }
  assert.deepEqual(missing, [], `unaccounted keys:\n${missing.join('\n')}`);
});

test('the check finds a key nobody accounts for', () => {
  const delta2 = FAMILIES.find((f) => f.id === 'delta2')!;
  assert.deepEqual(unaccountedKeys(delta2, { 'pd.soc': 50, 'pd.notAKey': 1, 'pd.nested': { x: [1] } }), ['pd.notAKey', 'pd.nested.x[0]']);
  assert.equal(accountFor(delta2, 'pd.wattsInSum')?.by, 'row');
});

test('nested values are keys down to their leaves, as readQuota reads them', () => {
  assert.deepEqual(leafPaths({ a: { b: [1, { c: 2 }] }, d: [], e: 'x' }).sort(), ['a.b[0]', 'a.b[1].c', 'd', 'e']);
});

test('keys are written out in full: no lists, globs or placeholders in a key field', () => {
  const exact = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+|\[\d+\])*$/;
  for (const f of FAMILIES) {
    for (const row of f.rows) for (const key of rowInputs(row)) assert.match(key, exact, `${f.id} row key ${key}`);
    for (const row of f.energy.rows) for (const key of energyRowInputs(row)) assert.match(key, exact, `${f.id} energy row key ${key}`);
    for (const u of f.unmapped) assert.match(u.key, exact, `${f.id} unmapped ${u.key}`);
    for (const rule of f.rawOnly) {
      assert.ok((rule.keys?.length ?? 0) + (rule.prefixes?.length ?? 0) > 0, `${f.id} raw-only rule without keys: ${rule.reason}`);
      for (const key of rule.keys ?? []) assert.match(key, exact, `${f.id} raw-only ${key}`);
      for (const prefix of rule.prefixes ?? []) assert.match(prefix, /^[A-Za-z0-9_.[\]]+$/, `${f.id} raw-only prefix ${prefix}`);
    }
  }
});

test('a key is listed once per family: not both mapped (by a row or an energy row) and unmapped, not unmapped twice', () => {
  for (const f of FAMILIES) {
    // A row's condition key (`when`) may be unmapped as a value of its own.
    const mapped = new Set([...f.rows.flatMap((r) => rowInputs(r).filter((k) => k !== r.when?.key)), ...f.energy.rows.flatMap(energyRowInputs)]);
    const seen = new Set<string>();
    for (const u of f.unmapped) {
      assert.ok(!mapped.has(u.key), `${f.id}: ${u.key} is mapped and unmapped`);
      assert.ok(!seen.has(u.key), `${f.id}: ${u.key} unmapped twice`);
      seen.add(u.key);
    }
  }
});

test("a raw-only key is not also a row's or an energy row's input or an unmapped key: the rule would never be the one that counts", () => {
  for (const f of FAMILIES) {
    const listed = new Set([...f.rows.flatMap(rowInputs), ...f.energy.rows.flatMap(energyRowInputs), ...f.unmapped.map((u) => u.key)]);
    const seen = new Set<string>();
    for (const rule of f.rawOnly) {
      for (const key of rule.keys ?? []) {
        assert.ok(!listed.has(key), `${f.id}: ${key} is raw-only and also a row input or unmapped`);
        assert.ok(!seen.has(key), `${f.id}: ${key} under two raw-only rules`);
        seen.add(key);
      }
    }
  }
});

function family(id: string): DeviceFamily {
  const found = FAMILIES.find((f) => f.id === id);
  assert.ok(found, id);
  return found;
}

/** The family's one counter row (lifetime or daily) for a metric and port. */
function counterRow(id: string, metric: EnergyMetricId, port?: Port): LifetimeCounterRow | DailyCounterRow {
  const rows = family(id).energy.rows.filter(
    (r): r is LifetimeCounterRow | DailyCounterRow => r.kind !== 'circuit-buckets' && r.metric === metric && r.port === port,
  );
  assert.equal(rows.length, 1, `${id}: one row for ${metric}${port ? `/${port}` : ''}`);
  return rows[0]!;
}

/** Joules of a family's counter row on one of our payloads; undefined when the row reads nothing. */
function joules(id: string, payload: string, metric: EnergyMetricId, port?: Port): number | undefined {
  return readLifetime(counterRow(id, metric, port), payloadQuotas(payload))?.joules;
}

/** Floats (the panel's daily Wh have decimals): equal to a micro-joule. */
function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);
}

// Expected joules below are the payloads' Wh × 3600, worked out by hand.

test('DELTA 2 Max: the AC counters of the real dump in joules; its pack counters are not in this dump', () => {
  assert.equal(joules('delta2_max', 'delta2max', 'portInputEnergy', 'ac'), 2_568_744_000); // pd.chgPowerAC 713 540 Wh
  assert.equal(joules('delta2_max', 'delta2max', 'portOutputEnergy', 'ac'), 184_888_800); // pd.dsgPowerAC 51 358 Wh
  // bms_bmsInfo.accu*Energy are absent from the DIAG dump: no reading.
  assert.equal(joules('delta2_max', 'delta2max', 'batteryChargeEnergy'), undefined);
  assert.equal(joules('delta2_max', 'delta2max', 'batteryDischargeEnergy'), undefined);
  // Where present they are Wh: 1234 Wh → 4 442 400 J.
  assert.equal(readLifetime(counterRow('delta2_max', 'batteryChargeEnergy'), quotaMap({ 'bms_bmsInfo.accuChgEnergy': 1234 }))?.joules, 4_442_400);
});

test('RIVER 2 Max: AC counters and the output total (AC + DC) of the real dump in joules', () => {
  assert.equal(joules('river2', 'river2max', 'portInputEnergy', 'ac'), 43_754_400); // pd.chgPowerAC 12 154 Wh
  assert.equal(joules('river2', 'river2max', 'portOutputEnergy', 'ac'), 36_885_600); // pd.dsgPowerAC 10 246 Wh
  assert.equal(joules('river2', 'river2max', 'outputEnergy'), 37_022_400); // 10 246 + pd.dsgPowerDC 38 = 10 284 Wh
});

test('DELTA Pro: the Ac / Dc-spelled counters of the real capture in joules', () => {
  assert.equal(joules('delta_pro', 'deltapro', 'portInputEnergy', 'ac'), 388_688_400); // pd.chgPowerAc 107 969 Wh
  assert.equal(joules('delta_pro', 'deltapro', 'portOutputEnergy', 'ac'), 331_851_600); // pd.dsgPowerAc 92 181 Wh
  assert.equal(joules('delta_pro', 'deltapro', 'portInputEnergy', 'solar'), 467_827_200); // pd.chgSunPower 129 952 Wh
});

test('DELTA 3 and STREAM: the BMS heartbeat pack counters in joules; DELTA Pro 3 reads the same keys', () => {
  assert.equal(joules('delta3', 'delta3', 'batteryChargeEnergy'), 11_919_600); // accuChgEnergy 3311 Wh
  assert.equal(joules('delta3', 'delta3', 'batteryDischargeEnergy'), 7_394_400); // accuDsgEnergy 2054 Wh
  assert.equal(joules('stream', 'stream_ac', 'batteryChargeEnergy'), 14_371_200); // accuChgEnergy 3992 Wh
  assert.equal(joules('stream', 'stream_ac', 'batteryDischargeEnergy'), 13_125_600); // accuDsgEnergy 3646 Wh
  // The real captures (EFSDK): the counters arrive only over the stream, with the pack's serial.
  assert.equal(joules('stream', 'stream_ultra', 'batteryChargeEnergy'), 2_252_030_400); // 625 564 Wh
  assert.equal(joules('stream', 'stream_ultra', 'batteryDischargeEnergy'), 2_129_497_200); // 591 527 Wh
  assert.equal(joules('stream', 'stream_ac_pro', 'batteryChargeEnergy'), 2_089_746_000); // 580 485 Wh
  for (const metric of ['batteryChargeEnergy', 'batteryDischargeEnergy'] as const) {
    assert.deepEqual(counterRow('delta_pro_3', metric).keys, counterRow('delta3', metric).keys, metric);
  }
});

test("PowerOcean: the system's battery totals (Wh) in joules, from the reply TOL quotes (our payload has none)", () => {
  const quotas = quotaMap({ 'ems_change_report.bpTotalChgEnergy': 20528, 'ems_change_report.bpTotalDsgEnergy': 8859 });
  assert.equal(readLifetime(counterRow('powerocean', 'batteryChargeEnergy'), quotas)?.joules, 73_900_800);
  assert.equal(readLifetime(counterRow('powerocean', 'batteryDischargeEnergy'), quotas)?.joules, 31_892_400);
  assert.equal(readLifetime(counterRow('powerocean', 'batteryChargeEnergy'), payloadQuotas('powerocean')), undefined);
});

test('DELTA 2: no device counter, because its five counters read 0 in the real capture', () => {
  assert.deepEqual(family('delta2').energy.rows, []);
  const all = { keys: ['pd.chgSunPower', 'pd.chgPowerAC', 'pd.chgPowerDC', 'pd.dsgPowerAC', 'pd.dsgPowerDC'], scale: 3600 };
  for (const key of all.keys) assert.equal(readQuota(payloadQuotas('delta2'), key)?.value, 0, key);
  assert.equal(readLifetime(all, payloadQuotas('delta2')), undefined);
});

test("Smart Home Panel: today's counters and circuit buckets of the real dump", () => {
  const quotas = payloadQuotas('smarthomepanel');
  near(readLifetime(counterRow('smart_home_panel', 'gridImportEnergy'), quotas)?.joules, 26_209_404, 'grid'); // gridDayWatth 7280.39 Wh
  near(readLifetime(counterRow('smart_home_panel', 'batteryDischargeEnergy'), quotas)?.joules, 8_259_224.4, 'battery'); // backupDayWatth 2294.229 Wh
  near(readLifetime(counterRow('smart_home_panel', 'loadEnergy'), quotas)?.joules, 34_468_628.4, 'load'); // 7280.39 + 2294.229 = 9574.619 Wh

  // The heartbeat's day (year, month, day) and the buckets' rtc name the same device day.
  const day = counterRow('smart_home_panel', 'gridImportEnergy') as DailyCounterRow;
  assert.equal(day.kind, 'daily');
  assert.equal(day.day.map((k) => readQuota(quotas, k)?.value).join('-'), '2025-12-6');
  const buckets = family('smart_home_panel').energy.rows.filter((r): r is CircuitBucketsRow => r.kind === 'circuit-buckets');
  assert.deepEqual(
    buckets.map((b) => [b.source, b.key, quotas.get(b.day[0]!)?.value]),
    [
      ['grid', 'mainsLoadWatt.watth', '2025-12-6'],
      ['battery', 'backupLoadWatt.watth', '2025-12-6'],
    ],
  );
  // Ten circuits of 24 hours each; Σ mains 7188 Wh (25 876 800 J), Σ backup 2098 Wh (7 552 800 J),
  // close to the heartbeat's 7280.39 / 2294.229.
  const totals = buckets.map((b) => {
    const arrays = quotas.get(b.key)?.value as number[][];
    assert.equal(arrays.length, b.circuits, b.key);
    for (const hours of arrays) assert.equal(hours.length, 24, b.key);
    return arrays.flat().reduce((a, v) => a + v, 0) * b.scale;
  });
  assert.deepEqual(totals, [25_876_800, 7_552_800]);
});

test('every family has a rating with its evidence', () => {
  for (const f of FAMILIES) {
    assert.ok(Number.isFinite(f.energy.ratedPowerW) && f.energy.ratedPowerW > 0, `${f.id}: ratedPowerW`);
    assert.ok(f.energy.ratedPowerEvidence.length > 40 && !/not yet researched/.test(f.energy.ratedPowerEvidence), `${f.id}: ratedPowerEvidence`);
    // The evidence says the figure: "12 800 W" or "48 kW".
    const said = f.energy.ratedPowerEvidence.replace(/(\d)[ ,](?=\d{3}\b)/g, '$1');
    assert.ok(
      new RegExp(`\\b${f.energy.ratedPowerW} W\\b`).test(said) || said.includes(`${f.energy.ratedPowerW / 1000} kW`),
      `${f.id}: the evidence says ${f.energy.ratedPowerW} W`,
    );
  }
});

test('a family rating its evidence calls an assumption or an estimate is marked unverified, and only such a one', () => {
  const doubtful = /\b(unverified|assumption|estimate|recalled)\b/i;
  const marked = FAMILIES.filter((f) => f.energy.ratedPowerUnverified).map((f) => f.id);
  const said = FAMILIES.filter((f) => doubtful.test(f.energy.ratedPowerEvidence)).map((f) => f.id);
  assert.deepEqual(marked, said);
  assert.ok(marked.includes('stream_microinverter'));
});

test('every family: each counter once, one for every power its rows map, ports only where the metric has them', () => {
  for (const f of FAMILIES) {
    const plan = energyPlan(f);
    const keys = plan.counters.map((c) => c.key);
    assert.equal(new Set(keys).size, keys.length, `${f.id}: a counter twice in ${keys.join(', ')}`);
    for (const row of f.rows) {
      for (const [id, energy] of Object.entries(ENERGY_METRICS)) {
        if (!('power' in energy) || energy.power.metric !== row.metric) continue;
        const key = encodeCounterKey({ metric: id as Exclude<EnergyMetricId, 'circuitEnergy'>, ...(row.port && { port: row.port }) });
        assert.ok(keys.includes(key), `${f.id}: ${row.metric}${row.port ? `/${row.port}` : ''} is mapped but ${key} has no counter`);
      }
    }
    for (const row of f.energy.rows) {
      const metric: EnergyMetric = ENERGY_METRICS[row.metric];
      if (row.kind === 'circuit-buckets') {
        assert.ok(metric.perCircuit === true && row.port === undefined, `${f.id}: circuit buckets feed the per-circuit metric`);
        assert.ok(Number.isInteger(row.circuits) && row.circuits > 0, `${f.id}: circuits`);
        continue;
      }
      assert.ok(metric.perCircuit !== true, `${f.id}: ${row.metric} takes circuit buckets`);
      if (metric.perPort === true) assert.ok(row.port !== undefined && row.port in PORTS, `${f.id}: ${row.metric} needs a port of PORTS`);
      else assert.equal(row.port, undefined, `${f.id}: ${row.metric} has no port`);
      assert.ok(row.keys.length > 0, `${f.id}: ${row.metric} reads keys`);
      if (row.kind === 'daily') assert.ok(row.day.length > 0, `${f.id}: ${row.metric} names its day`);
    }
  }
});

test('every counter the families read is in Wh, and the plan of each family is the one decided', () => {
  for (const f of FAMILIES) for (const row of f.energy.rows) assert.equal(row.scale, 3600, `${f.id}: ${row.metric}`);
  const how = (id: string) =>
    energyPlan(family(id))
      .counters.filter((c) => c.how !== 'integrated')
      .map((c) => `${c.key} ${c.how}`);
  assert.deepEqual(how('delta2'), []);
  assert.deepEqual(how('delta2_max'), [
    'portInputEnergy/ac lifetime',
    'portOutputEnergy/ac lifetime',
    'batteryChargeEnergy lifetime',
    'batteryDischargeEnergy lifetime',
  ]);
  assert.deepEqual(how('river2'), ['portInputEnergy/ac lifetime', 'portOutputEnergy/ac lifetime', 'outputEnergy lifetime']);
  assert.deepEqual(how('delta_pro'), ['portInputEnergy/ac lifetime', 'portOutputEnergy/ac lifetime', 'portInputEnergy/solar lifetime']);
  for (const id of ['delta3', 'delta_pro_3', 'stream', 'powerocean'])
    assert.deepEqual(how(id), ['batteryChargeEnergy lifetime', 'batteryDischargeEnergy lifetime'], id);
  assert.deepEqual(how('smart_home_panel'), ['gridImportEnergy daily', 'batteryDischargeEnergy daily', 'loadEnergy daily']);
  assert.deepEqual(
    energyPlan(family('smart_home_panel')).circuits.map((c) => c.source),
    ['grid', 'battery'],
  );
  for (const id of ['delta_pro_ultra', 'powerstream', 'smart_plug', 'glacier', 'wave2']) assert.deepEqual(family(id).energy.rows, [], id);
});

test('no raw-only rule or unmapped entry names a key an energy row reads', () => {
  for (const f of FAMILIES) {
    const read = new Set(f.energy.rows.flatMap(energyRowInputs));
    for (const rule of f.rawOnly) {
      for (const key of rule.keys ?? []) assert.ok(!read.has(key), `${f.id}: ${key} is raw-only and read by an energy row`);
      for (const prefix of rule.prefixes ?? [])
        for (const key of read) assert.ok(!key.startsWith(prefix), `${f.id}: ${key} read by an energy row, under raw-only ${prefix}`);
    }
    for (const u of f.unmapped) assert.ok(!read.has(u.key), `${f.id}: ${u.key} is unmapped and read by an energy row`);
  }
});

test('energy rows cite known sources, and every tag their evidence names', () => {
  const defined = new Set<string>(SOURCES.map((s) => s.tag));
  const exact = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+|\[\d+\])*$/;
  for (const f of FAMILIES) {
    for (const row of f.energy.rows as readonly EnergyRow[]) {
      const where = `${f.id} energy ${row.metric}`;
      assert.ok(row.tags.length > 0, `${where}: no tag`);
      for (const tag of row.tags) assert.ok(defined.has(tag), `${where}: unknown tag ${tag}`);
      for (const tag of defined)
        if (new RegExp(`\\b${tag}\\b`).test(row.evidence)) assert.ok((row.tags as readonly string[]).includes(tag), `${where}: names ${tag} without citing it`);
      for (const key of energyRowInputs(row)) assert.match(key, exact, `${where}: key ${key}`);
    }
  }
});
