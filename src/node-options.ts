import { createRequire } from 'node:module';

/**
 * Node's memory settings by fleet size, so that nobody has to know V8 to get the right one, and
 * so that every way of starting the exporter gets them: `npm start`, the image, a hand-written
 * systemd unit or a global install running plain `node dist/src/main.js`.
 *
 * V8 reads its young-generation size only when the process starts, so the exporter sets it by
 * starting itself again, in place (`process.execve`: same process ID, arguments and
 * environment; a container or service manager sees nothing):
 * - at start, when no `--max-semi-space-size` was given, with a small young generation
 *   (SMALL_SEMI_SPACE_MB): for one to a hundred devices it keeps RSS about 20 MB lower at no
 *   cost in scrape time; nothing is loaded yet, so this costs one Node start (tens of ms);
 * - once the first device list shows LARGE_FLEET_DEVICES or more, with Node's default (0), because
 *   at a few hundred devices each collection's garbage outgrows the small one and scrapes take
 *   60 % longer (CONTRIBUTING.md, "With and without the small young generation").
 * A size the user gave (command line or NODE_OPTIONS) is theirs: never changed.
 */
export const SMALL_SEMI_SPACE_MB = 2;
/** V8's own choice: what Node does without the option. */
export const DEFAULT_SEMI_SPACE_MB = 0;
/**
 * Set in the environment of the exporter's own restarts: the size it runs with is the exporter's
 * choice, not the user's (a user may give the same `--max-semi-space-size=2`, and keeps it).
 */
export const OWN_CHOICE_ENV = 'ECOFLOW_EXPORTER_OWN_SEMI_SPACE';

const OPTION = '--max-semi-space-size';

/** The young-generation size the process runs with: its value in MB, or undefined if none was given. */
export function semiSpaceOf(execArgv: readonly string[], nodeOptions: string | undefined): number | undefined {
  let found: number | undefined;
  // NODE_OPTIONS first: the command line wins over it, as in Node.
  for (const arg of [...(nodeOptions ?? '').split(/\s+/), ...execArgv]) {
    const match = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg);
    if (match) found = Number(match[1]);
  }
  return found;
}

/** The command line and NODE_OPTIONS of the same process with the young generation at `mb`. */
export function withSemiSpace(execArgv: readonly string[], nodeOptions: string | undefined, mb: number): { execArgv: string[]; nodeOptions: string } {
  const isOption = (arg: string) => /^--max[-_]semi[-_]space[-_]size=/.test(arg);
  return {
    execArgv: [...execArgv.filter((a) => !isOption(a)), `${OPTION}=${mb}`],
    nodeOptions: (nodeOptions ?? '')
      .split(/\s+/)
      .filter((o) => o !== '' && !isOption(o))
      .join(' '),
  };
}

/**
 * The young generation the process should start again with, or undefined to go on as it is:
 * `devices` undefined is the start, before anything is known of the fleet; `ownChoice`: the
 * current size was set by the exporter's own restart (OWN_CHOICE_ENV), so it may change it.
 */
export function semiSpaceRestart(current: number | undefined, devices: number | undefined, largeFleetDevices: number, ownChoice: boolean): number | undefined {
  if (devices === undefined) return current === undefined ? SMALL_SEMI_SPACE_MB : undefined;
  return ownChoice && current === SMALL_SEMI_SPACE_MB && isLargeFleet(devices, largeFleetDevices) ? DEFAULT_SEMI_SPACE_MB : undefined;
}

/** Whether a fleet of `devices` is large enough for Node's default young generation; 0 turns it off. */
export function isLargeFleet(devices: number, largeFleetDevices: number): boolean {
  return largeFleetDevices > 0 && devices >= largeFleetDevices;
}

/** For the start-up log line. */
export function describeSemiSpace(mb: number | undefined): string {
  if (mb === SMALL_SEMI_SPACE_MB) return 'small';
  return mb === undefined || mb === DEFAULT_SEMI_SPACE_MB ? 'default' : `${mb} MB`;
}

/** Node's `http` lends these from its bundled undici through lazy getters (nodejs/node#53721). */
const UNDICI_EXPORTS = ['WebSocket', 'CloseEvent', 'MessageEvent'] as const;

/**
 * Builds the ES module namespace of `node:http` without loading undici. An `import` of a builtin
 * reads every export to build its namespace once, so the first `import … from 'node:http'` (ours,
 * node-fetch's) runs the three getters above and loads undici: about 4 MB of RSS for a WebSocket
 * client nothing here uses (the same cause makes that import slower than a require:
 * nodejs/node#59686). Called before anything imports `node:http`: the namespace gets undefined for
 * the three, and the module object keeps its getters for whoever asks `http.WebSocket` later.
 */
export async function importHttpWithoutUndici(): Promise<void> {
  const http = createRequire(import.meta.url)('node:http') as Record<string, unknown>;
  const lazy: Array<[string, PropertyDescriptor]> = [];
  for (const name of UNDICI_EXPORTS) {
    const descriptor = Object.getOwnPropertyDescriptor(http, name);
    if (!descriptor?.get || !descriptor.configurable) continue;
    lazy.push([name, descriptor]);
    Object.defineProperty(http, name, { value: undefined, writable: true, enumerable: descriptor.enumerable, configurable: true });
  }
  try {
    await import('node:http');
  } finally {
    for (const [name, descriptor] of lazy) Object.defineProperty(http, name, descriptor);
  }
}
