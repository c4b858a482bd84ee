import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Update {
  'package-ecosystem': string;
  directory: string;
  schedule?: { interval?: string };
  ignore?: Array<{ 'dependency-name': string }>;
}

const config = () => parse(readFileSync(`${REPO}.github/dependabot.yml`, 'utf8')) as { version: number; updates: Update[] };

test('Dependabot watches the npm dependencies, the base image and the GitHub Actions, each where it lives', () => {
  const { version, updates } = config();
  assert.equal(version, 2);
  const byEcosystem = new Map(updates.map((u) => [u['package-ecosystem'], u]));
  for (const [ecosystem, where] of [
    ['npm', 'package.json'],
    ['docker', 'Dockerfile'],
    ['github-actions', '.github/workflows/release.yml'],
  ] as const) {
    const update = byEcosystem.get(ecosystem);
    assert.ok(update, `${ecosystem} is watched`);
    assert.equal(update.directory, '/', `${ecosystem}: ${where} is in the repository's root (the workflows under it)`);
    assert.ok(update.schedule?.interval, `${ecosystem} has a schedule`);
  }
});

test('the bundled Node.js binaries are not left out of the npm updates', () => {
  const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { optionalDependencies: Record<string, string> };
  const npm = config().updates.find((u) => u['package-ecosystem'] === 'npm')!;
  const ignored = new Set((npm.ignore ?? []).map((i) => i['dependency-name']));
  for (const name of Object.keys(pkg.optionalDependencies)) assert.ok(!ignored.has(name), `${name} is updated`);
});

test('the base image is pinned to a full version, so that an update is a change Dependabot can propose', () => {
  const dockerfile = readFileSync(`${REPO}Dockerfile`, 'utf8');
  const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
  assert.ok(bases.length >= 1);
  for (const base of bases) assert.match(base, /^node:\d+\.\d+\.\d+-alpine(\d+\.\d+)?$/, base);
});
