import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DASHBOARDS } from '../helpers/dashboards.js';
import { BINARIES, needs } from '../helpers/external-servers.js';
import { envOf, runtimeStage } from '../helpers/dockerfile.js';
import { configSchema } from '../../src/config/config-schema.js';
import { walkOptions } from '../../src/config/option.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const compose = parse(readFileSync(root('compose.yaml'), 'utf8'));

/** `./host:/container[:ro]` volume entries of a service, as {host, container}. */
function mounts(service: string): Array<{ host: string; container: string }> {
  return (compose.services[service].volumes ?? []).map((v: string) => {
    const [host, container] = v.split(':');
    return { host: host!, container: container! };
  });
}

/** The host path (from the repository root, normalized) that ends up at `containerPath` inside the service. */
function hostPathOf(service: string, containerPath: string): string | undefined {
  for (const { host, container } of mounts(service)) {
    if (containerPath === container) return posix.normalize(host);
    if (containerPath.startsWith(`${container}/`)) return posix.join(host, containerPath.slice(container.length + 1));
  }
  return undefined;
}

/** No Docker engine here: the compose file is checked for what it promises, its Prometheus config by promtool. */
test('compose.yaml: the exporter waits on /readyz and Prometheus scrapes it', () => {
  const exporter = compose.services['ecoflow-exporter'];
  assert.deepEqual(exporter.healthcheck.test, ['CMD', 'node', 'dist/src/healthcheck.js', '/readyz']);
  assert.equal(exporter.build, '.');
  assert.equal(compose.services.prometheus.depends_on['ecoflow-exporter'].condition, 'service_healthy');
  const prometheusConfig = parse(compose.configs['prometheus-config'].content);
  assert.deepEqual(prometheusConfig.scrape_configs[0].static_configs[0].targets, ['ecoflow-exporter:9090']);
  for (const key of Object.keys(exporter.environment)) {
    assert.ok(readFileSync(root('README.md'), 'utf8').includes(key), `${key} documented`);
  }
});

test('compose.yaml: Prometheus loads the alert rules of prometheus/alerts.yml, and promtool accepts its config', async (t) => {
  const service = compose.services.prometheus;
  const configTarget = service.configs.find((c: { source: string }) => c.source === 'prometheus-config').target as string;
  assert.ok(service.command.includes(`--config.file=${configTarget}`));
  const config = parse(compose.configs['prometheus-config'].content);
  assert.ok(config.global.evaluation_interval, 'evaluation_interval set');
  assert.equal(config.rule_files.length, 1);
  // Relative rule files resolve against the config file's directory.
  const ruleFile = posix.resolve(posix.dirname(configTarget), config.rule_files[0]);
  assert.equal(hostPathOf('prometheus', ruleFile), 'prometheus/alerts.yml');

  // A subtest, so a missing promtool shows as a skip with its reason (a failure under CI).
  await t.test('promtool check config', needs('promtool'), () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      writeFileSync(join(dir, 'prometheus.yml'), compose.configs['prometheus-config'].content);
      copyFileSync(root('prometheus/alerts.yml'), join(dir, config.rule_files[0]));
      execFileSync(BINARIES.promtool, ['check', 'config', join(dir, 'prometheus.yml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('compose.yaml: Grafana gets its data source and the dashboards from the provisioning files', () => {
  const service = compose.services.grafana;
  assert.equal(service.configs, undefined, 'no inline Grafana configs beside the mounted files');
  assert.equal(compose.configs['grafana-datasource'], undefined);
  assert.equal(compose.configs['grafana-dashboards'], undefined);
  assert.equal(hostPathOf('grafana', '/etc/grafana/provisioning/datasources'), 'grafana/provisioning/datasources');
  assert.equal(hostPathOf('grafana', '/etc/grafana/provisioning/dashboards'), 'grafana/provisioning/dashboards');

  const datasources = parse(readFileSync(root('grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
  assert.equal(datasources.datasources.length, 1);
  const [prometheus] = datasources.datasources;
  assert.deepEqual(
    { type: prometheus.type, uid: prometheus.uid, url: prometheus.url, isDefault: prometheus.isDefault },
    { type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090', isDefault: true },
  );
  assert.ok(compose.services[new URL(prometheus.url).hostname], 'the data source URL names a compose service');

  const providers = parse(readFileSync(root('grafana/provisioning/dashboards/ecoflow.yml'), 'utf8')).providers;
  assert.equal(providers.length, 1);
  assert.equal(providers[0].type, 'file');
  const dashboardsDir = hostPathOf('grafana', providers[0].options.path);
  assert.equal(dashboardsDir, 'grafana/dashboards');
  const dashboards = readdirSync(root('grafana/dashboards'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  assert.deepEqual(dashboards, [...DASHBOARDS].sort(), 'the provider serves exactly the dashboards the tests check');
  assert.ok(!existsSync(root('grafana/ecoflow-overview.json')), 'the old dashboard location is gone');
});

test('the Dockerfile HEALTHCHECK probes liveness', () => {
  assert.match(readFileSync(root('Dockerfile'), 'utf8'), /HEALTHCHECK[^\n]*\\\n\s+CMD \["node", "dist\/src\/healthcheck\.js"\]/);
});

test('the energy state file sits on a volume the unprivileged user may write, in the image and in compose', () => {
  const stage = runtimeStage();
  const file = envOf(stage).get('ENERGY_STATE_FILE');
  assert.ok(file, 'the image sets ENERGY_STATE_FILE');
  const folder = posix.dirname(file);
  const volumes = stage.filter((i) => i.op === 'VOLUME').flatMap((i) => JSON.parse(i.args) as string[]);
  assert.deepEqual(volumes, [folder]);
  const run = stage
    .filter((i) => i.op === 'RUN')
    .map((i) => i.args)
    .join(' && ');
  assert.ok(run.includes(`mkdir -p ${folder}`) && run.includes(`chown node:node ${folder}`), "the folder exists and is node's");
  // VOLUME after the chown: a volume is created from the folder as the image has it then.
  const at = (op: string) => stage.findIndex((i) => i.op === op && (op !== 'RUN' || i.args.includes('chown')));
  assert.ok(at('RUN') < at('VOLUME') && at('VOLUME') < at('USER'));

  const service = compose.services['ecoflow-exporter'];
  assert.equal(service.environment.ENERGY_STATE_FILE, file);
  const [volume, target] = (service.volumes as string[]).find((v) => v.endsWith(`:${folder}`))!.split(':');
  assert.equal(target, folder);
  assert.ok(volume && Object.hasOwn(compose.volumes ?? {}, volume), 'a named volume, kept across `docker compose down`');
});

test('compose.yaml shows the metric selection, commented, with names the exporter reads', () => {
  const text = readFileSync(root('compose.yaml'), 'utf8');
  const shown = [...text.matchAll(/^\s+# ([A-Z_]+): /gm)].map((m) => m[1]);
  assert.ok(shown.includes('RAW_METRICS') && shown.includes('METRICS_EXCLUDE'), shown.join());
  const envs = new Set([...walkOptions(configSchema)].map((o) => o.spec.env));
  for (const name of shown) assert.ok(envs.has(name), `${name} is no option of the exporter`);
});
