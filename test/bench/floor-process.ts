/**
 * The floor of the one-device memory target (`npm run bench`, issue 21), and what the exporter's
 * imports add to it, each stage a fresh process that loads one thing more than the one before:
 * - `node`: Node alone;
 * - `sdk` (the floor): the OpenTelemetry API and SDK loaded and one MeterProvider made;
 * - `fetch`: and node-fetch, with `node:http` imported as main.ts imports it (without undici);
 * - `modules`: and every module main.ts imports before it starts (the app and all it imports:
 *   config with convict, the poller, the EcoFlow client, the metrics and exporters that
 *   `npm start` loads).
 * The fleet bench starts each with the exporter's Node options and reads its RSS once it
 * settles. Writes `ready` and then idles until killed.
 *
 * Usage: node floor-process.js [node|sdk|fetch|modules]  (default sdk)
 */
import { FLOOR_STAGES, type FloorStage } from './floor-stages.js';

const stage = (process.argv[2] ?? 'sdk') as FloorStage;
if (!FLOOR_STAGES.includes(stage)) throw new Error(`usage: floor-process.js [${FLOOR_STAGES.join('|')}]`);
const upTo = FLOOR_STAGES.indexOf(stage);
// Held for the life of the process, as an exporter holds what it loaded.
const held: unknown[] = [];
if (upTo >= FLOOR_STAGES.indexOf('sdk')) {
  held.push(await import('@opentelemetry/api'));
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  held.push(new MeterProvider());
}
if (upTo >= FLOOR_STAGES.indexOf('fetch')) {
  const { importHttpWithoutUndici } = await import('../../src/node-options.js');
  await importHttpWithoutUndici();
  held.push(await import('node-fetch'));
}
if (upTo >= FLOOR_STAGES.indexOf('modules')) {
  held.push(
    ...(await Promise.all([
      import('../../src/app.js'),
      import('../../src/config/load-config.js'),
      import('../../src/poller/poller.js'),
      import('../../src/log/logger.js'),
      import('../../src/version.js'),
    ])),
  );
}
setInterval(() => held, 60_000);
process.stdout.write('ready\n');
