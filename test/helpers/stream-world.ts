import type { TestContext } from 'node:test';
import type { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { StreamPublisher } from '../../src/simulator/stream-publisher.js';
import { startMosquitto, type RunningBroker } from './mosquitto.js';
import { startSimulator, stillDemoFleet } from './simulated-fleet.js';

/** The MQTT account the simulator's certification hands out, as EcoFlow names them. */
export const ACCOUNT = 'open-57c134518b5test';
export const PASSWORD = 'cert-password-959253cc103a4008';
const PUBLISHER = { username: 'simulated-cloud', password: 'publisher-password-0001' };

export interface StreamWorld {
  broker: RunningBroker;
  simulator: CloudSimulator;
  /** The devices' side: publishes as the EcoFlow cloud would. */
  publisher: StreamPublisher;
  /** What an exporter needs to reach this world's broker and trust its CA. */
  env: NodeJS.ProcessEnv;
}

/**
 * A real mosquitto on loopback (TLS with a throwaway CA, password auth), the simulator serving
 * the whole demo fleet with frozen values and a certification that names that broker, and a
 * publisher standing in for the devices. Stopped when the test ends.
 */
export async function startStreamWorld(t: TestContext, options: { certificationPassword?: string } = {}): Promise<StreamWorld> {
  const broker = await startMosquitto({ users: { [ACCOUNT]: PASSWORD, [PUBLISHER.username]: PUBLISHER.password } });
  const simulator = await startSimulator(stillDemoFleet());
  simulator.setCertification({
    url: broker.host,
    port: broker.port,
    protocol: 'mqtts',
    certificateAccount: ACCOUNT,
    certificatePassword: options.certificationPassword ?? PASSWORD,
  });
  const publisher = new StreamPublisher({ simulator, brokerUrl: broker.url, ...PUBLISHER, account: ACCOUNT, ca: broker.caPem, periodMs: 60_000 });
  await publisher.start();
  t.after(async () => {
    await publisher.stop();
    await simulator.stop();
    await broker.stop();
  });
  return { broker, simulator, publisher, env: { NODE_EXTRA_CA_CERTS: broker.caFile, ECOFLOW_MQTT: 'on' } };
}

/** Client IDs that logged in to the broker, in order, from mosquitto's log. */
export function clientIdsSeen(broker: RunningBroker, username = ACCOUNT): string[] {
  const ids: string[] = [];
  for (const m of broker.logs().matchAll(/New client connected from \S+ as (\S+) \([^)]*u'([^']*)'\)/g)) if (m[2] === username) ids.push(m[1]!);
  return ids;
}
