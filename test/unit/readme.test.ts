import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { configTable } from '../../src/config/config-table.js';
import { metricsTable } from '../../src/telemetry/metrics-table.js';
import { QuotaSnapshot } from '../../src/poller/quota-snapshot.js';
import { QuotaInstruments } from '../../src/telemetry/quota-instruments.js';
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

test('the README configuration table is the one the schema makes', () => {
  assert.equal(section('config-table'), configTable());
});

test('the README table of the exporter\'s own metrics is the one the code uses', () => {
  assert.equal(section('metrics-table'), metricsTable());
});

test('the README naming example is what the exporter produces', async () => {
  const snapshot = new QuotaSnapshot();
  const reader = new PrometheusReader({ cardinalityLimit: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  new QuotaInstruments({ meter: provider.getMeter('readme'), snapshot, prefix: 'ecoflow' }).start();
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
