import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { AuthenticateError } from 'aedes';

export interface DemoBrokerOptions {
  /** The only credentials accepted; anything else gets CONNACK 4 (bad username or password). */
  username: string;
  password: string;
  /** Default 0: any free port. A fixed one lets tests restart the broker where clients expect it. */
  port?: number;
}

export interface DemoBroker {
  host: '127.0.0.1';
  port: number;
  /** Closes clients, server and broker; idempotent. */
  stop(): Promise<void>;
}

/** CONNACK return code of MQTT 3.1.1 for refused credentials. */
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * An MQTT 3.1.1 broker on plain TCP at 127.0.0.1 for `--demo` and tests, standing in for the
 * EcoFlow broker the certification endpoint names. aedes is imported here, on first use, so an
 * exporter talking to the real cloud never loads it.
 */
export async function startDemoBroker(o: DemoBrokerOptions): Promise<DemoBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      if (
        username !== undefined &&
        password !== undefined &&
        safeEqual(Buffer.from(username), Buffer.from(o.username)) &&
        safeEqual(password, Buffer.from(o.password))
      ) {
        done(null, true);
        return;
      }
      const refusal = Object.assign(new Error('bad username or password'), { returnCode: BAD_USERNAME_OR_PASSWORD });
      done(refusal as AuthenticateError, false);
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: o.port ?? 0, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(`demo MQTT broker cannot listen on 127.0.0.1:${o.port ?? 0}: ${(err as Error).message}`, { cause: err });
  }
  server.unref();
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Connections that never sent CONNECT are not the broker's clients yet.
      for (const socket of sockets) socket.destroy();
      await closed;
    })();
    return stopping;
  };
  return { host: '127.0.0.1', port, stop };
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
