/**
 * Every production dependency in package.json earns its place: some file of src/ imports it
 * (statically or with `import()`, a subpath counts). A package only the tests or tools use
 * belongs in devDependencies, out of the image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir = join(REPO, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * The packages a file imports at run time: `import … from`, `export … from`, `import '…'` and
 * `import('…')`. `import type` is left out: the compiler drops it, so it needs no package at run time.
 */
function packagesImported(text: string): string[] {
  const statics = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s*)?'([^']+)'/gm)];
  const dynamics = [...text.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g)];
  return [...statics, ...dynamics]
    .map((m) => m[1]!)
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:') && !builtinModules.includes(spec.split('/')[0]!))
    .map((spec) =>
      spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

test('the import scan finds every form of import and leaves type-only ones out', () => {
  const text = [
    "import { a } from 'plain';",
    "import {\n  b,\n  c,\n} from '@scope/multi/sub/path';",
    "export { d } from 'reexported';",
    "import 'side-effect';",
    "const e = await import('dynamic');",
    "import type { F } from 'types-only';",
    "import { g } from './relative.js';",
    "import { h } from 'node:fs';",
    "import { i } from 'fs';",
    "export const j = 'not-an-import';",
  ].join('\n');
  assert.deepEqual(packagesImported(text).sort(), ['@scope/multi', 'dynamic', 'plain', 'reexported', 'side-effect']);
});

test('every package in dependencies is imported by src/', () => {
  const { dependencies } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const imported = new Set(sourceFiles().flatMap((file) => packagesImported(readFileSync(file, 'utf8'))));
  assert.ok(imported.size > 5, 'the scan finds the imports of src/');
  assert.deepEqual(
    Object.keys(dependencies).filter((name) => !imported.has(name)),
    [],
    'dependencies no file of src/ imports: import them where they serve, or move them to devDependencies',
  );
});
