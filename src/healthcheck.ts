#!/usr/bin/env node
/**
 * Container health probe: GET /healthz (or the path given as argument, e.g. /readyz) on the
 * configured port. The Dockerfile HEALTHCHECK probes liveness, compose.yaml readiness.
 * A process edge of its own, like main.ts. Reads EXPORTER_PORT, EXPORTER_HOST and
 * WEB_CONFIG_FILE from the environment only: a port set by CLI flag or config file is invisible
 * here, so containers should set EXPORTER_PORT.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadWebConfig } from './config/web-config.js';

// Read as the exporter reads it (convict's port format: parseInt), so both agree on the port.
const port = Number.parseInt(process.env.EXPORTER_PORT ?? '9090', 10);
const host = process.env.EXPORTER_HOST;
const target = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const tls = process.env.WEB_CONFIG_FILE ? Boolean(loadWebConfig(process.env.WEB_CONFIG_FILE).config?.tls) : false;

if (Number.isNaN(port)) {
  // The exporter refuses to start on such a port: nothing can be healthy.
  process.exit(1);
}
if (port === 0) {
  // Push-only sidecar: no endpoint to probe; the process being alive is all there is.
  process.exit(0);
}
// The probe checks liveness, not the certificate: it is often self-signed for an internal name.
const request = tls ? httpsRequest : httpRequest;
const path = process.argv[2] === '/readyz' ? '/readyz' : '/healthz';
const req = request({ host: target, port, path, timeout: 3000, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
req.end();
