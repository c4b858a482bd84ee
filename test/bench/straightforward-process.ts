/**
 * The straightforward path (straightforward-path.ts) as a process of its own, so that the fleet
 * bench compares its RSS with the exporter's: `n` devices of the bench fleet (bench-fleet.ts) in a
 * snapshot, served by the package's own PrometheusExporter server on `port` (loopback). Every
 * COLLECTING_INTERVAL seconds (default 10, as the exporter polls) each device's payload is parsed
 * again from its JSON text and written to the snapshot, as a poll would. Writes `ready` once it
 * serves; runs until killed.
 *
 * Usage: node straightforward-process.js <devices> <port>
 */
import { QuotaSnapshot } from '../../src/snapshot/quota-snapshot.js';
import { fleetOf } from './bench-fleet.js';
import { StraightforwardPath } from './straightforward-path.js';

const [devices, port] = process.argv.slice(2).map(Number);
if (!Number.isInteger(devices) || !Number.isInteger(port)) throw new Error('usage: straightforward-process.js <devices> <port>');
const fleet = fleetOf(devices!);
const snapshot = new QuotaSnapshot();
snapshot.setDevices(fleet.map((d) => ({ sn: d.sn, name: d.deviceName, productName: d.productName, online: true })));
const texts = fleet.map((d) => JSON.stringify({ code: '0', message: 'Success', data: d.quotas }));
const poll = () => {
  for (let i = 0; i < fleet.length; i++) snapshot.replaceQuotas(fleet[i]!.sn, (JSON.parse(texts[i]!) as { data: Record<string, unknown> }).data, Date.now());
};
poll();
const path = new StraightforwardPath(snapshot, { port: port! });
await path.listening;
setInterval(poll, Number(process.env.COLLECTING_INTERVAL ?? 10) * 1000);
process.stdout.write('ready\n');
