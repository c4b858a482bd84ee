/**
 * The Kubernetes manifests of deploy/kubernetes/, rendered by the real `kubectl kustomize` and
 * checked three ways:
 *
 * - `validate()` of the kubernetes-models packages: types, required fields and formats against
 *   the Kubernetes and Prometheus Operator schemas. It accepts fields the schemas do not have
 *   (a misspelled `readinesProbe` is simply ignored, as the API server would drop it);
 * - so `unknownFields` walks every object against the packages' TypeScript interfaces (made from
 *   the same schemas) and reports each field the model does not know;
 * - `referenceProblems`: what no schema can say, names that must point at each other (a probe's
 *   port at one of its container's ports, a Service at the pods, a ServiceMonitor at a Service's
 *   port, a volume at a claim or ConfigMap).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { repoPath } from './doc-sections.js';
import { BINARIES } from './external-servers.js';

/** A rendered object, as YAML parses it. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: any };
  [key: string]: any;
};

export const KUBERNETES_DIR = 'deploy/kubernetes';

/** What a person applies: the base (deploy/kubernetes itself) and every overlay. */
export function kustomizations(): string[] {
  const overlays = readdirSync(repoPath(`${KUBERNETES_DIR}/overlays`), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${KUBERNETES_DIR}/overlays/${d.name}`)
    .sort();
  return [KUBERNETES_DIR, ...overlays];
}

export function components(): string[] {
  return readdirSync(repoPath(`${KUBERNETES_DIR}/components`), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${KUBERNETES_DIR}/components/${d.name}`)
    .sort();
}

const rendered = new Map<string, Manifest[]>();

/** `kubectl kustomize <dir>` (a path from the repository root, or absolute), parsed; a copy the caller may change. */
export function kustomize(dir: string): Manifest[] {
  const path = dir.startsWith('/') ? dir : repoPath(dir);
  if (!rendered.has(path)) rendered.set(path, render(path));
  return structuredClone(rendered.get(path)!);
}

function render(dir: string): Manifest[] {
  let output: string;
  try {
    output = execFileSync(BINARIES.kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`kubectl kustomize ${dir} failed:\n${stderr ?? String(err)}`);
  }
  return parseAllDocuments(output).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Manifest;
  });
}

export const find = (objects: Manifest[], kind: string, name?: string): Manifest[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = find(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

/** The model of each kind the manifests may hold: its module, class (the kind) and interface (I + kind). */
const MODELS: Readonly<Record<string, string>> = {
  'apps/v1 Deployment': 'kubernetes-models/apps/v1/Deployment',
  'v1 Service': 'kubernetes-models/v1/Service',
  'v1 PersistentVolumeClaim': 'kubernetes-models/v1/PersistentVolumeClaim',
  'v1 ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'monitoring.coreos.com/v1 ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1 PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
};

const modelOf = (o: Manifest) => MODELS[`${o.apiVersion} ${o.kind}`];
const describe = (o: Manifest) => `${o.kind} ${o.metadata?.name}`;

/** Everything wrong with these objects, one line each; empty when they are fine. */
export async function manifestProblems(objects: Manifest[]): Promise<string[]> {
  return [...(await schemaProblems(objects)), ...unknownFields(objects), ...referenceProblems(objects)];
}

/** kubernetes-models' own validate(): types, required fields, formats. */
export async function schemaProblems(objects: Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const module = modelOf(object);
    if (module === undefined) {
      problems.push(`${describe(object)}: no model for ${object.apiVersion} ${object.kind} (add it to MODELS in test/helpers/kubernetes.ts)`);
      continue;
    }
    const Model = (await import(module))[object.kind] as new (data: unknown) => { validate(): void };
    try {
      new Model(object).validate();
    } catch (err) {
      problems.push(`${describe(object)}: ${(err as Error).message}`);
    }
  }
  return problems;
}

let interfaces: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** The models' TypeScript interfaces, from one small in-memory program (about a second to build). */
function modelInterfaces(): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  if (interfaces) return interfaces;
  // In the repository, so that its node_modules resolve; never written to disk.
  const file = repoPath('__kubernetes-models__.ts');
  const entries = Object.entries(MODELS);
  const source = entries.map(([key, module], i) => `import type { I${key.split(' ')[1]} as M${i} } from '${module}';\nexport type T${i} = M${i};`).join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`the kubernetes-models types did not load:\n${problems.join('\n')}`);
  const checker = program.getTypeChecker();
  const types = new Map<string, ts.Type>();
  const declarations = program.getSourceFile(file)!.statements.filter(ts.isTypeAliasDeclaration);
  for (const declaration of declarations) {
    types.set(entries[Number(declaration.name.text.slice(1))]![0], checker.getTypeAtLocation(declaration.name));
  }
  interfaces = { checker, types };
  return interfaces;
}

/**
 * Every field the model does not know, as `Kind name: path: …`. Values are not type-checked
 * here (validate() does that): only the names of object fields, at any depth.
 */
