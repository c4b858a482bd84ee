/**
 * A Dockerfile read the way Docker reads it, for tests that check what the image promises
 * (labels, build args, stages) without a Docker engine: instruction by instruction, comment
 * lines dropped, continued lines (`\` at the end) joined; `key=value` arguments unquoted and
 * `$VAR` / `${VAR}` / `${VAR:-word}` / `${VAR:+word}` expanded as in LABEL, ENV and ARG.
 * Heredocs and the `# escape=` directive are refused, not guessed at.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Instruction {
  /** Upper case: FROM, RUN, LABEL… */
  op: string;
  /** Everything after the keyword, continued lines joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  /** The image of `FROM`, `--platform=…` left out. */
  base: string;
  /** `FROM … AS name`. */
  name: string | undefined;
  /** The stage's instructions after its FROM. */
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM. */
  globalArgs: Instruction[];
  stages: Stage[];
}

const INSTRUCTIONS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** The Dockerfile's instructions, in order. Throws on a line that is no instruction (a continuation gone missing). */
export function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  if (/^#\s*escape\s*=/i.test(lines[0] ?? '')) throw new Error('the # escape= directive is not supported');
  const out: Instruction[] = [];
  let current: { parts: string[]; line: number } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // Comment lines are dropped, inside a continuation too (Docker does the same); so are blank lines.
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const continues = /\\$/.test(raw.trimEnd());
    const content = continues ? raw.trimEnd().slice(0, -1) : raw;
    if (current) current.parts.push(content.trim());
    else current = { parts: [content.trim()], line: i + 1 };
    if (continues) return;
    const joined = current.parts.filter((p) => p !== '').join(' ');
    const space = joined.search(/\s/);
    const op = (space < 0 ? joined : joined.slice(0, space)).toUpperCase();
    if (!INSTRUCTIONS.has(op)) throw new Error(`Dockerfile line ${current.line}: not an instruction: ${joined}`);
    const args = space < 0 ? '' : joined.slice(space).trim();
    if (/<<-?["']?\w/.test(args) && (op === 'RUN' || op === 'COPY')) throw new Error(`Dockerfile line ${current.line}: heredocs are not supported`);
    out.push({ op, args, line: current.line });
    current = undefined;
  });
  if (current) throw new Error(`Dockerfile line ${current.line}: continued past the end of the file`);
  return out;
}

/** The Dockerfile split into its global ARGs and its stages. */
export function parseDockerfile(text: string): Dockerfile {
  const result: Dockerfile = { globalArgs: [], stages: [] };
  for (const instruction of instructions(text)) {
    if (instruction.op === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      result.stages.push({ base: words[0]!, name: as < 0 ? undefined : words[as + 1], instructions: [] });
    } else if (result.stages.length === 0) {
      if (instruction.op !== 'ARG') throw new Error(`Dockerfile line ${instruction.line}: ${instruction.op} before the first FROM`);
      result.globalArgs.push(instruction);
    } else {
      result.stages.at(-1)!.instructions.push(instruction);
    }
  }
  return result;
}

/** Values of `$VAR` in expansion: build args and ENV. An unset variable expands to nothing, as in Docker. */
export type Variables = Record<string, string | undefined>;

/**
 * The words of a LABEL, ENV or ARG argument list, unquoted and expanded: double quotes keep
 * spaces and expand, single quotes keep everything, a backslash escapes the next character.
 * `eq` is the index of the first `=` that was not quoted, -1 without one.
 */
