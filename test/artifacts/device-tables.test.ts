import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from '../../src/devices/families.js';
import { coverageMatrix, familyFile, familyNotes, sourcesLegend } from '../tools/doc-tables/device-tables.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('each family lives in the file named after its id, and that file exports that family alone', () => {
  const files = new Set<string>();
  for (const f of FAMILIES) {
    const file = familyFile(f);
    assert.ok(existsSync(ROOT + file), `${f.id}: ${file}`);
    files.add(file);
    const exported = [...readFileSync(ROOT + file, 'utf8').matchAll(/^export (?:const|function|type|interface) (\w+)/gm)].map((m) => m[1]);
    assert.equal(exported.length, 1, `${file} exports ${exported.join(', ')}`);
  }
  // The other files of the folder declare no family: shared rows live in *-generation.ts.
  for (const name of readdirSync(`${ROOT}src/devices`).filter((n) => n.endsWith('.ts'))) {
    if (files.has(`src/devices/${name}`)) continue;
    assert.doesNotMatch(readFileSync(`${ROOT}src/devices/${name}`, 'utf8'), /: DeviceFamily = \{/, `${name} declares a family`);
  }
});

test('the coverage matrix is a markdown table: one column per family on every line', () => {
  const lines = coverageMatrix().split('\n');
  assert.equal(lines.length, 2 + new Set(lines.slice(2).map((l) => l.split(' | ')[0])).size);
  for (const line of lines) assert.equal(line.split('|').length - 2, FAMILIES.length + 1, line);
});

test('the sources legend is a markdown table with no stray cell separators', () => {
  for (const line of sourcesLegend().split('\n')) assert.equal(line.split('|').length, 6, line);
});

test('family notes: one entry per family, each unmapped reason once, every line a list item', () => {
  const notes = familyNotes();
  for (const line of notes.split('\n')) assert.match(line, /^(- \*\*| {2}- )/, line);
  const blocks = notes.split(/\n(?=- \*\*)/);
  assert.equal(blocks.length, FAMILIES.length);
  FAMILIES.forEach((f, i) => {
    const lines = blocks[i]!.split('\n').slice(1);
    const reasons = new Set(f.unmapped.map((u) => `${u.reason} ${(u.tags ?? []).join()}`));
    assert.equal(lines.filter((l) => !l.startsWith('  - raw only: ')).length, reasons.size, f.id);
    assert.equal(lines.filter((l) => l.startsWith('  - raw only: ')).length, f.rawOnly.length, f.id);
  });
});
