import { createRequire } from 'node:module';

/**
 * Node's memory settings by fleet size, so that nobody has to know V8 to get the right one, and
 * so that every way of starting the exporter gets them: `npm start`, the image, a hand-written
 * systemd unit or a global install running plain `node dist/src/main.js`.
 *
 * V8 reads these only when the process starts, so the exporter sets them by starting itself
 * again, in place (`process.execve`: same process ID, arguments and environment; a container or
 * service manager sees nothing):
 * - at start, when the user gave neither option, with a small fleet's settings: a small young
 *   generation (SMALL_SEMI_SPACE_MB) and an old generation collected once it has grown by
 *   SMALL_FLEET_HEAP_GROWING_PERCENT. Most of what a collection allocates is garbage inside
 *   sdk-metrics; V8 lets the old generation grow to up to four times what the last full collection
 *   left before collecting again, so RSS swung between about 190 and 370 MB at 100 devices. With
 *   the growth capped it was 168 against 287 MB in the bench, for scrapes about 40 % slower
 *   (130 against 94 ms p50), and one device 91 against 117 MB at the same speed (CONTRIBUTING.md,
 *   "With and without the capped heap growth"). Nothing is loaded yet, so this costs one Node
 *   start (tens of ms);
 * - once the first device list shows LARGE_FLEET_DEVICES or more, with Node's defaults, because at
 *   300 devices Node's defaults gave a p50 of 256 ms against 357 ms with the small fleet's
 *   settings, for 512 MB of RSS against 341 MB (one probe each, CONTRIBUTING.md).
 * An option the user gave (either one, on the command line or in NODE_OPTIONS) is theirs: the
 * exporter then restarts for neither.
 */
export const SMALL_SEMI_SPACE_MB = 2;
/** V8's own choice: what Node does without the option. */
export const DEFAULT_SEMI_SPACE_MB = 0;
/** A small fleet's old generation: collected once it has grown by this much over what the last full collection left. */
export const SMALL_FLEET_HEAP_GROWING_PERCENT = 30;
/**
 * Set in the environment of the exporter's own restarts: the settings it runs with are the
 * exporter's choice, not the user's (a user may give the same `--max-semi-space-size=2`, and keeps it).
 */
export const OWN_CHOICE_ENV = 'ECOFLOW_EXPORTER_OWN_SEMI_SPACE';

/** What the exporter restarts with: a small fleet's settings, or Node's defaults for a large fleet. */
export type FleetSetting = 'small' | 'large';

const SETTING_FLAGS: Readonly<Record<FleetSetting, readonly string[]>> = {
  small: [`--max-semi-space-size=${SMALL_SEMI_SPACE_MB}`, `--heap-growing-percent=${SMALL_FLEET_HEAP_GROWING_PERCENT}`],
  // Given as 0 (V8's default) rather than left out: a process that runs with it shows it was set.
  large: [`--max-semi-space-size=${DEFAULT_SEMI_SPACE_MB}`],
};

/** The memory options the exporter manages, as the process runs with them (undefined: not given). */
export interface MemoryOptions {
  semiSpaceMb?: number;
  heapGrowingPercent?: number;
}

// V8 takes either spelling, dashes or underscores.
const SEMI_SPACE = /^--max[-_]semi[-_]space[-_]size=(\d+)$/;
const HEAP_GROWING = /^--heap[-_]growing[-_]percent=(\d+)$/;
const isManaged = (arg: string) => /^--(max[-_]semi[-_]space[-_]size|heap[-_]growing[-_]percent)=/.test(arg);

/** The managed options the process was given; NODE_OPTIONS first: the command line wins over it, as in Node. */
export function memoryOptionsOf(execArgv: readonly string[], nodeOptions: string | undefined): MemoryOptions {
  const found: MemoryOptions = {};
  for (const arg of [...(nodeOptions ?? '').split(/\s+/), ...execArgv]) {
    const semi = SEMI_SPACE.exec(arg);
    if (semi) found.semiSpaceMb = Number(semi[1]);
    const growing = HEAP_GROWING.exec(arg);
    if (growing) found.heapGrowingPercent = Number(growing[1]);
  }
  return found;
}

/** The command line and NODE_OPTIONS of the same process with `setting` in place of any managed option. */
export function withFleetSetting(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  setting: FleetSetting,
): { execArgv: string[]; nodeOptions: string } {
  return {
    execArgv: [...execArgv.filter((a) => !isManaged(a)), ...SETTING_FLAGS[setting]],
    nodeOptions: (nodeOptions ?? '')
      .split(/\s+/)
      .filter((o) => o !== '' && !isManaged(o))
      .join(' '),
  };
}

/**
 * The setting the process should start again with, or undefined to go on as it is: `devices`
 * undefined is the start, before anything is known of the fleet; `ownChoice`: the current
 * options were set by the exporter's own restart (OWN_CHOICE_ENV), so it may change them.
 */
export function memoryRestart(current: MemoryOptions, devices: number | undefined, largeFleetDevices: number, ownChoice: boolean): FleetSetting | undefined {
  const given = current.semiSpaceMb !== undefined || current.heapGrowingPercent !== undefined;
  if (devices === undefined) return given ? undefined : 'small';
  return ownChoice && current.semiSpaceMb === SMALL_SEMI_SPACE_MB && isLargeFleet(devices, largeFleetDevices) ? 'large' : undefined;
}

/** Whether a fleet of `devices` is large enough for Node's defaults; 0 turns it off. */
export function isLargeFleet(devices: number, largeFleetDevices: number): boolean {
  return largeFleetDevices > 0 && devices >= largeFleetDevices;
}

/** For the start-up log line: the young generation. */
export function describeSemiSpace(mb: number | undefined): string {
  if (mb === SMALL_SEMI_SPACE_MB) return 'small';
  return mb === undefined || mb === DEFAULT_SEMI_SPACE_MB ? 'default' : `${mb} MB`;
}

/** For the start-up log line: the old generation's growth between full collections. */
export function describeHeapGrowth(percent: number | undefined): string {
  return percent === undefined || percent === 0 ? 'default' : `${percent} %`;
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
