import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { smartMeter } from '../../../src/devices/smart-meter.js';
import { isStreamOnlyModel } from '../../../src/devices/detect-family.js';
import { FAMILIES } from '../../../src/devices/families.js';
import { readLifetime } from '../../../src/energy/quota-readings.js';
import type { LifetimeCounterRow } from '../../../src/devices/device-family.js';
import { detectFamily, payloadQuotas, quotaMap, unifiedValues } from '../../helpers/unified.js';

const lifetime = (metric: string) => smartMeter.energy.rows.find((r): r is LifetimeCounterRow => r.kind === 'lifetime' && r.metric === metric)!;

test('Smart Meter: the live capture gives grid power, and import and export counters in joules', () => {
  const quotas = payloadQuotas('smartmeter');
  // Hand-computed from src/simulator/payloads/smartmeter.json (colombod/ecoflow-sdk recording).
  assert.deepEqual(unifiedValues(smartMeter, quotas), {
    grid_power_watts: 1148.4448, // powGetSysGrid, W
    'grid_phase_power_watts{L1}': 1148.4448, // gridConnectionPowerL1, W: a one-phase house
    'grid_phase_power_watts{L2}': 0,
    'grid_phase_power_watts{L3}': 0,
  });
  assert.equal(readLifetime(lifetime('gridImportEnergy'), quotas)?.joules, 12_822_300 * 3600);
  assert.equal(readLifetime(lifetime('gridExportEnergy'), quotas)?.joules, 12_973 * 3600);
});

test('Smart Meter: import − export is the net counter in every push of the capture that carries the record, as the table reads them', () => {
  const file = fileURLToPath(new URL('../../../../test/fixtures/streams/smartmeter-stream.json', import.meta.url));
  const pushes = JSON.parse(readFileSync(file, 'utf8')).pushes as Array<{ params: { gridConnectionDataRecord?: Record<string, number> } }>;
  const records = pushes.map((p) => p.params.gridConnectionDataRecord).filter((r) => r !== undefined);
  assert.equal(records.length, 19);
  for (const r of records) assert.equal(r.todayActive! - r.totalReactiveEnergy!, r.totalActiveEnergy);
  // A push with the record nested, as the stream sends it: the counters are read inside it.
  const pushed = quotaMap({ gridConnectionDataRecord: { todayActive: 100, totalReactiveEnergy: 40, totalActiveEnergy: 60 } });
  assert.equal(readLifetime(lifetime('gridImportEnergy'), pushed)?.joules, 360_000);
  assert.equal(readLifetime(lifetime('gridExportEnergy'), pushed)?.joules, 144_000);
});

test('Smart Meter: found by name, serial number and keys; stream-only by name or serial before any value', () => {
  assert.equal(detectFamily({ sn: '', productName: '' }, payloadQuotas('smartmeter'), FAMILIES), smartMeter);
  assert.equal(detectFamily({ sn: 'BK21XXXXXXXXXX03', productName: '' }, new Map(), FAMILIES), smartMeter);
  assert.equal(detectFamily({ sn: 'X', productName: 'smart meter' }, new Map(), FAMILIES), smartMeter);
  assert.equal(isStreamOnlyModel({ sn: 'BK21XXXXXXXXXX03', productName: '' }, FAMILIES), true);
  assert.equal(isStreamOnlyModel({ sn: 'X', productName: 'Smart Meter' }, FAMILIES), true);
  // A STREAM reports the system's grid power too, but is read over REST.
  assert.equal(isStreamOnlyModel({ sn: 'BK61XXXX', productName: 'STREAM Ultra' }, FAMILIES), false);
  assert.equal(isStreamOnlyModel({ sn: 'X', productName: '' }, FAMILIES), false);
  assert.notEqual(detectFamily({ sn: '', productName: '' }, payloadQuotas('stream_ac'), FAMILIES), smartMeter);
});
