/**
 * The files under deploy/kubernetes/ made from other files of the repository. kustomize loads no
 * file from outside a kustomization's folder, so the PrometheusRule (from prometheus/alerts.yml)
 * and the sidecar collector's configuration (from otel-collector.yaml) are copies, written by
 * `npm run update-kubernetes` (test/tools/update-kubernetes.ts) and compared by
 * test/artifacts/kubernetes/generated-files-match-sources.test.ts, so that a copy never drifts from its source.
 */
import { readFileSync } from 'node:fs';
import { Document, isMap, isScalar, Pair, parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { repoPath } from './doc-sections.js';

export const ALERT_RULES_FILE = 'prometheus/alerts.yml';
export const PROMETHEUS_RULE_FILE = 'deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml';
export const COLLECTOR_CONFIG_SOURCE = 'otel-collector.yaml';
export const COLLECTOR_CONFIG_FILE = 'deploy/kubernetes/overlays/otlp-sidecar/otel-collector.yaml';

/** What the sidecar's collector configuration changes, and the names the Deployment must match. */
export const SIDECAR = {
  /** The receivers listen here, with their original ports: only the exporter in the same pod sends. */
  receiverHost: '127.0.0.1',
  /**
   * health_check listens on every address of the pod at this port (the kubelet probes the pod's
   * address; `:port` binds IPv4 and IPv6 alike, where `${POD_IP}:port` cannot parse an IPv6 one).
   */
  healthPort: 13133,
  /** The collector container's variable that holds the remote-write URL. */
  remoteWriteEnv: 'PROMETHEUS_REMOTE_WRITE_URL',
} as const;

const read = (file: string) => readFileSync(repoPath(file), 'utf8');

const GENERATED = (source: string) =>
  ` GENERATED from ${source} by \`npm run update-kubernetes\`: edit ${source} and run it again.\n` +
  ' kustomize loads no file from outside this folder, hence the copy; a test compares the two.';

/**
 * The PrometheusRule: prometheus/alerts.yml as it is, comments and line breaks included, indented
 * under `spec:` (its one key, `groups`, is the spec's).
 */
export function prometheusRule(): string {
  const text = read(ALERT_RULES_FILE);
  const alerts = parse(text);
  if (Object.keys(alerts).join() !== 'groups') throw new Error(`${ALERT_RULES_FILE}: groups should be its only key`);
  const header = new Document({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'ecoflow-exporter', labels: { 'app.kubernetes.io/name': 'ecoflow-exporter' } },
  });
  header.commentBefore = `${GENERATED(ALERT_RULES_FILE)}\n The Prometheus Operator loads it into every Prometheus whose ruleSelector matches its labels.`;
  const spec = text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `  ${line}`))
    .join('\n');
  const rule = `${header.toString()}spec:\n${spec.trimEnd()}\n`;
  if (JSON.stringify(parse(rule).spec.groups) !== JSON.stringify(alerts.groups)) throw new Error(`${ALERT_RULES_FILE}: indenting it changed its groups`);
  return rule;
}

/**
 * The collector configuration of the OTLP sidecar overlay: otel-collector.yaml with three
 * changes, each listed in the file's header. Comments are kept.
 */
export function sidecarCollectorConfig(): string {
  const doc = parseDocument(read(COLLECTOR_CONFIG_SOURCE));
  if (doc.errors.length > 0) throw new Error(`${COLLECTOR_CONFIG_SOURCE}: ${doc.errors[0]!.message}`);
  const root = doc.contents as YAMLMap;

  // 1. Receivers on loopback, same ports.
  const protocols = doc.getIn(['receivers', 'otlp', 'protocols']) as YAMLMap;
  for (const pair of protocols.items) {
    const endpoint = (pair.value as YAMLMap).get('endpoint', true) as Scalar<string>;
    endpoint.value = `${SIDECAR.receiverHost}:${portOf(endpoint.value)}`;
  }
  // 2. The health_check extension, for the container's probes.
  if (doc.has('extensions')) throw new Error(`${COLLECTOR_CONFIG_SOURCE} has extensions of its own: merge health_check into them here`);
  const extensions = doc.createPair('extensions', { health_check: { endpoint: `:${SIDECAR.healthPort}` } });
  // Quoted: a plain scalar that starts with ':' is one many YAML readers stumble on.
  ((extensions.value as YAMLMap).getIn(['health_check', 'endpoint'], true) as Scalar).type = 'QUOTE_DOUBLE';
  const serviceAt = root.items.findIndex((p) => isScalar(p.key) && p.key.value === 'service');
  root.items.splice(serviceAt, 0, extensions as Pair<unknown, unknown>);
  for (const pair of [extensions, root.items[serviceAt + 1]!]) (pair.key as Scalar).spaceBefore = true;
  const service = doc.get('service', true);
  if (!isMap(service)) throw new Error(`${COLLECTOR_CONFIG_SOURCE}: no service section`);
  const serviceExtensions = doc.createNode(['health_check'], { flow: true });
  service.items.unshift(new Pair(doc.createNode('extensions'), serviceExtensions));
  // 3. The remote-write URL from the container's environment.
  const url = doc.getIn(['exporters', 'prometheusremotewrite', 'endpoint'], true) as Scalar<string>;
  url.value = `\${env:${SIDECAR.remoteWriteEnv}}`;

  doc.commentBefore = [
    GENERATED(COLLECTOR_CONFIG_SOURCE),
    " Three changes for a collector in the exporter's pod (the Deployment patch beside this file):",
    ` - the OTLP receivers listen on ${SIDECAR.receiverHost} only: the exporter in the same pod is the one sender;`,
    ` - the health_check extension, on port ${SIDECAR.healthPort} of every address of the pod, for the container's probes;`,
    ` - the remote-write URL comes from ${SIDECAR.remoteWriteEnv}, which the Deployment sets to`,
    `   ${remoteWriteUrl()}: change it there, to your Prometheus (run with`,
    '   --web.enable-remote-write-receiver) or any remote-write receiver.',
  ].join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The remote-write URL of otel-collector.yaml: what the sidecar Deployment sets by default. */
export function remoteWriteUrl(): string {
  return parse(read(COLLECTOR_CONFIG_SOURCE)).exporters.prometheusremotewrite.endpoint;
}

/** `0.0.0.0:4318` → 4318. */
export function portOf(endpoint: string): number {
  const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${endpoint}`);
  return port;
}

/** Every generated file: its path from the repository root and what it must hold. */
export function generatedKubernetesFiles(): Array<{ file: string; text: string }> {
  return [
    { file: PROMETHEUS_RULE_FILE, text: prometheusRule() },
    { file: COLLECTOR_CONFIG_FILE, text: sidecarCollectorConfig() },
  ];
}
