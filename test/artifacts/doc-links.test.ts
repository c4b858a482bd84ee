import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { docFiles, headingAnchors, linkTargets, readDoc, repoPath, slug } from '../helpers/doc-sections.js';

test('GitHub heading anchors: lowercase, punctuation dropped except - and _, spaces become -', () => {
  assert.equal(slug('Health, readiness and logs'), 'health-readiness-and-logs');
  assert.equal(slug('Real time: the MQTT stream'), 'real-time-the-mqtt-stream');
  assert.equal(slug('`npm run demo` and snake_case'), 'npm-run-demo-and-snake_case');
  assert.deepEqual([...headingAnchors('# A\n## A\n```\n# not a heading\n```\n### A')], ['a', 'a-1', 'a-2']);
});

for (const file of docFiles()) {
  test(`${file}: every relative link points at a file that exists, and every #anchor at a heading`, () => {
    const problems: string[] = [];
    for (const target of linkTargets(readDoc(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), decodeURIComponent(path)));
      if (resolved.startsWith('..')) {
        problems.push(`${target}: outside the repository`);
        continue;
      }
      if (!existsSync(repoPath(resolved))) {
        problems.push(`${target}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(readDoc(resolved)).has(anchor)) {
        problems.push(`${target}: no heading #${anchor} in ${resolved}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
