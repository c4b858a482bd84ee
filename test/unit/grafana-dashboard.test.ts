import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { flattenQuota } from '../../src/telemetry/quota-series.js';
import { quotaMetricName } from '../../src/telemetry/metric-names.js';
import { payload } from '../../src/simulator/fleet.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** Every metric name the ten real payloads produce, plus the exporter's own. */
function producedNames(): Set<string> {
  const names = new Set(['ecoflow_online', 'ecoflow_connection_errors_total']);
  const dir = root('src/simulator/payloads/');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const [key, value] of Object.entries(payload(JSON.parse(readFileSync(dir + file, 'utf8'))))) {
      for (const sample of flattenQuota(key, value)) names.add(quotaMetricName('ecoflow', sample.name));
    }
  }
  return names;
}

test('the dashboard queries only metric names the exporter produces, and has a device variable', () => {
  const dashboard = JSON.parse(readFileSync(root('grafana/ecoflow-overview.json'), 'utf8'));
  const produced = producedNames();

  const device = dashboard.templating.list.find((v: { name: string }) => v.name === 'device');
  assert.equal(device?.definition, 'label_values(ecoflow_online, device)');
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
  assert.ok(exprs.length >= 8);
  for (const expr of exprs) {
    assert.match(expr, /device=~"\$device"/, expr);
    for (const name of expr.match(/ecoflow_[a-z0-9_]+/g) ?? []) assert.ok(produced.has(name), `${name} in ${expr}`);
  }
});
