import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configTable } from '../tools/doc-tables/config-table.js';
import { FAMILIES } from '../../src/devices/families.js';
import { coverageMatrix, familiesWithout, familyNotes, portsTable, sourcesLegend, unifiedMetricsTable } from '../tools/doc-tables/device-tables.js';
import { energyRatingsTable, energyTable } from '../tools/doc-tables/energy-table.js';
import { metricsTable } from '../tools/doc-tables/metrics-table.js';
import {
  benchTargets,
  energyComparison,
  fleetInternals,
  fleetTable,
  heapGrowthComparison,
  nodeOptionsComparison,
  runtimeComparison,
} from '../bench/fleet-tables.js';

/**
 * The docs' generated sections: each lives between `<!-- name:start -->` and `<!-- name:end -->`
 * in one file (a path from the repository root), and `make` writes it from the lists the code
 * uses. `npm run update-docs` rewrites them; test/artifacts/docs.test.ts compares them.
 */
export interface GeneratedSection {
  readonly file: string;
  readonly make: () => string;
}

export const GENERATED_SECTIONS: Readonly<Record<string, GeneratedSection>> = {
  'config-table': { file: 'docs/configuration.md', make: configTable },
  'metrics-table': { file: 'docs/metrics.md', make: () => metricsTable() },
  'unified-table': { file: 'docs/metrics.md', make: () => unifiedMetricsTable() },
  'ports-table': { file: 'docs/metrics.md', make: portsTable },
  'energy-table': { file: 'docs/energy.md', make: energyTable },
  'energy-ratings': { file: 'docs/energy.md', make: energyRatingsTable },
  'family-list': { file: 'docs/devices.md', make: familyList },
  'coverage-matrix': { file: 'docs/devices.md', make: coverageMatrix },
  'family-notes': { file: 'docs/devices.md', make: familyNotes },
  'sources-legend': { file: 'docs/devices.md', make: sourcesLegend },
  'no-ac-input-voltage': { file: 'docs/operations.md', make: () => familiesWithout('acInputVoltage') },
  'fleet-table': { file: 'docs/performance.md', make: () => fleetTable() },
  'fleet-internals': { file: 'CONTRIBUTING.md', make: () => fleetInternals() },
  'bench-targets': { file: 'CONTRIBUTING.md', make: () => benchTargets() },
  'runtime-comparison': { file: 'CONTRIBUTING.md', make: () => runtimeComparison() },
  'node-options-comparison': { file: 'CONTRIBUTING.md', make: () => nodeOptionsComparison() },
  'heap-growth-comparison': { file: 'CONTRIBUTING.md', make: () => heapGrowthComparison() },
  'energy-cost': { file: 'CONTRIBUTING.md', make: () => energyComparison() },
};

/** The families with a table of their own, and the models each covers. */
function familyList(): string {
  return ['| family | models |', '|---|---|', ...FAMILIES.map((f) => `| \`${f.id}\` | ${f.title} |`)].join('\n');
}

/**
 * Sections with start/end markers that no generator writes: the alert list is written by hand
 * and checked against prometheus/alerts.yml.
 */
export const HAND_WRITTEN_SECTIONS: ReadonlySet<string> = new Set(['alerts']);

const ROOT = new URL('../../../', import.meta.url);

/** Absolute path of a file given from the repository root. */
export function repoPath(file: string): string {
  return fileURLToPath(new URL(file, ROOT));
}

/** The documentation files: README.md, CONTRIBUTING.md and docs/*.md, from the repository root. */
export function docFiles(): string[] {
  const docs = readdirSync(repoPath('docs/'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

export function readDoc(file: string): string {
  return readFileSync(repoPath(file), 'utf8');
}

/** Names of the `<!-- name:start -->` markers on lines of their own, in order (repeats included). */
export function sectionMarkers(text: string): string[] {
  return [...text.matchAll(/^<!-- ([\w:-]+):start -->$/gm)].map((m) => m[1]!);
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text between `<!-- name:start -->` and `<!-- name:end -->`, without the markers' lines. */
export function between(text: string, name: string): string | undefined {
  return new RegExp(`<!-- ${escape(name)}:start -->\\n([\\s\\S]*?)\\n?<!-- ${escape(name)}:end -->`).exec(text)?.[1];
}

/** The text with the section `name` made anew. */
export function rewrite(text: string, name: string, content: string): string {
  const re = new RegExp(`(<!-- ${escape(name)}:start -->\\n)[\\s\\S]*?(<!-- ${escape(name)}:end -->)`);
  return text.replace(re, (_, start: string, end: string) => `${start}${content}\n${end}`);
}

/** The fenced block that follows `<!-- name -->`. */
export function fencedAfter(text: string, name: string): string | undefined {
  return new RegExp(`<!-- ${escape(name)} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(text)?.[1];
}

/**
 * GitHub's anchor for a heading: lowercase; characters other than letters, digits, spaces, `-`
 * and `_` dropped; spaces become `-`. Repeated headings get `-1`, `-2`, … (see headingAnchors).
 */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading anchor of a markdown text (fenced code skipped). */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutCode(text).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The text with fenced code blocks blanked and inline code removed (links there are not links). */
export function withoutCode(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline markdown links `[text](target)` and images, code excluded. */
export function linkTargets(text: string): string[] {
  return [...withoutCode(text).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}
