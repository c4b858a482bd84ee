import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { EcoflowClient } from '../../../src/ecoflow/ecoflow-client.js';
import { EcoflowApiError } from '../../../src/ecoflow/errors.js';
import { type DemoCloud, startDemoCloud } from '../../../src/simulator/demo-cloud.js';
import { demoFleet } from '../../../src/simulator/fleet.js';
import { decodeQuotaMessage } from '../../../src/stream/message-codec.js';
import { eventually } from '../../helpers/simulated-fleet.js';
import { connectError } from '../../helpers/mqtt-connect.js';
import { inFreshProcess } from '../../helpers/fresh-process.js';

type TestContext = import('node:test').TestContext;

async function demoCloud(t: TestContext, stream: boolean): Promise<DemoCloud> {
  const cloud = await startDemoCloud({ stream });
  t.after(() => cloud.stop());
  return cloud;
}

/** The exporter's own REST client, pointed at the demo cloud as demo mode points it. */
function clientOf(t: TestContext, cloud: Pick<DemoCloud, 'apiHost' | 'accessKey' | 'secretKey'>): EcoflowClient {
  const client = new EcoflowClient({ baseUrl: cloud.apiHost, accessKey: cloud.accessKey, secretKey: cloud.secretKey });
  t.after(() => client.close());
  return client;
}

test('the demo fleet is served on 127.0.0.1 to the exporter client with fresh random keys', async (t) => {
  const cloud = await demoCloud(t, false);
  assert.match(cloud.apiHost, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(cloud.simulator.url, cloud.apiHost);
  assert.match(cloud.accessKey, /^demo-[0-9a-f]{24}$/);
  assert.match(cloud.secretKey, /^[0-9a-f]{48}$/);

  const client = clientOf(t, cloud);
  const devices = await client.listDevices();
  assert.deepEqual(
    devices.map((d) => d.sn),
    demoFleet().map((d) => d.sn),
  );
  const delta2 = demoFleet()[0]!;
  assert.equal(typeof (await client.getAllQuotas(delta2.sn))?.['pd.soc'], 'number');

  // Another demo has keys of its own: neither cloud takes the other's.
  const other = await demoCloud(t, false);
  assert.notEqual(other.accessKey, cloud.accessKey);
  assert.notEqual(other.secretKey, cloud.secretKey);
  const crossed = await clientOf(t, { ...other, apiHost: cloud.apiHost })
    .listDevices()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(crossed instanceof EcoflowApiError);
  assert.equal(crossed.apiCode, '8513');
});

test('without the stream there is no broker: the certification endpoint answers an API error', async (t) => {
  const cloud = await demoCloud(t, false);
  const err = await clientOf(t, cloud)
    .getCertification()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(err instanceof EcoflowApiError);
  assert.equal(err.apiCode, '-1');
});

test("with the stream, the certification names a broker that takes its credentials and carries the devices' values", async (t) => {
  const cloud = await demoCloud(t, true);
  const certification = await clientOf(t, cloud).getCertification();
  assert.equal(certification.host, '127.0.0.1');
  assert.equal(certification.protocol, 'mqtt');
  const client = await mqtt.connectAsync(`mqtt://${certification.host}:${certification.port}`, {
    username: certification.account,
    password: certification.password,
    reconnectPeriod: 0,
    log: () => undefined,
  });
  client.on('error', () => undefined);
  t.after(() => client.endAsync(true));
  const serials = new Set<string>();
  client.on('message', (topic, payload) => {
    if (decodeQuotaMessage(payload).kind === 'quota') serials.add(topic.split('/')[3]!);
  });
  await client.subscribeAsync(`/open/${certification.account}/+/quota`);
  // A change made through the simulator goes out at once; the moving values every second.
  const [device] = demoFleet();
  cloud.simulator.setQuota(device!.sn, 'pd.soc', 12);
  await eventually(() => serials.has(device!.sn) && serials.size >= 3, `quota messages of several devices (${[...serials].join(', ')})`, 5000);
});

test('stop() stops the API and, with the stream, the broker; it can be called again', async () => {
  const cloud = await startDemoCloud({ stream: true });
  const client = new EcoflowClient({ baseUrl: cloud.apiHost, accessKey: cloud.accessKey, secretKey: cloud.secretKey, timeoutMs: 2000 });
  const certification = await client.getCertification();
  client.close();
  await cloud.stop();
  await cloud.stop();
  await assert.rejects(fetch(`${cloud.apiHost}/iot-open/sign/device/list`));
  const err = await connectError(certification.host, certification.port, { username: certification.account, password: certification.password });
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('the MQTT side (broker, publisher, the mqtt and aedes packages) is loaded only when the stream is on', async () => {
  // A fresh process: in this one the MQTT side is loaded already. It records every module
  // resolved, then starts a demo without the stream and, as a control, one with it.
  const module = new URL('../../../src/simulator/demo-cloud.js', import.meta.url).href;
  const { off, on } = await inFreshProcess<{ off: number; on: number }>(`
    const mqttSide = () => resolved.filter((url) => /\\/(demo-stream|demo-broker|stream-publisher)\\.js$|\\/node_modules\\/(mqtt|aedes)\\//.test(url)).length;
    const { startDemoCloud } = await import(${JSON.stringify(module)});
    const without = await startDemoCloud({ stream: false });
    await without.stop();
    const off = mqttSide();
    const withStream = await startDemoCloud({ stream: true });
    await withStream.stop();
    process.stdout.write(JSON.stringify({ off, on: mqttSide() }));
  `);
  assert.equal(off, 0, 'nothing of the MQTT side without the stream');
  assert.ok(on >= 5, `the control: ${on} modules of the MQTT side with the stream`);
});
