import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoBroker } from '../../../src/simulator/demo-broker.js';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { LiveStream, type StreamReporter } from '../../../src/stream/live-stream.js';
import { eventually } from '../../helpers/simulated-fleet.js';

const ACCOUNT = 'open-unit000000002';
const PASSWORD = 'unit-test-password-2';

const reporter: StreamReporter = { recordStreamState() {}, recordStreamMessage() {}, recordStreamUnknown() {}, recordStreamMerge() {} };

test('two installations with one client ID knock each other off: the log says so, once', { timeout: 60_000 }, async (t) => {
  const broker = await startDemoBroker({ username: ACCOUNT, password: PASSWORD });
  t.after(() => broker.stop());
  const logs: string[] = [];
  const logger = new Logger({ level: 'info', format: 'json', write: (line) => logs.push(line), repeatWindowMs: 0 });
  const streams = [0, 1].map(
    () =>
      new LiveStream({
        snapshot: new QuotaSnapshot(),
        certification: async () => ({ host: broker.host, port: broker.port, protocol: 'mqtt', account: ACCOUNT, password: PASSWORD }),
        clientId: 'ecoflow-exporter-same-id',
        silenceMs: 60_000,
        reconcileIntervalMs: 300_000,
        logger,
        reporter,
      }),
  );
  t.after(() => Promise.all(streams.map((s) => s.stop())));
  for (const s of streams) await s.start('auto');
  await eventually(() => logs.some((l) => l.includes('is another installation using this key with the same client ID')), 'the hint', 45_000);
  assert.equal(logs.filter((l) => l.includes('is another installation')).length, 1);
});
