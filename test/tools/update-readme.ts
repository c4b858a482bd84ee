/**
 * `npm run update-readme`: rewrites the README's generated tables (between `<!-- name:start -->`
 * and `<!-- name:end -->`) from the lists the code uses. test/unit/readme.test.ts compares them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { README_TABLES } from '../helpers/readme-tables.js';

const path = fileURLToPath(new URL('../../../README.md', import.meta.url));
let text = readFileSync(path, 'utf8');
for (const [name, make] of Object.entries(README_TABLES)) {
  const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`README has no ${name} section`);
  text = text.replace(re, (_, start: string, end: string) => `${start}${make()}\n${end}`);
}
writeFileSync(path, text);
process.stdout.write(`updated ${Object.keys(README_TABLES).join(', ')} in ${path}\n`);
