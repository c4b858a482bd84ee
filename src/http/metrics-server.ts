import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** Renders the Prometheus exposition; must only read memory. */
  render: () => Promise<string>;
  /** /readyz answers 200 while this is true. */
  isReady: () => boolean;
  onError?: (error: unknown) => void;
}

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
    const server = createServer((req, res) => this.#handle(req, res));
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.#options.host, port: this.#options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    return this.port;
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

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/metrics':
        this.#options.render().then(
          (text) => send(res, 200, PROMETHEUS_CONTENT_TYPE, text),
          (err) => {
            this.#options.onError?.(err);
            send(res, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n');
          },
        );
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

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
