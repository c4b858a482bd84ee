import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceModels } from '../../../src/devices/device-models.js';
import { startEnergy, type EnergyServiceOptions } from '../../../src/energy/energy-service.js';
import { Logger } from '../../../src/log/logger.js';
import { QuotaSnapshot } from '../../../src/snapshot/quota-snapshot.js';
import { StalenessRule } from '../../../src/snapshot/staleness.js';
import { SN, TEST_FAMILY, byName } from '../../helpers/energy-world.js';

function setup(stateFile: EnergyServiceOptions['stateFile']) {
  const lines: Array<Record<string, unknown>> = [];
  const snapshot = new QuotaSnapshot();
  snapshot.setDevices([{ sn: SN, name: 'test', productName: 'Test', online: true }]);
  const options: EnergyServiceOptions = {
    snapshot,
    models: new DeviceModels({ families: [TEST_FAMILY] }),
    staleness: new StalenessRule({ staleAfterMs: 60_000 }),
    logger: new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)), repeatWindowMs: 0 }),
    reporter: { recordEnergyRejected: () => {}, recordEnergyStateWrite: () => {}, recordEnergyStateKept: () => {} },
    stateFile,
    version: '1.2.3',
  };
  return { snapshot, lines, options };
}

test('without a state file: one line saying why, and the counters exported as they stand', async () => {
  const { snapshot, lines, options } = setup({ why: 'demo mode' });
  const energy = await startEnergy(options);
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.replaceQuotas(SN, { pv: 100 }, 10_000);
  assert.equal(byName(energy.ledger.readings(SN))['portInputEnergy{solar}'], 1000);
  assert.deepEqual(
    lines.filter((l) => String(l.msg).startsWith('no energy state file')).map((l) => l.why),
    ['demo mode'],
  );
  await energy.stop();
});

test('with a state file: counters exported as written, and stop() writes the last state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'energy-service-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'energy.json');
  const { snapshot, options } = setup({ path, intervalMs: 60_000 });
  const energy = await startEnergy(options);
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.replaceQuotas(SN, { pv: 100 }, 10_000);
  assert.equal(byName(energy.ledger.readings(SN))['portInputEnergy{solar}'], undefined, 'not written yet');
  await energy.stop();
  const saved = JSON.parse(readFileSync(path, 'utf8')).devices[SN].integrated['portInputEnergy/solar'].joules as number;
  assert.ok(saved >= 1000, `${saved} J`);
  assert.equal(byName(energy.ledger.readings(SN))['portInputEnergy{solar}'], saved, 'what was written is what is exported');
});

test('a state file that cannot be written at start: no state this run, counters exported as they stand', async () => {
  const { snapshot, lines, options } = setup({ path: '/proc/ecoflow-exporter-test-energy.json', intervalMs: 60_000 });
  const energy = await startEnergy(options);
  snapshot.replaceQuotas(SN, { pv: 100 }, 0);
  snapshot.replaceQuotas(SN, { pv: 100 }, 10_000);
  assert.equal(byName(energy.ledger.readings(SN))['portInputEnergy{solar}'], 1000);
  assert.ok(lines.some((l) => l.level === 'error' && String(l.msg).includes('not kept across restarts')));
  await energy.stop();
});
