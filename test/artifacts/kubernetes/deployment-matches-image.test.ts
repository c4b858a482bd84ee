/**
 * The rendered Deployments against what the image and the exporter actually are: the
 * Dockerfile's EXPOSE, USER, ENV, VOLUME and HEALTHCHECK, the path healthcheck.js asks, the
 * config schema's variables, the bench's memory figures, and the sidecar collector's config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../../src/config/config-schema.js';
import { walkOptions } from '../../../src/config/option.js';
import { repoPath } from '../../helpers/doc-sections.js';
import { envOf, healthcheckOf, runtimeStage } from '../../helpers/dockerfile.js';
import { needs } from '../../helpers/external-servers.js';
import { COLLECTOR_CONFIG_FILE, portOf, remoteWriteUrl, SIDECAR } from '../../helpers/kubernetes-files.js';
import { find, KUBERNETES_DIR, kustomizations, kustomize, type Manifest, only } from '../../helpers/kubernetes.js';

const read = (file: string) => readFileSync(repoPath(file), 'utf8');

/** The user the official Node.js images create (`USER node`), with its uid and gid. */
const NODE_IMAGE_USERS: Readonly<Record<string, number>> = { node: 1000 };

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

const podOf = (objects: Manifest[]) => only(objects, 'Deployment').spec.template.spec;
const containersOf = (pod: any): any[] => [...(pod.initContainers ?? []), ...pod.containers];
const exporterOf = (objects: Manifest[]) => podOf(objects).containers.find((c: { name: string }) => c.name === 'ecoflow-exporter');
const envValue = (container: { env?: EnvVar[] }, name: string) => container.env?.find((e) => e.name === name)?.value;

/** `30s` → 30, `1m` → 60. */
const seconds = (duration: string) => Number.parseFloat(duration) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[duration.replace(/^[\d.]+/, '')]!;

/** A Kubernetes or Go memory quantity in bytes: `256Mi`, `1Gi`, `200MiB`, `500M`. */
function bytes(quantity: string): number {
  const [, number, unit] = /^([\d.]+)([A-Za-z]*)$/.exec(quantity)!;
  const units: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };
  assert.ok(unit! in units, `unit of ${quantity}`);
  return Number(number) * units[unit!]!;
}

/** Runs `node <args>` as the image's HEALTHCHECK does (WORKDIR /app holds dist/, as here); returns the path it asked. */
async function pathAskedBy(args: string[]): Promise<string> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, EXPORTER_PORT: String((server.address() as AddressInfo).port) };
    delete env.EXPORTER_HOST;
    delete env.WEB_CONFIG_FILE;
    const child = spawn(process.execPath, args, { cwd: repoPath('.'), env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `node ${args.join(' ')} succeeded`);
  } finally {
    server.close();
  }
  assert.equal(asked.length, 1);
  return asked[0]!;
}

test('the exporter listens where the image says: EXPOSE, EXPORTER_PORT, the metrics port and the Service', needs('kubectl'), () => {
  const stage = runtimeStage();
  const exposed = stage.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
  assert.equal(exposed.length, 1);
  const port = Number(exposed[0]!.split('/')[0]);
  assert.equal(Number(envOf(stage).get('EXPORTER_PORT')), port);

  const objects = kustomize(KUBERNETES_DIR);
  const exporter = exporterOf(objects);
  assert.deepEqual(exporter.ports, [{ name: 'metrics', containerPort: port }]);
  // Set in the manifest too: healthcheck.js and a WEB_CONFIG_FILE-less probe read it from there.
  assert.equal(envValue(exporter, 'EXPORTER_PORT'), String(port));
  assert.deepEqual(only(objects, 'Service').spec.ports, [{ name: 'metrics', port, targetPort: 'metrics' }]);
});

test("the probes ask what the image's health check asks: liveness with its timing, readiness as compose.yaml asks it", needs('kubectl'), async () => {
  const { options, command } = healthcheckOf(runtimeStage());
  assert.equal(command[0], 'node');
  const liveness = await pathAskedBy(command.slice(1));
  // compose.yaml's readiness check is the same command with one more argument.
  const composeCheck = parse(read('compose.yaml')).services['ecoflow-exporter'].healthcheck.test as string[];
  assert.deepEqual(composeCheck.slice(0, command.length + 1), ['CMD', ...command]);
  const readiness = await pathAskedBy(composeCheck.slice(2));
  assert.notEqual(liveness, readiness);

  const exporter = exporterOf(kustomize(KUBERNETES_DIR));
  assert.deepEqual(exporter.livenessProbe, {
    httpGet: { path: liveness, port: 'metrics' },
    initialDelaySeconds: seconds(options.get('start-period')!),
    periodSeconds: seconds(options.get('interval')!),
    timeoutSeconds: seconds(options.get('timeout')!),
    failureThreshold: Number(options.get('retries')),
  });
  assert.deepEqual(exporter.readinessProbe.httpGet, { path: readiness, port: 'metrics' });
  assert.equal(exporter.startupProbe, undefined);
});

