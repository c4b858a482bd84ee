/**
 * `npm run update-docs`: rewrites the docs' generated sections (between `<!-- name:start -->`
 * and `<!-- name:end -->`, in the file test/helpers/doc-sections.ts names for each) from the
 * lists the code uses, and src/catalog/shipped-queries.ts from the shipped dashboards and alert
 * rules. test/artifacts/docs.test.ts and test/artifacts/shipped-queries.test.ts compare them.
 * Running it twice changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_SECTIONS, HAND_WRITTEN_SECTIONS, between, docFiles, readDoc, repoPath, rewrite, sectionMarkers } from '../helpers/doc-sections.js';
import { SHIPPED_QUERIES_FILE, shippedQueriesModule } from './doc-tables/shipped-queries.js';

const problems: string[] = [];
for (const file of docFiles()) {
  for (const name of sectionMarkers(readDoc(file))) {
    const section = GENERATED_SECTIONS[name];
    if (section === undefined && !HAND_WRITTEN_SECTIONS.has(name)) problems.push(`${file}: section ${name} has no generator`);
    else if (section !== undefined && section.file !== file) problems.push(`${file}: section ${name} belongs in ${section.file}`);
  }
}
const texts = new Map<string, string>();
for (const [name, { file, make }] of Object.entries(GENERATED_SECTIONS)) {
  const text = texts.get(file) ?? readDoc(file);
  const count = sectionMarkers(text).filter((n) => n === name).length;
  if (count !== 1 || between(text, name) === undefined) {
    problems.push(`${file}: needs exactly one ${name} section (<!-- ${name}:start --> … <!-- ${name}:end -->), has ${count}`);
    continue;
  }
  texts.set(file, rewrite(text, name, make()));
}
// A generated module is written whole.
texts.set(SHIPPED_QUERIES_FILE, shippedQueriesModule());
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
const changed: string[] = [];
for (const [file, text] of texts) {
  if (text !== readDoc(file)) {
    writeFileSync(repoPath(file), text);
    changed.push(file);
  }
}
process.stdout.write(changed.length > 0 ? `updated ${changed.join(', ')}\n` : 'the generated sections and files were up to date\n');
