import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { SN, eventually } from '../helpers/simulated-fleet.js';
import { sampleValue, startPair, valueWith } from '../helpers/running-exporter.js';
import { BINARIES, needs, promQuery, startPrometheus } from '../helpers/external-servers.js';
import { GOLDEN, goldenExposition, goldenPath } from '../helpers/golden.js';
import { AWKWARD_QUOTAS } from '../helpers/awkward-quotas.js';

async function stillFleetExposition(t: import('node:test').TestContext) {
  const { exporter } = await startPair(t);
  const text = await eventually(async () => {
    const body = await exporter.scrape();
    return [SN.delta2, SN.powerStream, SN.smartPlug].every((sn) => body.split(`device="${sn}"`).length > 10) && body;
  }, 'all devices read');
  return { text, exporter };
}

for (const [name, scenario] of Object.entries(GOLDEN)) {
  test(`the /metrics exposition matches the golden file (${name}: ${scenario.file})`, async () => {
    const { normalised: actual } = await goldenExposition(scenario);
    const path = goldenPath(scenario);
    assert.ok(existsSync(path), `golden file missing: ${path} (npm run update-golden writes it)`);
    const expected = readFileSync(path, 'utf8');
    if (actual !== expected) {
      // Line diffs are far easier to read than the assertion's string diff.
      const a = new Set(actual.split('\n'));
      const e = new Set(expected.split('\n'));
      const missing = [...e].filter((l) => !a.has(l)).slice(0, 20);
      const extra = [...a].filter((l) => !e.has(l)).slice(0, 20);
      assert.fail(`exposition differs from ${path} (npm run update-golden rewrites it)\nmissing:\n${missing.join('\n')}\nunexpected:\n${extra.join('\n')}`);
    }
  });
}

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
  const prometheus = await startPrometheus(`127.0.0.1:${exporter.config.exporter.port}`);
  t.after(() => prometheus.stop());

  const up = await eventually(
    async () => {
      const r = await promQuery(prometheus.url, 'up{job="ecoflow"}');
      return r.length === 1 && r[0]!.value[1] === '1' && r;
    },
    'target up',
    30_000,
  );
  assert.ok(up);
  const [soc] = await eventually(
    async () => {
      const r = await promQuery(prometheus.url, `ecoflow_pd_soc{device="${SN.delta2}"}`);
      return r.length === 1 && r;
    },
    'pd_soc stored',
    30_000,
  );
  assert.deepEqual(soc!.metric, {
    __name__: 'ecoflow_pd_soc',
    device: SN.delta2,
    device_name: 'DELTA 2-Garage',
    product_name: 'DELTA 2',
    instance: `127.0.0.1:${exporter.config.exporter.port}`,
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

/** 100k keys, deep nesting, keys of every kind of character, NaN/Infinity strings, huge numbers. */
function hostilePayload(): Record<string, unknown> {
  let deep: unknown = 1;
  for (let i = 0; i < 200; i++) deep = { [`level${i}`]: deep, [`n${i}`]: [i] };
  // The odd keys first: the series cap keeps the first ones of a payload.
  const quotas: Record<string, unknown> = { deep, ...AWKWARD_QUOTAS };
  for (let i = 0; i < 100_000; i++) quotas[`bulk.k${i}`] = i;
  return quotas;
}

test('a hostile payload still gives an exposition Prometheus scrapes without error, capped per device', needs('prometheus'), async (t) => {
  const fleet = [
    { sn: 'HOSTILE000000001', deviceName: 'Name with "quotes", \\ and\nnewline', productName: 'Ünknown ☀', online: true, quotas: hostilePayload() },
  ];
  const { exporter } = await startPair(t, { COLLECTING_INTERVAL: '10', MAX_SERIES_PER_DEVICE: '20000', MAX_METRICS_PER_DEVICE: '20000' }, fleet);
  const text = await eventually(
    async () => {
      const body = await exporter.scrape();
      return body.includes('ecoflow_exporter_series_dropped{') && body;
    },
    'hostile payload read',
    30_000,
  );
  const dropped = valueWith(text, 'ecoflow_exporter_series_dropped', { device: 'HOSTILE000000001' })!;
  assert.ok(dropped > 80_000, `dropped ${dropped}`);
  assert.ok(exporter.logs.some((l) => l.includes('more series than MAX_SERIES_PER_DEVICE')));
  assert.match(text, /device_name="Name with \\"quotes\\", \\\\ and\\nnewline"/);

  // A subtest, so a missing promtool shows as a skip with its reason (a failure under CI).
  await t.test('promtool finds no format errors in it', needs('promtool'), () => {
    let status = 0;
    let output = '';
    try {
      execFileSync(BINARIES.promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      status = (err as { status: number }).status;
      output = String((err as { stdout: string }).stdout) + String((err as { stderr: string }).stderr);
    }
    assert.ok(status === 0 || status === 3, `promtool: ${status}\n${output.slice(0, 2000)}`);
    assert.doesNotMatch(output, /error while linting|parse/i);
  });

  const started = Date.now();
  await exporter.scrape();
  t.diagnostic(`one scrape of ${text.length} bytes took ${Date.now() - started} ms`);
  const prometheus = await startPrometheus(`127.0.0.1:${exporter.config.exporter.port}`, { intervalS: 3, timeoutS: 3 });
  t.after(() => prometheus.stop());
  await eventually(
    async () => {
      const r = await promQuery(prometheus.url, 'up{job="ecoflow"}');
      return r.length === 1 && r[0]!.value[1] === '1';
    },
    'target up',
    30_000,
  );
  const [series] = await promQuery(prometheus.url, 'count({job="ecoflow",device="HOSTILE000000001",__name__!~"ecoflow_exporter_.+"})');
  assert.ok(Number(series!.value[1]) >= 20_000, `stored ${series!.value[1]}`);
  const [name] = await promQuery(prometheus.url, 'ecoflow_temp_c');
  assert.equal(name!.value[1], '21.5');
  assert.equal(name!.metric.product_name, 'Ünknown ☀');
});
