/**
 * Demo mode's MQTT side: an embedded broker on loopback (plain TCP, which the exporter accepts
 * only there) that the simulator's certification endpoint names, with fresh credentials, and the
 * simulated devices publishing their moving values to it every second.
 */
import { randomBytes } from 'node:crypto';
import type { CloudSimulator } from './cloud-simulator.js';
import { startDemoBroker } from './demo-broker.js';
import { StreamPublisher } from './stream-publisher.js';

/** Started: the broker, the certification naming it, and the publisher connected to it. */
export async function startDemoStream(simulator: CloudSimulator): Promise<{ stop(): Promise<void> }> {
  const account = `open-demo${randomBytes(6).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  const broker = await startDemoBroker({ username: account, password });
  simulator.setCertification({ url: broker.host, port: broker.port, protocol: 'mqtt', certificateAccount: account, certificatePassword: password });
  const publisher = new StreamPublisher({ simulator, brokerUrl: `mqtt://${broker.host}:${broker.port}`, username: account, password, account });
  const stop = async () => {
    simulator.setCertification(undefined);
    await publisher.stop();
    await broker.stop();
  };
  try {
    await publisher.start();
  } catch (err) {
    // Nothing of a start that failed is left running, nor named by the certification.
    await stop();
    throw err;
  }
  return { stop };
}
