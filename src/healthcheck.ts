#!/usr/bin/env node
/**
 * Container health probe (Dockerfile HEALTHCHECK): GET /healthz on the configured port.
 * A process edge of its own, like main.ts. Reads EXPORTER_PORT / EXPORTER_HOST only: a port set
 * by CLI flag or config file is invisible here, so containers should set EXPORTER_PORT.
 */
const port = Number(process.env.EXPORTER_PORT ?? '9090');
const host = process.env.EXPORTER_HOST;
const target = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

if (port === 0) {
  // Push-only sidecar: no endpoint to probe; the process being alive is all there is.
  process.exit(0);
}
fetch(`http://${target}:${port}/healthz`, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
