/**
 * The layers of src/, as CONTRIBUTING.md's layout declares them once: every import (type-only
 * ones included) goes from a layer to one below it, never up nor sideways, every folder of src/
 * is in the list, and no module imports itself round a circle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(REPO, 'src');

/** The layout's layers, top first: each a set of `src/` entries (folders as `name/`, root files as `name.ts`). */
function declaredLayers(): string[][] {
  const text = readFileSync(join(REPO, 'CONTRIBUTING.md'), 'utf8');
  const layout = text.slice(text.indexOf('## Layout'));
  const block = /```\n([\s\S]*?)```/.exec(layout)?.[1];
  assert.ok(block, "CONTRIBUTING.md's layout has its block");
  return block
    .split('\n')
    .filter((line) => line.startsWith('src/'))
    .map((line) =>
      line
        .split(/\s{2,}/)[0]!
        .split(' ')
        .map((entry) => entry.replace(/^src\//, '')),
    );
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The entry of the layout a source file belongs to: its top folder, or itself at the root. */
function entryOf(file: string): string {
  const path = relative(SRC, file);
  const top = path.split('/')[0]!;
  return path.includes('/') ? `${top}/` : top;
}

/** Every relative import of a file (static, `export … from`, dynamic, type-only), resolved to a .ts path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.filter((s) => s.endsWith('.js')).map((s) => normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))));
}

test("every folder and root file of src/ is in CONTRIBUTING.md's layout, once", () => {
  const declared = declaredLayers().flat();
  assert.equal(new Set(declared).size, declared.length, `listed twice: ${declared.join(' ')}`);
  const present = new Set(sourceFiles().map(entryOf));
  for (const entry of present) assert.ok(declared.includes(entry), `src/${entry} is not in the layout`);
  for (const entry of declared) assert.ok(present.has(entry), `the layout lists src/${entry}, which does not exist`);
});

test('imports go down the layers only: never up, never to a sibling on the same line', () => {
  const layers = declaredLayers();
  const layerOf = new Map(layers.flatMap((entries, i) => entries.map((e) => [e, i] as const)));
  const against: string[] = [];
  for (const file of sourceFiles()) {
    const from = entryOf(file);
    for (const target of importsOf(file)) {
      if (!target.startsWith(SRC)) continue;
      const to = entryOf(target);
      if (to === from) continue;
      // Root files are one layer: they may use one another.
      if (!from.endsWith('/') && !to.endsWith('/')) continue;
      if (!(layerOf.get(to)! > layerOf.get(from)!)) against.push(`${relative(REPO, file)} → ${relative(REPO, target)}`);
    }
  }
  assert.deepEqual(against, []);
});

test('no module of src/ imports itself round a circle', () => {
  const graph = new Map(sourceFiles().map((f) => [f, importsOf(f).filter((t) => t.startsWith(SRC))]));
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(circles, []);
});
