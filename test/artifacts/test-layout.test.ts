/**
 * Tests are found by place: test/unit mirrors src/ one file to one, so the test of
 * src/a/b.ts is test/unit/a/b.test.ts and every test file there names the module it tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Modules with no behaviour of their own to test, each with the reason. */
const EXEMPT: Record<string, string> = {
  'src/version.ts': 'a constant read from package.json',
  'src/ecoflow/types.ts': 'types only',
  'src/devices/delta3-generation.ts': "data rows, checked with the DELTA 3 and DELTA Pro 3 tables' tests and families.test.ts",
  'src/catalog/shipped-queries.ts': 'generated data, checked by test/artifacts/shipped-queries.test.ts',
};

function files(dir: string, suffix: string): string[] {
  return readdirSync(`${REPO}${dir}`, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(`${dir}/${e.name}`, suffix) : e.name.endsWith(suffix) ? [`${dir}/${e.name}`] : [],
  );
}

const testOf = (module: string) => module.replace(/^src\//, 'test/unit/').replace(/\.ts$/, '.test.ts');

test('every module of src/ has its test at the same path under test/unit/, or is exempt with a reason', () => {
  const modules = files('src', '.ts');
  assert.ok(modules.length > 50, 'the sources are there');
  const missing = modules.filter((m) => !EXEMPT[m] && !existsSync(`${REPO}${testOf(m)}`));
  assert.deepEqual(missing, [], 'modules without a test file of their own');
});

test('an exempt module exists and has no test file (else it is not exempt)', () => {
  for (const module of Object.keys(EXEMPT)) {
    assert.ok(existsSync(`${REPO}${module}`), `${module} is gone: drop it from EXEMPT`);
    assert.ok(!existsSync(`${REPO}${testOf(module)}`), `${module} has a test: drop it from EXEMPT`);
  }
});

test('every test file under test/unit/ tests the module at its path', () => {
  const orphans = files('test/unit', '.test.ts').filter((t) => !existsSync(`${REPO}${t.replace(/^test\/unit\//, 'src/').replace(/\.test\.ts$/, '.ts')}`));
  assert.deepEqual(
    orphans,
    [],
    'test files with no module at their path: checks of shipped files go to test/artifacts/, tests of several parts to test/integration/',
  );
});

test('npm test runs test:unit, test:artifacts and test:integration: every test file sits in one of the three', () => {
  const scripts = (JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const tests = files('test', '.test.ts');
  assert.ok(tests.length > 20);
  for (const file of tests) assert.match(file, /^test\/(unit|integration|artifacts)\//);
  for (const part of ['unit', 'artifacts', 'integration']) assert.match(scripts[`test:${part}`]!, new RegExp(`dist/test/${part}`), `test:${part}`);
  assert.match(scripts.test!, /find dist\/test -name '\*\.test\.js'/, 'npm test runs every test file');
});
