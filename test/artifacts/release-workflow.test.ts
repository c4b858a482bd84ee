import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseDockerfile, stageArgs, stageLabels } from '../helpers/dockerfile.js';

/**
 * The release workflow cannot run here (no GitHub runner, no registry): it is checked for what
 * it promises. A `v*` tag scans the image, then builds and pushes it for amd64 and arm64 to
 * ghcr.io, with the version as the build arg the Dockerfile's label reads.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  'continue-on-error'?: unknown;
  steps: Step[];
}
const workflow = parse(read('.github/workflows/release.yml')) as { on: unknown; permissions?: unknown; jobs: Record<string, Job> };
const jobs = Object.entries(workflow.jobs);

const action = (step: Step) => step.uses?.split('@')[0];
interface Found {
  job: string;
  index: number;
  step: Step;
}
function find(name: string): Found[] {
  return jobs.flatMap(([job, { steps }]) => steps.flatMap((step, index) => (action(step) === name ? [{ job, index, step }] : [])));
}
function only(name: string, filter: (f: Found) => boolean = () => true): Found {
  const found = find(name).filter(filter);
  assert.equal(found.length, 1, `one ${name} step${found.length ? `, not ${found.length}` : ''}`);
  return found[0]!;
}
/** A `with` value that lists items, one a line or comma-separated (platforms, severity). */
const list = (value: unknown) =>
  String(value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
/** A `with` value that lists items one a line, commas being part of an item (tags rules, build-args). */
const lines = (value: unknown) =>
  String(value ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
const isTrue = (value: unknown) => value === true || value === 'true';

const pushStep = () => only('docker/build-push-action', (f) => isTrue(f.step.with?.push));
const scanStep = () => only('aquasecurity/trivy-action');

/** The jobs `job` waits for, directly or through others. */
function upstream(job: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const needs = workflow.jobs[name]?.needs;
    for (const n of typeof needs === 'string' ? [needs] : (needs ?? [])) if (!seen.has(n)) seen.add(n), visit(n);
  };
  visit(job);
  return seen;
}
/** Whether step `a` has finished, successfully, before step `b` starts. */
function before(a: Found, b: Found): boolean {
  if (a.job === b.job) return a.index < b.index;
  return upstream(b.job).has(a.job);
}

/** `KEY=value` lines of a build step's build-args (the action does not split them at commas). */
function buildArgs(step: Step): Map<string, string> {
  return new Map(lines(step.with?.['build-args']).map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]));
}
/** `${{ steps.<id>.outputs.<name> }}` references in a value, resolved to the step (action and inputs) they read. */
function resolveStepOutputs(job: string, value: string): string {
  return value.replace(/\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g, (_, id: string, output: string) => {
    const step = workflow.jobs[job]!.steps.find((s) => s.id === id);
    assert.ok(step, `${job}: a step with id ${id}`);
    return `${step.uses}(${JSON.stringify(step.with)}).${output}`;
  });
}
/** The metadata-action step a value's `steps.<id>.outputs.<output>` names, which must come before `at` in its job. */
function metadataStepOf(value: unknown, output: string, at: Found): Step {
  const id = new RegExp(`^\\$\\{\\{\\s*steps\\.([\\w-]+)\\.outputs\\.${output}\\s*\\}\\}$`).exec(String(value))?.[1];
  assert.ok(id, `${String(value)} is a step's ${output} output`);
  const index = workflow.jobs[at.job]!.steps.findIndex((s) => s.id === id);
  assert.ok(index >= 0 && index < at.index, `step ${id} runs before, in the same job`);
  const step = workflow.jobs[at.job]!.steps[index]!;
  assert.equal(action(step), 'docker/metadata-action');
  return step;
}

test('the workflow runs on a pushed v* tag, and on nothing else', () => {
  assert.deepEqual(workflow.on, { push: { tags: ['v*'] } });
});

test('the pushing step builds exactly linux/amd64 and linux/arm64, from . and the Dockerfile, after QEMU and Buildx are set up', () => {
  const push = pushStep();
  assert.deepEqual(list(push.step.with?.platforms).sort(), ['linux/amd64', 'linux/arm64']);
  for (const setup of ['docker/setup-qemu-action', 'docker/setup-buildx-action']) {
    const steps = find(setup).filter((f) => f.job === push.job);
    assert.ok(
      steps.some((f) => f.index < push.index),
      `${setup} before the push, in its job`,
    );
  }
  for (const build of find('docker/build-push-action')) {
    assert.equal(build.step.with?.context, '.', `${build.job}: context .`);
    assert.ok(build.step.with?.file === 'Dockerfile' || build.step.with?.file === undefined, `${build.job}: the Dockerfile`);
  }
  assert.ok(existsSync(join(REPO, 'Dockerfile')));
});

