import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SN, eventually } from '../helpers/simulated-fleet.js';
import { sampleValue, startPair } from '../helpers/running-exporter.js';
import { BINARIES, needs, promQuery, startPrometheus } from '../helpers/external-servers.js';

const GOLDEN = fileURLToPath(new URL('../../../test/fixtures/metrics/still-fleet.prom', import.meta.url));

async function stillFleetExposition(t: import('node:test').TestContext) {
  const { exporter } = await startPair(t);
  const text = await eventually(async () => {
    const body = await exporter.scrape();
    return [SN.delta2, SN.powerStream, SN.smartPlug].every((sn) => body.split(`device="${sn}"`).length > 10) && body;
  }, 'all devices read');
  return { text, exporter };
}

/**
 * Metric blocks sorted by name, samples sorted within: the order of poll completion is not part
 * of the contract. Values of the exporter's own metrics and of timestamps change from run to
 * run, so they become `*`; their names, help texts and labels stay pinned.
 */
function normalise(text: string): string {
  const blocks: string[][] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    if (line.startsWith('# HELP ')) blocks.push([line]);
    else if (line.startsWith('#')) blocks.at(-1)!.push(line);
    else if (/^ecoflow_exporter_|^ecoflow_\w+_timestamp_seconds/.test(line)) {
      blocks.at(-1)!.push(line.replace(/ [^ ]+$/, ' *').replace(/(version)="[^"]*"/g, '$1="*"'));
    }
    else blocks.at(-1)!.push(line);
  }
  return blocks
    .map(([help, type, ...rest]) => [help, type, ...rest.sort()].join('\n'))
    .sort()
    .join('\n') + '\n';
}

test('the /metrics exposition of the still fleet matches the golden file', async (t) => {
  const { text } = await stillFleetExposition(t);
  const actual = normalise(text);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    if (process.env.CI) assert.fail(`golden file missing: ${GOLDEN}`);
    writeFileSync(GOLDEN, actual);
    t.diagnostic(`wrote ${GOLDEN}`);
  }
  const expected = readFileSync(GOLDEN, 'utf8');
  if (actual !== expected) {
    // Line diffs are far easier to read than the assertion's string diff.
    const a = new Set(actual.split('\n'));
    const e = new Set(expected.split('\n'));
    const missing = [...e].filter((l) => !a.has(l)).slice(0, 20);
    const extra = [...a].filter((l) => !e.has(l)).slice(0, 20);
    assert.fail(`exposition differs from ${GOLDEN} (UPDATE_GOLDEN=1 npm test rewrites it)\nmissing:\n${missing.join('\n')}\nunexpected:\n${extra.join('\n')}`);
  }
});

test('promtool finds no format errors, only the naming habits of raw EcoFlow keys', needs('promtool'), async (t) => {
  const { text } = await stillFleetExposition(t);
  let output = '';
  let status = 0;
  try {
    output = execFileSync(BINARIES.promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    status = e.status;
    output = `${e.stdout}${e.stderr}`;
  }
  // Status 3 is "lint problems"; anything else but 0 means the text did not parse.
  assert.ok(status === 0 || status === 3, `promtool exited ${status}:\n${output}`);
  const accepted = [/metric names should not contain abbreviated units/, /non-histogram and non-summary metrics should not have "_(count|sum)" suffix/];
  const problems = output.split('\n').filter((line) => line.trim() && !accepted.some((re) => re.test(line)));
  assert.deepEqual(problems, []);
});

test('a real Prometheus scrapes every sample with our labels', needs('prometheus'), async (t) => {
  const { text, exporter } = await stillFleetExposition(t);
  const prometheus = await startPrometheus(`127.0.0.1:${exporter.app.metricsPort}`);
  t.after(() => prometheus.stop());

  const up = await eventually(async () => {
    const r = await promQuery(prometheus.url, 'up{job="ecoflow"}');
    return r.length === 1 && r[0]!.value[1] === '1' && r;
  }, 'target up', 30_000);
  assert.ok(up);
  const [soc] = await eventually(async () => {
    const r = await promQuery(prometheus.url, `ecoflow_pd_soc{device="${SN.delta2}"}`);
    return r.length === 1 && r;
  }, 'pd_soc stored', 30_000);
  assert.deepEqual(soc!.metric, {
    __name__: 'ecoflow_pd_soc',
    device: SN.delta2,
    device_name: 'DELTA 2-Garage',
    product_name: 'DELTA 2',
    instance: `127.0.0.1:${exporter.app.metricsPort}`,
    job: 'ecoflow',
  });
  assert.equal(Number(soc!.value[1]), sampleValue(text, 'ecoflow_pd_soc', SN.delta2));

  // The quota series of the still fleet do not change between scrapes: all of them arrive.
  const quotaSamples = text.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('ecoflow_exporter_')).length;
  const [stored] = await promQuery(prometheus.url, 'count({job="ecoflow",__name__=~"ecoflow_.+",__name__!~"ecoflow_exporter_.+"})');
  assert.equal(Number(stored!.value[1]), quotaSamples);
  const [scraped] = await promQuery(prometheus.url, 'scrape_samples_scraped{job="ecoflow"} - scrape_samples_post_metric_relabeling{job="ecoflow"}');
  assert.equal(Number(scraped!.value[1]), 0, 'nothing dropped');
});
