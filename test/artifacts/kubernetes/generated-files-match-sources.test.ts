/**
 * The copies under deploy/kubernetes/ against their sources: prometheus/alerts.yml and
 * otel-collector.yaml. This test only reads; `npm run update-kubernetes` writes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from '../../helpers/doc-sections.js';
import {
  ALERT_RULES_FILE,
  COLLECTOR_CONFIG_FILE,
  COLLECTOR_CONFIG_SOURCE,
  generatedKubernetesFiles,
  PROMETHEUS_RULE_FILE,
  portOf,
  remoteWriteUrl,
  SIDECAR,
} from '../../helpers/kubernetes-files.js';

const read = (file: string) => readFileSync(repoPath(file), 'utf8');

test("the PrometheusRule's groups are prometheus/alerts.yml's groups", () => {
  const rule = parse(read(PROMETHEUS_RULE_FILE));
  assert.deepEqual(rule.spec.groups, parse(read(ALERT_RULES_FILE)).groups, `${PROMETHEUS_RULE_FILE} is stale: npm run update-kubernetes`);
  assert.deepEqual(Object.keys(rule.spec), ['groups']);
});

test('each generated file is what `npm run update-kubernetes` writes, comments included', () => {
  for (const { file, text } of generatedKubernetesFiles()) {
    assert.ok(existsSync(repoPath(file)), `${file} missing: npm run update-kubernetes`);
    assert.equal(read(file), text, `${file} is stale: npm run update-kubernetes`);
    assert.match(text, /^# GENERATED from /, `${file} says it is generated`);
  }
});

/** Every leaf path (`a.b.0.c`) with its value. */
function leaves(value: unknown, path: string[] = [], out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) leaves(item, [...path, key], out);
  } else {
    out.set(path.join('.'), value);
  }
  return out;
}

test("the sidecar's collector config is otel-collector.yaml with exactly the three changes its header lists", () => {
  const source = leaves(parse(read(COLLECTOR_CONFIG_SOURCE)));
  const copy = leaves(parse(read(COLLECTOR_CONFIG_FILE)));
  const changed = [...new Set([...source.keys(), ...copy.keys()])].filter((path) => source.get(path) !== copy.get(path)).sort();
  assert.deepEqual(changed, [
    'exporters.prometheusremotewrite.endpoint',
    'extensions.health_check.endpoint',
    'receivers.otlp.protocols.grpc.endpoint',
    'receivers.otlp.protocols.http.endpoint',
    'service.extensions.0',
  ]);
  // 1. Receivers on loopback, their ports unchanged.
  for (const protocol of ['grpc', 'http']) {
    const path = `receivers.otlp.protocols.${protocol}.endpoint`;
    assert.equal(copy.get(path), `${SIDECAR.receiverHost}:${portOf(source.get(path) as string)}`);
  }
  // 2. health_check, switched on, on every address of the pod (IPv4 and IPv6).
  assert.equal(copy.get('extensions.health_check.endpoint'), `:${SIDECAR.healthPort}`);
  assert.equal(copy.get('service.extensions.0'), 'health_check');
  // 3. The remote-write URL from the environment; the original is kept to be set there.
  assert.equal(copy.get('exporters.prometheusremotewrite.endpoint'), `\${env:${SIDECAR.remoteWriteEnv}}`);
  assert.equal(remoteWriteUrl(), source.get('exporters.prometheusremotewrite.endpoint'));
  // The header tells a reader the same.
  const header = read(COLLECTOR_CONFIG_FILE).split('\n\n')[0]!;
  for (const said of [SIDECAR.receiverHost, 'health_check', String(SIDECAR.healthPort), SIDECAR.remoteWriteEnv, remoteWriteUrl()]) {
    assert.ok(header.includes(said), `the header mentions ${said}`);
  }
});
