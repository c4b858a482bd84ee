/**
 * `npm run update-kubernetes`: writes the files under deploy/kubernetes/ that are copies of other
 * files of the repository (test/helpers/kubernetes-files.ts says which, and how they are made).
 * test/artifacts/kubernetes/generated-files-match-sources.test.ts compares them. Running it twice changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../helpers/doc-sections.js';
import { generatedKubernetesFiles } from '../helpers/kubernetes-files.js';

const changed: string[] = [];
for (const { file, text } of generatedKubernetesFiles()) {
  let old: string | undefined;
  try {
    old = readFileSync(repoPath(file), 'utf8');
  } catch {
    old = undefined;
  }
  if (text !== old) {
    writeFileSync(repoPath(file), text);
    changed.push(file);
  }
}
process.stdout.write(changed.length > 0 ? `updated ${changed.join(', ')}\n` : 'the generated Kubernetes files were up to date\n');
