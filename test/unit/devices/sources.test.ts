import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from '../../../src/devices/families.js';
import { SOURCES } from '../../../src/devices/sources.js';
import { sourcesLegend } from '../../tools/doc-tables/device-tables.js';

const DEFINED = new Set<string>(SOURCES.map((s) => s.tag));

/** Everything in the tables that cites sources: rows, unmapped keys, raw-only rules. */
function citations(): Array<{ where: string; tags: readonly string[]; text: string; required: boolean }> {
  return FAMILIES.flatMap((f) => [
    ...f.rows.map((r) => ({ where: `${f.id} row ${String(r.key)}`, tags: r.tags, text: r.evidence, required: true })),
    ...f.unmapped.map((u) => ({ where: `${f.id} unmapped ${u.key}`, tags: u.tags ?? [], text: u.reason, required: false })),
    ...f.rawOnly.map((r) => ({ where: `${f.id} raw-only ${r.reason}`, tags: r.tags ?? [], text: r.reason, required: false })),
    { where: `${f.id} identity`, tags: f.identityTags ?? [], text: '', required: false },
  ]);
}

test('the legend defines each tag once, with a repository and a path', () => {
  assert.equal(DEFINED.size, SOURCES.length, 'no tag twice');
  for (const s of SOURCES) {
    assert.match(s.tag, /^[A-Z]+$/, s.tag);
    assert.match(s.repo, /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, `${s.tag}: owner/name`);
    assert.ok(s.paths.length > 0 && s.paths.every((p) => p.trim() !== ''), `${s.tag}: a path`);
    assert.ok(s.what.length > 10, `${s.tag}: what it is`);
  }
});

test('every row cites at least one tag, and only tags the legend defines', () => {
  for (const c of citations()) {
    if (c.required) assert.ok(c.tags.length > 0, `${c.where}: no tag`);
    for (const tag of c.tags) assert.ok(DEFINED.has(tag), `${c.where}: unknown tag ${tag}`);
  }
});

test('a tag the text names is among the tags it cites', () => {
  for (const c of citations()) {
    for (const tag of DEFINED) {
      if (new RegExp(`\\b${tag}\\b`).test(c.text)) assert.ok(c.tags.includes(tag), `${c.where}: names ${tag} without citing it`);
    }
  }
});

test('every tag of the legend is cited somewhere: no dead entries', () => {
  const cited = new Set(citations().flatMap((c) => c.tags));
  assert.deepEqual(
    [...DEFINED].filter((t) => !cited.has(t)),
    [],
  );
});

test('the legend renders as a markdown table, one line per tag', () => {
  const lines = sourcesLegend().split('\n');
  assert.equal(lines.length, SOURCES.length + 2);
  for (const s of SOURCES)
    assert.ok(
      lines.some((l) => l.startsWith(`| ${s.tag} |`) && l.includes(s.repo)),
      s.tag,
    );
});

test('device knowledge points at nothing outside the repository', () => {
  const texts = citations().map((c) => c.text);
  for (const dir of ['src/devices', 'src/simulator', 'test/unit/devices']) {
    const abs = fileURLToPath(new URL(`../../../../${dir}/`, import.meta.url));
    for (const file of readdirSync(abs).filter((f) => f.endsWith('.ts'))) texts.push(`${dir}/${file}: ${readFileSync(abs + file, 'utf8')}`);
  }
  for (const text of texts) assert.doesNotMatch(text, /ecoflow-units\.md|ecoflow-api\.md|\.\.\/shared|shared\/payloads/, text.slice(0, 80));
});
