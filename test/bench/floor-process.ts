/**
 * The floor of the one-device memory target (`npm run bench`, issue 21): Node with the
 * OpenTelemetry API and SDK loaded and one MeterProvider made, nothing else. The fleet bench
 * starts it with the exporter's Node options and reads its RSS once it settles. Writes `ready`
 * and then idles until killed.
 */
import '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

// Held for the life of the process, as an exporter holds its provider.
const provider = new MeterProvider();
setInterval(() => provider, 60_000);
process.stdout.write('ready\n');
