/** The option table of docs/configuration.md, made from the schema so the two cannot drift apart. */
import { configSchema } from '../../../src/config/config-schema.js';
import { walkOptions } from '../../../src/config/option.js';

export function configTable(): string {
  const rows = ['| environment | CLI flag | config file key | default | meaning |', '|---|---|---|---|---|'];
  for (const { spec } of walkOptions(configSchema)) {
    const def = spec.default === '' ? '(empty)' : `\`${String(spec.default)}\``;
    rows.push(`| \`${spec.env}\` | ${spec.arg ? `\`--${spec.arg}\`` : '—'} | \`${spec.key}\` | ${def} | ${spec.doc.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}
