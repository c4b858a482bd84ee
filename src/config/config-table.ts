import { configSchema } from './config-schema.js';

/** The README's configuration table, made from the schema so the two cannot drift apart. */
export function configTable(): string {
  const rows = ['| environment | CLI flag | config file key | default | meaning |', '|---|---|---|---|---|'];
  const walk = (node: Record<string, any>, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === 'object' && 'doc' in value) {
        const def = value.default === '' ? '(empty)' : `\`${String(value.default)}\``;
        rows.push(
          `| \`${value.env}\` | ${value.arg ? `\`--${value.arg}\`` : '—'} | \`${[...path, key].join('.')}\` | ${def} | ${String(value.doc).replace(/\|/g, '\\|')} |`,
        );
      } else walk(value, [...path, key]);
    }
  };
  walk(configSchema, []);
  return rows.join('\n');
}
