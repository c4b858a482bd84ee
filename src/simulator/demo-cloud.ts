/**
 * Demo mode's EcoFlow cloud: the simulator with the demo fleet on loopback, fresh random keys
 * (nothing a user typed), and, unless the stream is off, the embedded broker with the devices
 * publishing to it. The exporter then talks to it exactly as it would to EcoFlow.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { CloudSimulator } from './cloud-simulator.js';
import { demoFleet } from './fleet.js';

export interface DemoCloud {
  apiHost: string;
  accessKey: string;
  secretKey: string;
  simulator: CloudSimulator;
  stop(): Promise<void>;
}

/** `logger`: told where the demo cloud runs, once it does. */
export async function startDemoCloud(options: { stream: boolean; logger?: Logger }): Promise<DemoCloud> {
  const accessKey = `demo-${randomBytes(12).toString('hex')}`;
  const secretKey = randomBytes(24).toString('hex');
  const simulator = new CloudSimulator({ accessKey, secretKey, devices: demoFleet() });
  const apiHost = await simulator.start(0, '127.0.0.1');
  let stream: { stop(): Promise<void> } | undefined;
  try {
    if (options.stream) {
      // The MQTT side (broker, publisher, the mqtt package) loads only when the stream is on.
      const { startDemoStream } = await import('./demo-stream.js');
      stream = await startDemoStream(simulator);
    }
  } catch (err) {
    await simulator.stop();
    throw err;
  }
  options.logger?.info('demo mode: the built-in EcoFlow cloud simulator', { api_host: apiHost, mqtt: options.stream });
  return {
    apiHost,
    accessKey,
    secretKey,
    simulator,
    async stop() {
      await stream?.stop();
      await simulator.stop();
    },
  };
}
