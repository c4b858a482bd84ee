/**
 * The checks of test/helpers/kubernetes.ts fed broken objects: each mistake must be reported.
 * The objects are the base's files as written (no kubectl needed), then broken one way each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from '../../helpers/doc-sections.js';
import { KUBERNETES_DIR, type Manifest, manifestProblems, only, referenceProblems, schemaProblems, unknownFields } from '../../helpers/kubernetes.js';

const read = (file: string) => parse(readFileSync(repoPath(`${KUBERNETES_DIR}/${file}`), 'utf8')) as Manifest;

/** The base and the Operator's objects, fresh for each test to break. */
const objects = (): Manifest[] => [
  read('base/deployment.yaml'),
  read('base/service.yaml'),
  read('base/persistentvolumeclaim.yaml'),
  read('components/prometheus-operator/servicemonitor.yaml'),
  read('components/prometheus-operator/prometheusrule.yaml'),
];
const container = (o: Manifest[]) => only(o, 'Deployment').spec.template.spec.containers[0];

test('the objects as written pass every check', async () => {
  assert.deepEqual(await manifestProblems(objects()), []);
});

test("kubernetes-models' validate() alone accepts misspelled fields: the reason for unknownFields", async () => {
  // If this starts failing, validate() has become strict by itself: unknownFields may go.
  const o = objects();
  const exporter = container(o);
  exporter.readinesProbe = exporter.readinessProbe;
  delete exporter.readinessProbe;
  only(o, 'ServiceMonitor').spec.endpoints[0].prot = 'metrics';
  assert.deepEqual(await schemaProblems(o), []);
  assert.equal(unknownFields(o).length, 2);
});

test('a misspelled field fails, at any depth and in every kind', () => {
  const o = objects();
  const exporter = container(o);
  exporter.readinesProbe = exporter.readinessProbe;
  delete exporter.readinessProbe;
  exporter.ports[0].containerPortt = 9090;
  exporter.securityContext.readOnlyRootFileSystem = true;
  only(o, 'Deployment').spec.template.spec.securityContext.runAsNonroot = true;
  only(o, 'Deployment').metadata.label = {};
  only(o, 'Service').spec.ports[0].targetport = 'metrics';
  only(o, 'PersistentVolumeClaim').spec.accesModes = ['ReadWriteOnce'];
  only(o, 'ServiceMonitor').spec.endpoints[0].intervall = '30s';
  only(o, 'PrometheusRule').spec.groups[0].rules[0].exprr = 'up';
  assert.deepEqual(unknownFields(o).sort(), [
    'Deployment ecoflow-exporter: metadata.label: no such field in IObjectMeta',
    'Deployment ecoflow-exporter: spec.template.spec.containers[0].ports[0].containerPortt: no such field in IContainerPort',
    'Deployment ecoflow-exporter: spec.template.spec.containers[0].readinesProbe: no such field in IContainer',
    'Deployment ecoflow-exporter: spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: no such field in ISecurityContext',
    'Deployment ecoflow-exporter: spec.template.spec.securityContext.runAsNonroot: no such field in IPodSecurityContext',
    'PersistentVolumeClaim ecoflow-exporter-energy-state: spec.accesModes: no such field in IPersistentVolumeClaimSpec',
    'PrometheusRule ecoflow-exporter: spec.groups[0].rules[0].exprr: no such field in IRule',
    'Service ecoflow-exporter: spec.ports[0].targetport: no such field in IServicePort',
    'ServiceMonitor ecoflow-exporter: spec.endpoints[0].intervall: no such field in IEndpoint',
  ]);
});

test('a misspelled field replacing a required one, or a value of the wrong type, fails validate()', async () => {
  const o = objects();
  const [port] = container(o).ports;
  port.containerPortt = port.containerPort;
  delete port.containerPort;
  only(o, 'Service').spec.ports[0].port = '9090';
  const problems = (await schemaProblems(o)).join('\n');
  assert.match(problems, /containers\/0\/ports\/0 must have required property containerPort/);
  assert.match(problems, /ports\/0\/port must be integer/);
});

test('a probe on a port the container does not declare fails, by name or by number', () => {
  const o = objects();
  const exporter = container(o);
  exporter.livenessProbe.httpGet.port = 'metric';
  exporter.readinessProbe.httpGet.port = 9091;
  exporter.startupProbe = { tcpSocket: { port: 'http' } };
  assert.deepEqual(referenceProblems(o), [
    'Deployment ecoflow-exporter: container ecoflow-exporter: livenessProbe asks port metric, which the container does not declare',
    'Deployment ecoflow-exporter: container ecoflow-exporter: readinessProbe asks port 9091, which the container does not declare',
    'Deployment ecoflow-exporter: container ecoflow-exporter: startupProbe asks port http, which the container does not declare',
  ]);
  exporter.livenessProbe.httpGet.port = 'metrics';
  exporter.readinessProbe.httpGet.port = 9090;
  delete exporter.startupProbe;
  assert.deepEqual(referenceProblems(o), [], 'by name and by number, declared ports pass');
});

test('a container port renamed under its probes, Service and ServiceMonitor fails all of them', () => {
  const o = objects();
  container(o).ports[0].name = 'http';
  assert.deepEqual(referenceProblems(o), [
    'Deployment ecoflow-exporter: container ecoflow-exporter: livenessProbe asks port metrics, which the container does not declare',
    'Deployment ecoflow-exporter: container ecoflow-exporter: readinessProbe asks port metrics, which the container does not declare',
    'Service ecoflow-exporter: port metrics targets metrics, which no selected container declares',
  ]);
  only(o, 'Service').spec.ports[0].name = 'web';
  assert.ok(referenceProblems(o).includes('ServiceMonitor ecoflow-exporter: endpoint port metrics is no port name of the Services it selects'));
});

test('selectors, volumes and claims that point at nothing fail', () => {
  const o = objects();
  const deployment = only(o, 'Deployment');
  deployment.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'other' };
  deployment.spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'gone';
  container(o).volumeMounts.push({ name: 'config', mountPath: '/etc/x' });
  only(o, 'ServiceMonitor').spec.selector.matchLabels = { app: 'x' };
  assert.deepEqual(referenceProblems(o), [
    "Deployment ecoflow-exporter: the selector does not match the pod's labels",
    'Deployment ecoflow-exporter: container ecoflow-exporter: mounts config, which is no volume of the pod',
    'Deployment ecoflow-exporter: volume energy-state wants claim gone, which is not rendered',
    'Service ecoflow-exporter: selects no pod',
    'Service ecoflow-exporter: port metrics targets metrics, which no selected container declares',
    'ServiceMonitor ecoflow-exporter: selects no Service',
    'ServiceMonitor ecoflow-exporter: endpoint port metrics is no port name of the Services it selects',
  ]);
});

test('a kind without a model is reported, not passed', async () => {
  const problems = await schemaProblems([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }]);
  assert.match(problems.join(), /Pod p: no model for v1 Pod/);
});
