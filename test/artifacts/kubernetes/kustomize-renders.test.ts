import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { readDoc } from '../../helpers/doc-sections.js';
import { needs } from '../../helpers/external-servers.js';
import { components, find, KUBERNETES_DIR, kustomizations, kustomize, kustomizeOwn, type Manifest, manifestProblems, only } from '../../helpers/kubernetes.js';

/** `Kind name` of each object, sorted; generated ConfigMaps without their hash suffix. */
const inventory = (objects: Manifest[]) =>
  objects.map((o) => `${o.kind} ${o.kind === 'ConfigMap' ? o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>') : o.metadata.name}`).sort();

const BASE = ['Deployment ecoflow-exporter', 'PersistentVolumeClaim ecoflow-exporter-energy-state', 'Service ecoflow-exporter'];

test('kubectl kustomize renders the base and every overlay, each with the objects it promises, all valid', needs('kubectl'), async () => {
  const expected: Record<string, string[]> = {
    [KUBERNETES_DIR]: BASE,
    [`${KUBERNETES_DIR}/overlays/otlp-sidecar`]: [
      'ConfigMap otel-collector-config-<hash>',
      'Deployment ecoflow-exporter',
      'PersistentVolumeClaim ecoflow-exporter-energy-state',
    ],
    [`${KUBERNETES_DIR}/overlays/prometheus-operator`]: [...BASE, 'PrometheusRule ecoflow-exporter', 'ServiceMonitor ecoflow-exporter'].sort(),
  };
  assert.deepEqual(kustomizations(), Object.keys(expected), 'a new overlay is listed here, with what it renders');
  for (const dir of kustomizations()) {
    const objects = kustomize(dir);
    assert.deepEqual(inventory(objects), expected[dir], dir);
    assert.deepEqual(await manifestProblems(objects), [], dir);
  }
});

test('the prometheus-operator overlay is the base plus its component, the base unchanged', needs('kubectl'), () => {
  const base = kustomize(KUBERNETES_DIR);
  const overlay = kustomize(`${KUBERNETES_DIR}/overlays/prometheus-operator`);
  assert.deepEqual(
    overlay.filter((o) => !['ServiceMonitor', 'PrometheusRule'].includes(o.kind)),
    base,
  );
  assert.deepEqual(kustomize(`${KUBERNETES_DIR}/base`), base, 'deploy/kubernetes renders base/ as it is');
});

test('every component renders on top of the base, valid', needs('kubectl'), async () => {
  assert.deepEqual(components(), [`${KUBERNETES_DIR}/components/energy-state-emptydir`, `${KUBERNETES_DIR}/components/prometheus-operator`]);
  for (const component of components()) {
    const objects = kustomizeOwn(`resources: [../ecoflow-exporter/${KUBERNETES_DIR}]\ncomponents: [../ecoflow-exporter/${component}]\n`);
    assert.deepEqual(await manifestProblems(objects), [], component);
  }
});

test('the emptyDir component puts the state folder on an emptyDir and drops the claim', needs('kubectl'), () => {
  const base = kustomize(KUBERNETES_DIR);
  const objects = kustomizeOwn(
    `resources: [../ecoflow-exporter/${KUBERNETES_DIR}]\ncomponents: [../ecoflow-exporter/${KUBERNETES_DIR}/components/energy-state-emptydir]\n`,
  );
  assert.deepEqual(find(objects, 'PersistentVolumeClaim'), []);
  const volumes = only(objects, 'Deployment').spec.template.spec.volumes;
  assert.deepEqual(volumes, [{ name: 'energy-state', emptyDir: { sizeLimit: '16Mi' } }]);
  // Everything else as in the base.
  const pod = structuredClone(only(base, 'Deployment'));
  pod.spec.template.spec.volumes = volumes;
  assert.deepEqual(only(objects, 'Deployment'), pod);
});

/** What a kustomization's patches set in the environment: container name → variable → value. */
function patchedEnv(kustomization: any): Map<string, Map<string, string>> {
  const env = new Map<string, Map<string, string>>();
  for (const { patch } of kustomization.patches ?? []) {
    const pod = parse(patch).spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      for (const { name, value } of container.env ?? []) env.set(container.name, (env.get(container.name) ?? new Map()).set(name, value));
    }
  }
  return env;
}

test("docs/operations.md: each kustomization of one's own renders, valid, with the namespace, image and variables it sets", needs('kubectl'), async () => {
  const blocks = [...readDoc('docs/operations.md').matchAll(/```yaml\n(# my-ecoflow\/kustomization\.yaml[^\n]*\n[\s\S]*?)```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 2, 'the examples starting with # my-ecoflow/kustomization.yaml');
  const examples = blocks.map((block) => ({ own: parse(block), objects: kustomizeOwn(block) }));
  for (const { own, objects } of examples) {
    assert.deepEqual(await manifestProblems(objects), []);
    assert.ok(objects.every((o) => o.metadata.namespace === own.namespace));
    const pod = only(objects, 'Deployment').spec.template.spec;
    const containers = new Map<string, any>([...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c]));
    for (const [name, variables] of patchedEnv(own)) {
      for (const [variable, value] of variables) {
        assert.equal(containers.get(name).env.find((e: { name: string }) => e.name === variable)?.value, value, `${name}: ${variable}`);
      }
    }
    for (const image of own.images ?? []) assert.equal(containers.get('ecoflow-exporter').image, `${image.newName}:${image.newTag}`);
  }
  const [operator, sidecar] = examples;
  assert.ok(find(operator!.objects, 'ServiceMonitor').length === 1, 'the first builds on the Operator overlay');
  // The region comes from the Secret; the example sets an option of its own.
  assert.equal(patchedEnv(operator!.own).get('ecoflow-exporter')?.get('COLLECTING_INTERVAL'), '30');
  assert.ok(patchedEnv(sidecar!.own).get('otel-collector')?.has('PROMETHEUS_REMOTE_WRITE_URL'), 'the second sets the remote-write URL');
});
