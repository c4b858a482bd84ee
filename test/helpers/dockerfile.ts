/**
 * The Dockerfile, instruction by instruction: continuation lines joined, comments dropped (also
 * those between continued lines, as Docker drops them), grouped by stage.
 */
import { readFileSync } from 'node:fs';
import { repoPath } from './doc-sections.js';

export interface Instruction {
  /** Upper case: FROM, ENV, HEALTHCHECK, … */
  op: string;
  args: string;
}

export function dockerfileStages(text = readFileSync(repoPath('Dockerfile'), 'utf8')): Instruction[][] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (continued) continue;
    const whole = pending.trim();
    pending = '';
    if (whole === '') continue;
    const space = whole.search(/\s/);
    instructions.push({ op: (space < 0 ? whole : whole.slice(0, space)).toUpperCase(), args: space < 0 ? '' : whole.slice(space).trim() });
  }
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** The stage the image runs: the last one. */
export function runtimeStage(): Instruction[] {
  return dockerfileStages().at(-1)!;
}

/** ENV of a stage, `KEY=value` pairs (several per instruction), the last one winning. */
export function envOf(stage: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const { args } of stage.filter((i) => i.op === 'ENV')) {
    for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env.set(key!, value!.replace(/^"(.*)"$/, '$1'));
  }
  return env;
}

/** HEALTHCHECK's options (`--interval=30s` → interval: '30s') and its CMD, exec form. */
export function healthcheckOf(stage: Instruction[]): { options: Map<string, string>; command: string[] } {
  const found = stage.filter((i) => i.op === 'HEALTHCHECK');
  if (found.length !== 1) throw new Error(`expected one HEALTHCHECK, found ${found.length}`);
  const [options, command] = found[0]!.args.split(/\bCMD\b/) as [string, string];
  return {
    options: new Map([...options.matchAll(/--([\w-]+)=(\S+)/g)].map(([, key, value]) => [key!, value!])),
    command: JSON.parse(command) as string[],
  };
}
