import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { needs, promtool } from '../helpers/external-servers.js';

const RULES = fileURLToPath(new URL('../../../prometheus/alerts.yml', import.meta.url));
const RULE_TESTS = fileURLToPath(new URL('../../../prometheus/alerts.test.yml', import.meta.url));

const ALERTS = [
  'EcoflowDeviceOffline',
  'EcoflowBatteryLow',
  'EcoflowAcInputLost',
  'EcoflowBatteryHot',
  'EcoflowDataStale',
  'EcoflowApiFailing',
  'EcoflowEnergyStateNotWritten',
];

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }>;
}

const rules = (): Rule[] => (parse(readFileSync(RULES, 'utf8')).groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules);
const ruleTests = (): AlertTest[] =>
  (parse(readFileSync(RULE_TESTS, 'utf8')).tests as Array<{ alert_rule_test?: AlertTest[] }>).flatMap((t) => t.alert_rule_test ?? []);

test('promtool accepts the alert rules', needs('promtool'), () => {
  assert.match(promtool('check', 'rules', RULES), /SUCCESS: 7 rules found/);
});

test('the alert rules pass their promtool unit tests', needs('promtool'), () => {
  assert.match(promtool('test', 'rules', RULE_TESTS), /SUCCESS/);
});

test('one group with exactly the documented alerts, each explained and with a severity', () => {
  const groups = parse(readFileSync(RULES, 'utf8')).groups;
  assert.equal(groups.length, 1);
  assert.deepEqual(
    rules().map((r) => r.alert),
    ALERTS,
  );
  for (const rule of rules()) {
    assert.ok(rule.annotations?.summary, `${rule.alert}: summary`);
    assert.ok(rule.annotations?.description, `${rule.alert}: description`);
    assert.match(`${rule.annotations.summary} ${rule.annotations.description}`, /\$labels\.device_name|\$value/, `${rule.alert} is templated`);
    assert.ok(['warning', 'critical'].includes(rule.labels?.severity ?? ''), `${rule.alert}: severity`);
  }
});

test('every alert carries device and device_name labels', () => {
  // Per-device alerts keep them from their series; promtool compares whole label sets, so the
  // unit tests' expected labels prove it.
  const tests = ruleTests();
  for (const alert of ALERTS) {
    const firing = tests.filter((t) => t.alertname === alert).flatMap((t) => t.exp_alerts ?? []);
    assert.ok(firing.length > 0, `${alert} has a firing case`);
    for (const expected of firing) {
      assert.ok(expected.exp_labels?.device, `${alert}: device label`);
      assert.ok(expected.exp_labels?.device_name, `${alert}: device_name label`);
      assert.ok(expected.exp_annotations?.summary && expected.exp_annotations.description, `${alert}: annotations checked`);
    }
  }
  // The account-wide alert has them as static labels, and says so.
  const api = rules().find((r) => r.alert === 'EcoflowApiFailing')!;
  assert.deepEqual({ device: api.labels?.device, device_name: api.labels?.device_name }, { device: 'all', device_name: 'all devices' });
  assert.match(api.annotations!.description!, /all devices/);
});

test('every alert has a case where it must stay silent', () => {
  const tests = ruleTests();
  for (const alert of ALERTS) {
    assert.ok(
      tests.some((t) => t.alertname === alert && (t.exp_alerts ?? []).length === 0),
      `${alert} has a negative case`,
    );
  }
});

test('battery-low and AC-loss alerts only concern online devices', () => {
  for (const alert of ['EcoflowBatteryLow', 'EcoflowAcInputLost', 'EcoflowDataStale']) {
    assert.match(rules().find((r) => r.alert === alert)!.expr, /and on\s*\(device\)\s*ecoflow_online == 1/, alert);
  }
});