test("every container runs hardened, the exporter as the image's USER node, with requests and limits", needs('kubectl'), () => {
  const users = runtimeStage()
    .filter((i) => i.op === 'USER')
    .map((i) => i.args);
  assert.deepEqual(users, ['node']);
  const uid = NODE_IMAGE_USERS.node!;
  for (const dir of kustomizations()) {
    const pod = podOf(kustomize(dir));
    assert.deepEqual(
      pod.securityContext,
      { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
      dir,
    );
    assert.equal(pod.automountServiceAccountToken, false, dir);
    assert.equal(pod.enableServiceLinks, false, dir);
    assert.equal(pod.hostNetwork ?? false, false, dir);
    for (const container of containersOf(pod)) {
      const where = `${dir}: ${container.name}`;
      const context = container.securityContext ?? {};
      assert.deepEqual(
        {
          allowPrivilegeEscalation: context.allowPrivilegeEscalation,
          readOnlyRootFilesystem: context.readOnlyRootFilesystem,
          capabilities: context.capabilities,
          privileged: context.privileged ?? false,
          runAsNonRoot: context.runAsNonRoot ?? pod.securityContext.runAsNonRoot,
          seccompProfile: context.seccompProfile ?? pod.securityContext.seccompProfile,
        },
        {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          privileged: false,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        where,
      );
      assert.ok((context.runAsUser ?? pod.securityContext.runAsUser) > 0, `${where}: not root`);
      if (container.name === 'ecoflow-exporter') assert.equal(context.runAsUser, undefined, `${where}: the pod's user, the image's`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) assert.ok(container.resources?.[kind]?.[resource], `${where}: ${kind}.${resource}`);
      }
      assert.match(container.image, /^[^:]+(:[\w.-]+)?$/, `${where}: an image name`);
    }
  }
});

test("the energy state file's folder is the image's VOLUME, mounted writable from the claim", needs('kubectl'), () => {
  const stage = runtimeStage();
  const file = envOf(stage).get('ENERGY_STATE_FILE');
  assert.ok(file, 'the image sets ENERGY_STATE_FILE');
  const folder = posix.dirname(file);
  assert.deepEqual(
    stage.filter((i) => i.op === 'VOLUME').flatMap((i) => JSON.parse(i.args) as string[]),
    [folder],
  );
  for (const dir of kustomizations()) {
    const objects = kustomize(dir);
    const exporter = exporterOf(objects);
    assert.equal(envValue(exporter, 'ENERGY_STATE_FILE'), undefined, `${dir}: the image's path is kept`);
    // The one place the exporter writes, with a read-only root file system.
    assert.deepEqual(
      exporter.volumeMounts.map((m: { mountPath: string; readOnly?: boolean }) => [m.mountPath, m.readOnly ?? false]),
      [[folder, false]],
      dir,
    );
    const volume = podOf(objects).volumes.find((v: { name: string }) => v.name === exporter.volumeMounts[0].name);
    assert.equal(volume.persistentVolumeClaim.claimName, only(objects, 'PersistentVolumeClaim').metadata.name, dir);
    assert.deepEqual(only(objects, 'PersistentVolumeClaim').spec.accessModes, ['ReadWriteOnce']);
  }
});

test('one replica, replaced by Recreate, everywhere', needs('kubectl'), () => {
  for (const dir of kustomizations()) {
    const deployment = only(kustomize(dir), 'Deployment');
    assert.deepEqual([deployment.spec.replicas, deployment.spec.strategy], [1, { type: 'Recreate' }], dir);
  }
});

test('every variable the manifests give the exporter is one it reads; the keys come from the Secret, never as values', needs('kubectl'), () => {
  const reads = new Set<string>();
  const sensitive = new Set<string>();
  for (const { spec } of walkOptions(configSchema)) {
    for (const name of [spec.env, spec.fileEnv, spec.legacyEnv]) if (name) reads.add(name);
    if (spec.sensitive) sensitive.add(spec.env);
  }
  assert.ok(reads.has('OTEL_EXPORTER_OTLP_ENDPOINT'), 'the OTEL_* variables are options too');
  for (const dir of kustomizations()) {
    const env = (exporterOf(kustomize(dir)).env ?? []) as EnvVar[];
    assert.deepEqual(
      env.map((e) => e.name).filter((name) => !reads.has(name)),
      [],
      `${dir}: variables the exporter does not read (src/config/config-schema.ts)`,
    );
    const fromSecret = env.filter((e) => e.valueFrom?.secretKeyRef);
    // The keys, and the region's API host if the Secret has it (it must be right before the first start).
    assert.deepEqual(fromSecret.map((e) => e.name).sort(), ['ECOFLOW_ACCESS_KEY', 'ECOFLOW_API_HOST', 'ECOFLOW_SECRET_KEY'], dir);
    for (const e of fromSecret) {
      const key = sensitive.has(e.name);
      assert.ok(key || e.name === 'ECOFLOW_API_HOST', `${e.name} is a sensitive option`);
      assert.deepEqual(e.valueFrom?.secretKeyRef, { name: 'ecoflow-exporter-keys', key: e.name, ...(!key && { optional: true }) });
    }
    for (const e of env) assert.ok(!(e.value !== undefined && e.valueFrom !== undefined), `${dir}: ${e.name} has a value and a valueFrom`);
    for (const e of env) assert.ok(!(sensitive.has(e.name) && e.value !== undefined), `${dir}: ${e.name} has no value in the manifest`);
  }
});

test("the exporter's memory fits 1 to 10 devices as the bench measured them, not 100", needs('kubectl'), () => {
  type Row = { devices: number; rss_mb?: number; rss_warm_mb?: number; rss_after_hour_mb?: number };
  const bench = JSON.parse(read('test/bench/results/fleet-energy.json')) as { rows: Row[]; compressed_hour: Row[] };
  const rss = (devices: (n: number) => boolean) =>
    Math.max(
      ...[...bench.rows, ...bench.compressed_hour]
        .filter((r) => devices(r.devices))
        .flatMap((r) => [r.rss_mb ?? 0, r.rss_warm_mb ?? 0, r.rss_after_hour_mb ?? 0]),
    );
  const upTo10 = rss((n) => n <= 10);
  const at100 = rss((n) => n === 100);
  assert.ok(upTo10 > 150 && at100 > 400, 'the bench has both sizes');
  const { requests, limits } = exporterOf(kustomize(KUBERNETES_DIR)).resources;
  const mb = (quantity: string) => bytes(quantity) / 1e6;
  assert.ok(mb(requests.memory) >= upTo10, `request ${requests.memory} holds ${upTo10} MB`);
  assert.ok(mb(limits.memory) >= mb(requests.memory) * 1.25, 'headroom above the request');
  assert.ok(mb(limits.memory) < at100, `a limit of ${limits.memory} is for 10 devices; 100 took ${at100} MB (the comment says what to set)`);
});

test('the OTLP sidecar overlay: the exporter pushes to the collector in its pod and serves nothing', needs('kubectl'), () => {
  const objects = kustomize(`${KUBERNETES_DIR}/overlays/otlp-sidecar`);
  const pod = podOf(objects);
  const exporter = exporterOf(objects);
  assert.equal(envValue(exporter, 'EXPORTER_PORT'), '0');
  for (const field of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe']) assert.equal(exporter[field], undefined, field);
  assert.deepEqual(find(objects, 'Service'), []);

  const configMap = only(objects, 'ConfigMap');
  const text = read(COLLECTOR_CONFIG_FILE);
  const config = parse(text);
  assert.equal(envValue(exporter, 'OTEL_EXPORTER_OTLP_ENDPOINT'), `http://${config.receivers.otlp.protocols.http.endpoint}`);
  assert.equal(new URL(envValue(exporter, 'OTEL_EXPORTER_OTLP_ENDPOINT')!).hostname, SIDECAR.receiverHost);

  assert.equal(pod.initContainers.length, 1);
  const [collector] = pod.initContainers;
  assert.equal(collector.restartPolicy, 'Always', 'a native sidecar: up before the exporter, down after it');
  assert.match(collector.image, /^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/, 'the contrib image, pinned');
  // --config names the ConfigMap's key where the ConfigMap is mounted; it holds the generated file.
  const configPath = (collector.args as string[]).find((a) => a.startsWith('--config='))!.slice('--config='.length);
  const mount = collector.volumeMounts.find((m: { mountPath: string }) => m.mountPath === posix.dirname(configPath));
  assert.equal(pod.volumes.find((v: { name: string }) => v.name === mount.name).configMap.name, configMap.metadata.name);
  assert.deepEqual(Object.keys(configMap.data), [posix.basename(configPath)]);
  assert.equal(configMap.data[posix.basename(configPath)], text);
  // Every ${env:…} of the config is set, the remote-write URL to otel-collector.yaml's.
  const wanted = [...text.matchAll(/\$\{env:(\w+)\}/g)].map((m) => m[1]).sort();
  assert.deepEqual(wanted, [SIDECAR.remoteWriteEnv]);
  assert.equal(envValue(collector, SIDECAR.remoteWriteEnv), remoteWriteUrl());
  // Probed on health_check's port; the Go heap kept under the container's limit.
  assert.deepEqual(collector.ports, [{ name: 'health', containerPort: portOf(config.extensions.health_check.endpoint) }]);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.deepEqual(collector[probe].httpGet, { path: '/', port: 'health' }, probe);
  assert.ok(bytes(envValue(collector, 'GOMEMLIMIT')!) <= 0.8 * bytes(collector.resources.limits.memory));
});
