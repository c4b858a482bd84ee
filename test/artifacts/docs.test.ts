import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { parse } from 'yaml';
import {
  GENERATED_SECTIONS,
  HAND_WRITTEN_SECTIONS,
  between,
  docFiles,
  fencedAfter,
  linkTargets,
  readDoc,
  repoPath,
  sectionMarkers,
} from '../helpers/doc-sections.js';
import { configTable } from '../tools/doc-tables/config-table.js';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { createSnapshotGauges } from '../../src/metrics/create-snapshot-gauges.js';
import { PrometheusReader } from '../../src/export/prometheus-reader.js';

const README = readDoc('README.md');

function fenced(file: string, name: string): string {
  const block = fencedAfter(readDoc(file), name);
  assert.ok(block !== undefined, `${file} has no <!-- ${name} --> block`);
  return block;
}

for (const [name, { file, make }] of Object.entries(GENERATED_SECTIONS)) {
  test(`${file}: ${name} is the one the code makes (npm run update-docs rewrites it)`, () => {
    const text = readDoc(file);
    const section = between(text, name);
    assert.ok(section !== undefined, `${file} has no ${name} section`);
    assert.equal(section, make());
  });
}

test('every generated section in the docs has a generator, and each generator is placed exactly once, in its file', () => {
  const found = new Map<string, string[]>();
  for (const file of docFiles()) {
    for (const name of sectionMarkers(readDoc(file))) found.set(name, [...(found.get(name) ?? []), file]);
  }
  for (const [name, files] of found) {
    assert.ok(name in GENERATED_SECTIONS || HAND_WRITTEN_SECTIONS.has(name), `section ${name} (${files.join(', ')}) has no generator`);
  }
  for (const [name, { file }] of Object.entries(GENERATED_SECTIONS)) {
    assert.deepEqual(found.get(name), [file], `${name} belongs once in ${file}`);
  }
});

test('docs/operations.md lists exactly the alerts of prometheus/alerts.yml', () => {
  const rules = parse(readFileSync(repoPath('prometheus/alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert?: string }> }>;
  };
  const alerts = rules.groups
    .flatMap((g) => g.rules.map((r) => r.alert))
    .filter(Boolean)
    .sort();
  const section = between(readDoc('docs/operations.md'), 'alerts');
  assert.ok(section !== undefined, 'docs/operations.md has no alerts section');
  const listed = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(listed, alerts);
});

/** The series the exporter makes for the naming example's payload (raw only), sorted. */
async function exampleSeries(): Promise<string[]> {
  const snapshot = new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  // The example is about raw naming: the unified layer is described in its own section.
  createSnapshotGauges({ meter: provider.getMeter('docs'), snapshot, prefix: 'ecoflow', unified: false }).start();
  snapshot.setDevices([{ sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2', online: true }]);
  snapshot.replaceQuotas('R331ZEB4ZEAL0528', JSON.parse(fenced('docs/metrics.md', 'example:payload')), Date.now());
  // The last-update time and the exporter's own metrics are described beside the example.
  const produced = (await reader.render()).split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('ecoflow_last_update_timestamp_seconds'));
  await provider.shutdown();
  return produced.sort();
}

test('the naming example in docs/metrics.md is what the exporter produces', async () => {
  assert.deepEqual(await exampleSeries(), fenced('docs/metrics.md', 'example:series').trim().split('\n').sort());
});

test("the README's metrics sample is part of what the exporter produces for that example", async () => {
  const produced = new Set(await exampleSeries());
  for (const line of fenced('README.md', 'example:sample').trim().split('\n')) {
    assert.ok(produced.has(line), `not produced: ${line}`);
  }
});

test("the README's short option table names real options with their defaults", () => {
  const full = configTable();
  const rows = [...README.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| (.*?) \|/gm)];
  assert.ok(rows.length >= 5, 'the README has its option table');
  for (const [, names, fallback] of rows) {
    for (const name of names!.match(/[A-Z_]+/g)!) {
      const row = full.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      assert.ok(row, `${name} is an option (docs/configuration.md)`);
      const fullDefault = row.split(' | ')[3]!;
      if (fallback!.startsWith('`')) assert.equal(fallback, fullDefault, `${name}'s default`);
      else assert.ok(fallback!.startsWith('(empty'), `${name}'s default: ${fallback}`);
    }
  }
});

test('the README opens with the two commands', () => {
  const firstScreen = README.split('\n').slice(0, 30).join('\n');
  assert.match(firstScreen, /npm install && npm run demo/);
  assert.match(firstScreen, /npm install && npm test/);
  assert.match(readFileSync(repoPath('.ci/run'), 'utf8'), /^npm install .*&& npm test$/m);
});

test('`npm run demo` runs the exporter as `npm start` does, with --demo', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.demo, `${pkg.scripts.start} --demo`);
});

test('the README stays short: what to start with fits in 210 lines', () => {
  assert.ok(README.split('\n').length <= 210, `README.md has ${README.split('\n').length} lines`);
});

test("the docs point to nothing readers do not have (the maintainers' notes)", () => {
  for (const file of docFiles()) {
    const text = readDoc(file);
    for (const word of ['shared/', 'ecoflow-units']) assert.ok(!text.includes(word), `${file} mentions ${word}`);
  }
});

test('the user pages send readers into no source or test file: no link into src/ or test/, no `src/…` or `test/…` path', () => {
  for (const file of docFiles().filter((f) => f !== 'CONTRIBUTING.md')) {
    const text = readDoc(file);
    const links = linkTargets(text).filter((t) => /^(?:\.\.\/)*(?:src|test)\//.test(t));
    assert.deepEqual(links, [], `${file} links into src/ or test/ (facts go on the page, developer material in CONTRIBUTING.md)`);
    // Paths of other repositories (the sources legend's) may start with src/ or test/ too: only ours count.
    const ours = (path: string) => existsSync(repoPath(path.split('/').slice(0, 2).join('/')));
    const paths = [...text.matchAll(/`((?:src|test)\/[^`]*)`/g)].map((m) => m[1]!).filter(ours);
    assert.deepEqual(paths, [], `${file} names files of src/ or test/ (facts go on the page, developer material in CONTRIBUTING.md)`);
  }
});
