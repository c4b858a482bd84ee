import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs `body`, an ES module's code, in a fresh Node process (the module cache of this one cannot
 * answer what a module loads), with `resolved`: every module URL resolved so far. Returns what
 * `body` writes to stdout, parsed as JSON.
 */
export async function inFreshProcess<T>(body: string): Promise<T> {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    registerHooks({ resolve: (specifier, context, next) => { const r = next(specifier, context); resolved.push(r.url); return r; } });
    ${body}
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script]);
  return JSON.parse(stdout) as T;
}
