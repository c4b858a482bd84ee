import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

test('the dashboard queries only metric names the exporter produces, and has a device variable', () => {
  const dashboard = JSON.parse(readFileSync(root('grafana/ecoflow-overview.json'), 'utf8'));
  const golden = readFileSync(root('test/fixtures/metrics/still-fleet.prom'), 'utf8');
  const produced = new Set(golden.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
  produced.add('ecoflow_connection_errors_total'); // only present after a failed poll

  const device = dashboard.templating.list.find((v: { name: string }) => v.name === 'device');
  assert.equal(device?.definition, 'label_values(ecoflow_online, device)');
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
  assert.ok(exprs.length >= 8);
  for (const expr of exprs) {
    assert.match(expr, /device=~"\$device"/, expr);
    for (const name of expr.match(/ecoflow_[a-z0-9_]+/g) ?? []) assert.ok(produced.has(name), `${name} in ${expr}`);
  }
});
