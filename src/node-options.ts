/**
 * Node's memory settings by fleet size, so that nobody has to know V8 to get the right one.
 *
 * `npm start` and the image run Node with a small young generation (`--max-semi-space-size=2`):
 * for one to a hundred devices it keeps RSS lower (about 20 MB at one device, measured on Node
 * 24) at no cost in scrape time. At a few hundred devices each collection's garbage outgrows
 * it: on the same machine 300 devices scraped at a p50 of 525 ms with it and 323 ms without
 * (CONTRIBUTING.md, "Measured comparisons"). The exporter learns its fleet size from the first device list, so at
 * LARGE_FLEET_DEVICES and more it restarts itself once, in place (same process ID, so a
 * container or service manager sees nothing), without that option.
 */
export const SMALL_FLEET_OPTION = '--max-semi-space-size=2';

/** Whether the running process has the small-fleet option, given on the command line or in NODE_OPTIONS. */
export function hasSmallFleetOption(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.includes(SMALL_FLEET_OPTION) || (nodeOptions ?? '').split(/\s+/).includes(SMALL_FLEET_OPTION);
}

/** The command line and NODE_OPTIONS of the same process without the small-fleet option. */
export function withoutSmallFleetOption(execArgv: readonly string[], nodeOptions: string | undefined): { execArgv: string[]; nodeOptions: string } {
  return {
    execArgv: execArgv.filter((a) => a !== SMALL_FLEET_OPTION),
    nodeOptions: (nodeOptions ?? '')
      .split(/\s+/)
      .filter((o) => o !== '' && o !== SMALL_FLEET_OPTION)
      .join(' '),
  };
}

/** Whether a fleet of `devices` is large enough to restart without the small-fleet option; 0 turns it off. */
export function isLargeFleet(devices: number, largeFleetDevices: number): boolean {
  return largeFleetDevices > 0 && devices >= largeFleetDevices;
}
