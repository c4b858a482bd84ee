import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { finished } from 'node:stream';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebConfig } from '../config/web-config.js';
import type { Logger } from '../log/logger.js';
import { basicAuthenticator } from './basic-auth.js';

/** A rendered exposition: the body, and the same gzipped on demand. */
export interface RenderedMetrics {
  /** As it is when render() resolves; to read it later, hold it. */
  body: Buffer;
  gzip(): Promise<Buffer>;
  /** Keeps the body as it is until the function returned is called. */
  hold(): () => void;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** Renders the Prometheus exposition; must only read memory. */
  render: () => Promise<RenderedMetrics>;
  /** /readyz answers 200 while this is true. */
  isReady: () => boolean;
  onError?: (error: unknown) => void;
  /** TLS, when set, makes the endpoint HTTPS. */
  tls?: WebConfig['tls'];
  /** When set, every path but /healthz and /readyz needs it to say yes. */
  authenticate?: (req: IncomingMessage) => Promise<boolean>;
}

// Probes (Docker HEALTHCHECK, Kubernetes) cannot easily send credentials; they reveal nothing.
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Serves /metrics, /healthz and /readyz. Knows nothing of EcoFlow. */
export class MetricsServer {
  readonly #options: MetricsServerOptions;
  #server?: Server;

  constructor(options: MetricsServerOptions) {
    this.#options = options;
  }

  async start(): Promise<number> {
    if (this.#server) return this.port;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#guard(req, res);
    const tls = this.#options.tls;
    const server: Server = tls
      ? createTlsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ca: tls.ca,
            requestCert: Boolean(tls.ca),
            rejectUnauthorized: tls.requireClientCert,
            minVersion: tls.minVersion ?? 'TLSv1.2',
          },
          handler,
        )
      : createServer(handler);
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    this.#server = server;
    const { host, port } = this.#options;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException) => {
        this.#server = undefined;
        // The commonest start-up failure a newcomer meets: say how to get out of it.
        reject(
          err.code === 'EADDRINUSE' ? new Error(`${host}:${port} is already in use; choose another port with EXPORTER_PORT or --port`, { cause: err }) : err,
        );
      };
      server.once('error', fail);
      server.listen({ host, port }, () => {
        server.off('error', fail);
        resolve();
      });
    });
    server.unref();
    return this.port;
  }

  /** Where /metrics is, for people: a wildcard host shown as localhost, an IPv6 one in brackets. */
  get url(): string {
    const { host } = this.#options;
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return `${this.#options.tls ? 'https' : 'http'}://${shown}:${this.port}/metrics`;
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #guard(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authenticate = this.#options.authenticate;
    const path = (req.url ?? '/').split('?')[0]!;
    if (authenticate && !OPEN_PATHS.has(path)) {
      let ok = false;
      try {
        ok = await authenticate(req);
      } catch (err) {
        this.#options.onError?.(err);
      }
      if (!ok) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="ecoflow-exporter"', 'content-type': 'text/plain; charset=utf-8' });
        res.end('unauthorized\n');
        return;
      }
    }
    this.#handle(req, res);
  }

  async #metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rendered = await this.#options.render();
    if (acceptsGzip(req.headers['accept-encoding'])) {
      send(res, 200, PROMETHEUS_CONTENT_TYPE, await rendered.gzip(), { 'content-encoding': 'gzip', vary: 'accept-encoding' });
    } else {
      // The socket may read the body long after end(), from a slow client; finished() also
      // calls back for a response whose client left while the collection ran.
      const release = rendered.hold();
      finished(res, () => release());
      send(res, 200, PROMETHEUS_CONTENT_TYPE, rendered.body, { vary: 'accept-encoding' });
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/metrics':
        this.#metrics(req, res).catch((err) => {
          this.#options.onError?.(err);
          if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n');
          else res.destroy();
        });
        return;
      case '/healthz':
        send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
        return;
      case '/readyz':
        if (this.#options.isReady()) send(res, 200, 'text/plain; charset=utf-8', 'ready\n');
        else send(res, 503, 'text/plain; charset=utf-8', 'not ready: the EcoFlow device list has not loaded yet\n');
        return;
      case '/':
        send(
          res,
          200,
          'text/html; charset=utf-8',
          '<!doctype html><title>EcoFlow exporter</title><h1>EcoFlow exporter</h1>' +
            '<p><a href="/metrics">Metrics</a> · <a href="/healthz">Health</a> · <a href="/readyz">Readiness</a></p>\n',
        );
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** True when the client takes gzip (Prometheus asks for it); `gzip;q=0` says no. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** A started server as the web config file describes it (TLS, basic auth); the log says where it serves. */
export async function serveMetrics(
  o: Omit<MetricsServerOptions, 'onError' | 'tls' | 'authenticate'> & { web?: WebConfig; logger: Logger },
): Promise<MetricsServer> {
  const server = new MetricsServer({
    host: o.host,
    port: o.port,
    render: o.render,
    isReady: o.isReady,
    onError: (error) => o.logger.error('/metrics failed', { error: String(error) }),
    tls: o.web?.tls,
    authenticate: o.web?.basicAuthUsers && basicAuthenticator(o.web.basicAuthUsers),
  });
  await server.start();
  o.logger.info('serving metrics', { url: server.url, basic_auth: Boolean(o.web?.basicAuthUsers) });
  return server;
}
