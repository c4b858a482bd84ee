/**
 * The stages of the one-device floor profile (floor-process.ts), in the order each adds to the
 * one before; a module of its own so that the floor process loads nothing else with it.
 */
export const FLOOR_STAGES = ['node', 'sdk', 'fetch', 'modules'] as const;
export type FloorStage = (typeof FLOOR_STAGES)[number];

/** What each stage has loaded, for the tables. */
export const FLOOR_STAGE_TITLES: Readonly<Record<FloorStage, string>> = {
  node: 'Node alone',
  sdk: 'the OpenTelemetry API and SDK, one MeterProvider (the floor)',
  fetch: 'node-fetch and `node:http` (without undici, as main.ts imports it)',
  modules: 'every module main.ts imports before it starts (convict and all of `src/` that `npm start` loads)',
};