test('the image goes to ghcr.io, tagged from the git tag by semver', () => {
  const push = pushStep();
  const login = only('docker/login-action');
  assert.ok(login.job === push.job && login.index < push.index, 'login before the push, in its job (a login does not outlive its job)');
  assert.equal(login.step.with?.registry, 'ghcr.io');
  assert.equal(login.step.with?.password, '${{ secrets.GITHUB_TOKEN }}');
  const meta = metadataStepOf(push.step.with?.tags, 'tags', push);
  assert.deepEqual(lines(meta.with?.images), ['ghcr.io/${{ github.repository }}']);
  const rules = lines(meta.with?.tags);
  assert.ok(rules.includes('type=semver,pattern={{version}}'), 'the full version as a tag');
  for (const rule of rules) assert.match(rule, /^type=semver,/, 'tags come from the git tag only');
  // Nothing else pushes: no other build step, no `docker push` in a script.
  for (const build of find('docker/build-push-action').filter((f) => f.job !== push.job || f.index !== push.index)) {
    assert.ok(!isTrue(build.step.with?.push) && !build.step.with?.outputs, `${build.job}: step ${build.index} pushes nothing`);
  }
  for (const [, { steps }] of jobs) for (const step of steps) assert.doesNotMatch(step.run ?? '', /docker\s+(image\s+)?push|--push/);
});

test('a vulnerability scan of the image runs before the push and fails the release on a fixable CRITICAL or HIGH finding', () => {
  const push = pushStep();
  const scan = scanStep();
  assert.ok(before(scan, push), 'the scan finishes before the push starts (same job, or a job the push needs)');
  assert.equal(workflow.jobs[push.job]!.if, undefined, 'the push job has no `if` that could run it after a failed scan');
  assert.ok(Number(scan.step.with?.['exit-code']) > 0, 'findings fail the step');
  assert.deepEqual(list(scan.step.with?.severity).sort(), ['CRITICAL', 'HIGH']);
  assert.ok(isTrue(scan.step.with?.['ignore-unfixed']), 'only findings with a fix available');
  assert.equal(scan.step.if, undefined);
  assert.ok(!scan.step['continue-on-error'] && !workflow.jobs[scan.job]!['continue-on-error'], 'a failed scan fails its job');

  // What it scans: the image a build step before it loaded into Docker, built as the pushed one is.
  const built = only('docker/build-push-action', (f) => f.step.with?.tags === scan.step.with?.['image-ref']);
  assert.ok(built.job === scan.job && built.index < scan.index, 'built before the scan, in its job');
  assert.ok(isTrue(built.step.with?.load) && !isTrue(built.step.with?.push), 'loaded into Docker, not pushed');
  const resolved = (f: Found) => new Map([...buildArgs(f.step)].map(([k, v]) => [k, resolveStepOutputs(f.job, v)]));
  assert.deepEqual(resolved(built), resolved(push), 'the same build args, read from the same kind of step');
  assert.equal(built.step.with?.file, push.step.with?.file);
});

test("the version goes to the build as the build arg the Dockerfile's version label reads, and the source as SOURCE_URL", () => {
  const runtime = parseDockerfile(read('Dockerfile')).stages.at(-1)!;
  const declared = stageArgs(runtime);
  // Which ARG each label reads: give every ARG a value naming it.
  const labels = stageLabels(runtime, Object.fromEntries([...declared.keys()].map((name) => [name, `<${name}>`])));
  const argOf = (label: string) => /^<(\w+)>$/.exec(labels.get(`org.opencontainers.image.${label}`) ?? '')?.[1];
  assert.equal(argOf('version'), 'VERSION');
  assert.equal(argOf('source'), 'SOURCE_URL');

  for (const build of find('docker/build-push-action')) {
    const args = buildArgs(build.step);
    for (const name of args.keys()) assert.ok(declared.has(name), `${build.job}: build arg ${name} is an ARG of the image's stage`);
    metadataStepOf(args.get('VERSION'), 'version', build);
    assert.equal(args.get('SOURCE_URL'), '${{ github.server_url }}/${{ github.repository }}');
  }
});

test('permissions: read the repository everywhere, write packages only in the pushing job', () => {
  assert.deepEqual(workflow.permissions, { contents: 'read' });
  const push = pushStep();
  assert.deepEqual(workflow.jobs[push.job]!.permissions, { contents: 'read', packages: 'write' });
  for (const [name, job] of jobs) {
    if (name === push.job) continue;
    for (const [scope, level] of Object.entries(job.permissions ?? {})) assert.notEqual(level, 'write', `${name}: ${scope}: write`);
  }
});

test('actions are pinned to a major version, or to a commit', () => {
  for (const [job, { steps }] of jobs) {
    for (const step of steps.filter((s) => s.uses)) assert.match(step.uses!, /^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/, `${job}: ${step.uses}`);
  }
  for (const name of [
    'actions/checkout',
    'docker/setup-qemu-action',
    'docker/setup-buildx-action',
    'docker/login-action',
    'docker/metadata-action',
    'docker/build-push-action',
  ]) {
    for (const { step } of find(name)) assert.match(step.uses!, /@v\d+$/, `${name}: a major version`);
  }
});
