/**
 * `npm run update-golden`: rewrites the golden `/metrics` files from the exporter as it is now.
 * Run it after an intended change of the output, and read the diff before committing it.
 */
import { writeFileSync } from 'node:fs';
import { GOLDEN, goldenExposition, goldenPath } from '../helpers/golden.js';

for (const scenario of Object.values(GOLDEN)) {
  const { normalised } = await goldenExposition(scenario);
  writeFileSync(goldenPath(scenario), normalised);
  process.stdout.write(`wrote ${goldenPath(scenario)}\n`);
}
