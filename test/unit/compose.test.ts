import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { BINARIES } from '../helpers/external-servers.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** No Docker engine here: the compose file is checked for what it promises, its Prometheus config by promtool. */
test('compose.yaml: the exporter waits on /readyz, Prometheus scrapes it, Grafana gets the dashboard', () => {
  const compose = parse(readFileSync(root('compose.yaml'), 'utf8'));
  const exporter = compose.services['ecoflow-exporter'];
  assert.deepEqual(exporter.healthcheck.test, ['CMD', 'node', 'dist/src/healthcheck.js', '/readyz']);
  assert.equal(exporter.build, '.');
  assert.equal(compose.services.prometheus.depends_on['ecoflow-exporter'].condition, 'service_healthy');
  const prometheusConfig = parse(compose.configs['prometheus-config'].content);
  assert.deepEqual(prometheusConfig.scrape_configs[0].static_configs[0].targets, ['ecoflow-exporter:9090']);
  const dashboards = parse(compose.configs['grafana-dashboards'].content);
  const mount = compose.services.grafana.volumes.find((v: string) => v.startsWith('./grafana:'));
  assert.ok(mount.includes(dashboards.providers[0].options.path));
  for (const key of Object.keys(exporter.environment)) {
    assert.ok(readFileSync(root('README.md'), 'utf8').includes(key), `${key} documented`);
  }

  if (existsSync(BINARIES.promtool)) {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(join(dir, 'prometheus.yml'), compose.configs['prometheus-config'].content);
    execFileSync(BINARIES.promtool, ['check', 'config', join(dir, 'prometheus.yml')], { stdio: 'pipe' });
  }
});

test('the Dockerfile HEALTHCHECK probes liveness', () => {
  assert.match(readFileSync(root('Dockerfile'), 'utf8'), /HEALTHCHECK[^\n]*\\\n\s+CMD \["node", "dist\/src\/healthcheck\.js"\]/);
});
