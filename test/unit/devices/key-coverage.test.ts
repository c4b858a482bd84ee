import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { matchFamily } from '../../../src/devices/detect-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { accountFor, leafPaths, rowInputs, unaccountedKeys } from '../../helpers/key-coverage.js';
import { energyRowInputs } from '../../../src/energy/energy-plan.js';
import { payload } from '../../../src/simulator/fleet.js';
import { quotaMap } from '../../helpers/unified.js';

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
