import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { parse } from 'yaml';
import { README_TABLES } from '../helpers/readme-tables.js';
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { snapshotMetrics } from '../../src/telemetry/snapshot-metrics.js';
import { PrometheusReader } from '../../src/telemetry/prometheus-reader.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

/** The fenced block that follows `<!-- marker -->`, or the text between start/end markers. */
function section(marker: string): string {
  const fenced = new RegExp(`<!-- ${marker} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (fenced) return fenced[1]!;
  const between = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(README);
  assert.ok(between, `README has no ${marker} section`);
  return between[1]!;
}

for (const [name, make] of Object.entries(README_TABLES)) {
  test(`the README's ${name} is the one the code makes (npm run update-readme rewrites it)`, () => {
    assert.equal(section(name), make());
  });
}

test('the README lists exactly the alerts of prometheus/alerts.yml', () => {
  const rules = parse(readFileSync(fileURLToPath(new URL('../../../prometheus/alerts.yml', import.meta.url)), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert?: string }> }>;
  };
  const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter(Boolean).sort();
  const listed = [...section('alerts').matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(listed, alerts);
});

test('the README naming example is what the exporter produces', async () => {
  const snapshot = new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  // The example is about raw naming: the unified layer is described in its own section.
  snapshotMetrics({ meter: provider.getMeter('readme'), snapshot, prefix: 'ecoflow', unified: false }).start();
  snapshot.setDevices([{ sn: 'R331ZEB4ZEAL0528', name: 'DELTA 2-Garage', productName: 'DELTA 2', online: true }]);
  snapshot.replaceQuotas('R331ZEB4ZEAL0528', JSON.parse(section('example:payload')), Date.now());
  // The last-update time and the exporter's own metrics are described beside the example.
  const produced = (await reader.render())
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('ecoflow_last_update_timestamp_seconds'));
  assert.deepEqual(produced.sort(), section('example:series').trim().split('\n').sort());
  await provider.shutdown();
});

test('the README opens with the two commands', () => {
  const firstScreen = README.split('\n').slice(0, 30).join('\n');
  assert.match(firstScreen, /npm install && npm run demo/);
  assert.match(firstScreen, /npm install && npm test/);
  assert.match(readFileSync(fileURLToPath(new URL('../../../.ci/run', import.meta.url)), 'utf8'), /^npm install .*&& npm test$/m);
});

test('`npm run demo` runs the exporter as `npm start` does, with --demo', () => {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.demo, `${pkg.scripts.start} --demo`);
});