function words(args: string, vars: Variables): Array<{ text: string; eq: number }> {
  const out: Array<{ text: string; eq: number }> = [];
  let text = '';
  let eq = -1;
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else text += c;
      continue;
    }
    if (!quote && /\s/.test(c)) {
      if (inWord) out.push({ text, eq });
      text = '';
      eq = -1;
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\' && i + 1 < args.length) {
      text += args[++i];
    } else if (c === '"') {
      quote = quote ? undefined : '"';
    } else if (c === "'" && !quote) {
      quote = "'";
    } else if (c === '$') {
      const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}/.exec(args.slice(i));
      const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(args.slice(i));
      if (braced) {
        const [whole, name, modifier, word] = braced;
        const value = vars[name!];
        const set = value !== undefined && value !== '';
        text += modifier === '-' ? (set ? value : word) : modifier === '+' ? (set ? word : '') : (value ?? '');
        i += whole.length - 1;
      } else if (bare) {
        text += vars[bare[1]!] ?? '';
        i += bare[0].length - 1;
      } else {
        text += c;
      }
    } else {
      if (c === '=' && eq < 0 && !quote) eq = text.length;
      text += c;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in: ${args}`);
  if (inWord) out.push({ text, eq });
  return out;
}

/** `key=value …` pairs of a LABEL or ENV (the old one-pair form `LABEL key value…` too, its words joined by one space), expanded with `vars`. */
export function keyValues(args: string, vars: Variables = {}): Array<[string, string]> {
  const parsed = words(args, vars);
  if (parsed.length >= 2 && parsed[0]!.eq < 0) {
    const [key, ...value] = parsed.map((w) => w.text);
    return [[key!, value.join(' ')]];
  }
  return parsed.map(({ text, eq }) => {
    if (eq < 0) throw new Error(`not key=value: ${text} (in: ${args})`);
    return [text.slice(0, eq), text.slice(eq + 1)];
  });
}

/** The ARGs a stage declares, name → default (undefined without one), in order. */
export function stageArgs(stage: Stage): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const instruction of stage.instructions.filter((i) => i.op === 'ARG')) {
    for (const { text, eq } of words(instruction.args, {})) {
      out.set(eq < 0 ? text : text.slice(0, eq), eq < 0 ? undefined : text.slice(eq + 1));
    }
  }
  return out;
}

/**
 * The labels a stage sets, expanded as `docker build` would with `buildArgs` given: a build arg
 * the stage declares takes the given value, else its default. (ENV values are not needed by the
 * tests and are not tracked.)
 */
export function stageLabels(stage: Stage, buildArgs: Record<string, string> = {}): Map<string, string> {
  const vars: Variables = {};
  const labels = new Map<string, string>();
  for (const instruction of stage.instructions) {
    if (instruction.op === 'ARG') {
      for (const { text, eq } of words(instruction.args, vars)) {
        const name = eq < 0 ? text : text.slice(0, eq);
        vars[name] = Object.hasOwn(buildArgs, name) ? buildArgs[name] : eq < 0 ? undefined : text.slice(eq + 1);
      }
    } else if (instruction.op === 'LABEL') {
      for (const [key, value] of keyValues(instruction.args, vars)) labels.set(key, value);
    }
  }
  return labels;
}

/** The stage the image runs (the last one), instruction by instruction. */
export function runtimeStage(text = readFileSync(fileURLToPath(new URL('../../../Dockerfile', import.meta.url)), 'utf8')): Instruction[] {
  return parseDockerfile(text).stages.at(-1)!.instructions;
}

/** ENV of a stage, the last value of a key winning. */
export function envOf(stage: readonly Instruction[]): Map<string, string> {
  return new Map(stage.filter((i) => i.op === 'ENV').flatMap((i) => keyValues(i.args)));
}

/** HEALTHCHECK's options (`--interval=30s` → interval: '30s') and its CMD, exec form. */
export function healthcheckOf(stage: readonly Instruction[]): { options: Map<string, string>; command: string[] } {
  const found = stage.filter((i) => i.op === 'HEALTHCHECK');
  if (found.length !== 1) throw new Error(`expected one HEALTHCHECK, found ${found.length}`);
  const [options, command] = found[0]!.args.split(/\bCMD\b/) as [string, string];
  return {
    options: new Map([...options.matchAll(/--([\w-]+)=(\S+)/g)].map(([, key, value]) => [key!, value!])),
    command: JSON.parse(command) as string[],
  };
}
