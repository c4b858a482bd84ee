/**
 * The PrometheusRule as the Operator receives it (rendered by kubectl kustomize), its groups
 * written to a rule file of their own: promtool must accept them, and the rule unit tests of
 * prometheus/alerts.test.yml must pass against them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoPath } from '../../helpers/doc-sections.js';
import { needs, promtool } from '../../helpers/external-servers.js';
import { ALERT_RULES_FILE } from '../../helpers/kubernetes-files.js';
import { KUBERNETES_DIR, kustomize, only } from '../../helpers/kubernetes.js';

/** A scratch folder holding the rendered rule's groups as rules.yml. */
function withRenderedRules(check: (dir: string, ruleCount: number) => void): void {
  const rule = only(kustomize(`${KUBERNETES_DIR}/overlays/prometheus-operator`), 'PrometheusRule');
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-rule-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), stringify({ groups: rule.spec.groups }));
    check(dir, rule.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules).length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("promtool check rules accepts the rendered PrometheusRule's groups", { ...needs('kubectl'), ...needs('promtool') }, () => {
  withRenderedRules((dir, ruleCount) => {
    assert.ok(ruleCount > 0);
    assert.match(promtool('check', 'rules', join(dir, 'rules.yml')), new RegExp(`SUCCESS: ${ruleCount} rules found`));
  });
});

test("prometheus/alerts.test.yml passes against the rendered PrometheusRule's groups", { ...needs('kubectl'), ...needs('promtool') }, () => {
  const tests = parse(readFileSync(repoPath('prometheus/alerts.test.yml'), 'utf8'));
  // The unit tests name alerts.yml; the copy names the extracted file instead.
  assert.deepEqual(tests.rule_files, [ALERT_RULES_FILE.split('/').at(-1)]);
  withRenderedRules((dir) => {
    writeFileSync(join(dir, 'alerts.test.yml'), stringify({ ...tests, rule_files: ['rules.yml'] }));
    assert.match(promtool('test', 'rules', join(dir, 'alerts.test.yml')), /SUCCESS/);
  });
});
