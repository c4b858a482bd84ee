/**
 * Every family with a table. Detection by product name and serial prefix is unambiguous; by
 * key shape the first match wins, and each family's shape keys (and value test) were checked
 * against every payload we have: none matches another family's.
 */
import type { DeviceFamily } from './device-family.js';
import { delta2 } from './delta2.js';
import { delta2Max } from './delta2-max.js';
import { river2 } from './river2.js';
import { deltaPro } from './delta-pro.js';
import { deltaMax } from './delta-max.js';
import { deltaProUltra } from './delta-pro-ultra.js';
import { powerstream } from './powerstream.js';
import { smartPlug } from './smart-plug.js';
import { glacier } from './glacier.js';
import { wave2 } from './wave2.js';
import { delta3 } from './delta3.js';
import { deltaPro3 } from './delta-pro-3.js';
import { stream } from './stream.js';
import { streamMicroinverter } from './stream-microinverter.js';
import { powerocean } from './powerocean.js';
import { smartMeter } from './smart-meter.js';
import { smartHomePanel } from './smart-home-panel.js';

/** In detection order: by key shape, the first family that matches wins. */
export const FAMILIES: readonly DeviceFamily[] = [delta2, delta2Max, river2, deltaPro, deltaMax, deltaProUltra, delta3, deltaPro3, streamMicroinverter, stream, powerstream, smartPlug, glacier, wave2, powerocean, smartHomePanel, smartMeter];
