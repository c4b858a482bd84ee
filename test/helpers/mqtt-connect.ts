import mqtt from 'mqtt';

/** What a one-off MQTT connection to `host:port` with these credentials meets: undefined when it connects, else the error. */
export async function connectError(host: string, port: number, credentials: { username?: string; password?: string }): Promise<unknown> {
  return mqtt.connectAsync(`mqtt://${host}:${port}`, { ...credentials, reconnectPeriod: 0, log: () => undefined }).then(
    (client) => void client.end(true),
    (error: unknown) => error,
  );
}