export function unknownFields(objects: Manifest[]): string[] {
  const { checker, types } = modelInterfaces();
  const problems: string[] = [];
  const found: string[] = [];
  const walk = (type: ts.Type, value: unknown, path: string) => {
    if (value === null || typeof value !== 'object') return;
    const t = checker.getNonNullableType(type);
    const members = (t.isUnion() ? t.types : [t]).filter((m) => (m.flags & ts.TypeFlags.Object) !== 0);
    if (Array.isArray(value)) {
      const array = members.find((m) => checker.isArrayType(m)) as ts.TypeReference | undefined;
      if (array) value.forEach((item, i) => walk(checker.getTypeArguments(array)[0]!, item, `${path}[${i}]`));
      return;
    }
    const objectTypes = members.filter((m) => !checker.isArrayType(m));
    if (objectTypes.length === 0) return; // not an object in the model: validate() reports it
    for (const [key, item] of Object.entries(value)) {
      const property = objectTypes.map((m) => m.getProperty(key)).find((p) => p !== undefined);
      const indexed = property ? undefined : objectTypes.map((m) => checker.getIndexTypeOfType(m, ts.IndexKind.String)).find((i) => i !== undefined);
      const at = path === '' ? key : `${path}.${key}`;
      if (property) walk(checker.getTypeOfSymbol(property), item, at);
      else if (indexed) walk(indexed, item, at);
      else found.push(`${at}: no such field in ${checker.typeToString(objectTypes[0]!)}`);
    }
  };
  for (const object of objects) {
    const type = types.get(`${object.apiVersion} ${object.kind}`);
    if (type) walk(type, object, '');
    problems.push(...found.splice(0).map((p) => `${describe(object)}: ${p}`));
  }
  return problems;
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string }; [source: string]: unknown }>;
}
interface Container {
  name: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  [probe: string]: any;
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/** The port a probe asks for, whatever its kind. */
function probePort(probe: any): number | string | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The pods each workload runs: its name, pod labels and pod spec. */
function pods(objects: Manifest[]): Array<{ owner: string; labels: Record<string, string>; spec: PodSpec; selector: Record<string, string> }> {
  return find(objects, 'Deployment').map((d) => ({
    owner: describe(d),
    labels: d.spec?.template?.metadata?.labels ?? {},
    spec: d.spec?.template?.spec ?? { containers: [] },
    selector: d.spec?.selector?.matchLabels,
  }));
}

/** Names that must point at each other, within the rendered objects. */
export function referenceProblems(objects: Manifest[]): string[] {
  const problems: string[] = [];
  const names = (kind: string) => new Set(find(objects, kind).map((o) => o.metadata.name));
  const claims = names('PersistentVolumeClaim');
  const configMaps = names('ConfigMap');
  for (const pod of pods(objects)) {
    if (!matches(pod.selector, pod.labels)) problems.push(`${pod.owner}: the selector does not match the pod's labels`);
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    const mounted = new Set<string>();
    for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const where = `${pod.owner}: container ${container.name}`;
      const ports = container.ports ?? [];
      for (const probe of PROBES) {
        if (container[probe] === undefined) continue;
        const port = probePort(container[probe]);
        const declared = typeof port === 'string' ? ports.some((p) => p.name === port) : ports.some((p) => p.containerPort === port);
        if (!declared) problems.push(`${where}: ${probe} asks port ${String(port)}, which the container does not declare`);
      }
      for (const mount of container.volumeMounts ?? []) {
        mounted.add(mount.name);
        if (!volumes.has(mount.name)) problems.push(`${where}: mounts ${mount.name}, which is no volume of the pod`);
      }
    }
    for (const [name, volume] of volumes) {
      if (!mounted.has(name)) problems.push(`${pod.owner}: volume ${name} is mounted by no container`);
      if (volume.persistentVolumeClaim && !claims.has(volume.persistentVolumeClaim.claimName)) {
        problems.push(`${pod.owner}: volume ${name} wants claim ${volume.persistentVolumeClaim.claimName}, which is not rendered`);
      }
      if (volume.configMap && !configMaps.has(volume.configMap.name)) {
        problems.push(`${pod.owner}: volume ${name} wants ConfigMap ${volume.configMap.name}, which is not rendered`);
      }
    }
  }
  const services = find(objects, 'Service');
  for (const service of services) {
    const selected = pods(objects).filter((p) => matches(service.spec?.selector, p.labels));
    if (selected.length === 0) problems.push(`${describe(service)}: selects no pod`);
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const served = selected.some((p) =>
        p.spec.containers.some((c) => (c.ports ?? []).some((cp) => (typeof target === 'string' ? cp.name === target : cp.containerPort === target))),
      );
      if (!served) problems.push(`${describe(service)}: port ${port.name ?? port.port} targets ${String(target)}, which no selected container declares`);
    }
  }
  for (const monitor of find(objects, 'ServiceMonitor')) {
    const selected = services.filter((s) => matches(monitor.spec?.selector?.matchLabels, s.metadata.labels));
    if (selected.length === 0) problems.push(`${describe(monitor)}: selects no Service`);
    for (const endpoint of monitor.spec?.endpoints ?? []) {
      if (!selected.some((s) => (s.spec?.ports ?? []).some((p: { name?: string }) => p.name === endpoint.port))) {
        problems.push(`${describe(monitor)}: endpoint port ${endpoint.port} is no port name of the Services it selects`);
      }
    }
  }
  return problems;
}

/**
 * Renders a kustomization written in a scratch folder, my-ecoflow/, beside a link named `ecoflow-exporter` to
 * this repository, the way a person keeps their own next to a clone:
 * `resources: [../ecoflow-exporter/deploy/kubernetes]`.
 */
export function kustomizeOwn(kustomization: string, files: Record<string, string> = {}): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
  try {
    symlinkSync(repoPath('.'), join(dir, 'ecoflow-exporter'));
    mkdirSync(join(dir, 'my-ecoflow'));
    writeFileSync(join(dir, 'my-ecoflow', 'kustomization.yaml'), kustomization);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'my-ecoflow', name), text);
    return kustomize(join(dir, 'my-ecoflow'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
