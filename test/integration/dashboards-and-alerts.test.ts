import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FAMILIES } from '../../src/devices/families.js';
import { UNIFIED_METRICS } from '../../src/catalog/catalog.js';
import { DASHBOARDS, dashboardQueries } from '../helpers/dashboards.js';
import { needs, promQuery, startPrometheus, type RunningServer } from '../helpers/external-servers.js';
import { startExporter, type RunningExporter } from '../helpers/running-exporter.js';
import { SN, eventually, startSimulator, stillDemoFleet, stillStreamOnlyDemoDevices } from '../helpers/simulated-fleet.js';
import { startDemoStream } from '../../src/simulator/demo-stream.js';
import { detectFamily, quotaMap, unifiedSamples } from '../helpers/unified.js';
import type { CloudSimulator } from '../../src/simulator/cloud-simulator.js';
import { realTime } from '../helpers/real-time.js';

/**
 * The whole chain users run: simulator → exporter → a real Prometheus with our rule file. Every
 * dashboard query and every alert is run there, on the demo fleet (one device of every family),
 * its stream-only Smart Meter and microinverter over the demo's MQTT stream, as `npm run demo` runs them.
 */
const RULES = fileURLToPath(new URL('../../../prometheus/alerts.yml', import.meta.url));

interface Chain {
  simulator: CloudSimulator;
  exporter: RunningExporter;
  prometheus: RunningServer;
}

/** Every device the chain serves, frozen. */
function chainFleet() {
  return [...stillDemoFleet(), ...stillStreamOnlyDemoDevices()];
}

async function chain(t: import('node:test').TestContext, extraEnv: Record<string, string> = {}): Promise<Chain> {
  const fleet = chainFleet();
  // Values stay fresh for the length of the test; the device list is what takes devices offline.
  // With a state file, as users run it by default: the energy counters, and the alert on its writes.
  const stateDir = mkdtempSync(join(tmpdir(), 'dashboards-energy-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const env = {
    COLLECTING_INTERVAL: '0.5',
    DEVICE_LIST_INTERVAL: '0.5',
    ENERGY_STATE_FILE: join(stateDir, 'energy-state.json'),
    ENERGY_STATE_INTERVAL: '1',
    // The stream-only devices' values come only over the stream; the others', frozen, only over REST,
    // which reads them as often as without a stream.
    ECOFLOW_MQTT: 'on',
    RECONCILE_INTERVAL: '0.5',
    ...extraEnv,
  };
  const simulator = await startSimulator(fleet);
  const stream = await startDemoStream(simulator);
  const exporter = await startExporter(simulator, env);
  t.after(async () => {
    await exporter.stop();
    await stream.stop();
    await simulator.stop();
  });
  const prometheus = await startPrometheus(`127.0.0.1:${exporter.config.exporter.port}`, { intervalS: 1, timeoutS: 1 }, { ruleFiles: [RULES] });
  t.after(() => prometheus.stop());
  const online = fleet.filter((d) => d.online).map((d) => d.sn);
  await eventually(
    async () => (await promQuery(prometheus.url, 'count(ecoflow_last_update_timestamp_seconds)'))[0]?.value[1] === String(online.length),
    'every online device stored in Prometheus',
    30_000,
  );
  return { simulator, exporter, prometheus };
}

/**
 * Grafana's variables, filled as "All" would fill them. `$__range` is the panel's time range
 * (the energy dashboard's today, yesterday, this month): an hour here, the whole of the test.
 */
function fill(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$device', '.+')
    .replaceAll('${device}', '.+')
    .replaceAll('$metric', 'ecoflow_pd_soc');
}

async function activeAlerts(prometheus: RunningServer): Promise<Array<{ labels: Record<string, string>; state: string }>> {
  const res = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await res.json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } };
  return body.data.alerts;
}

test('dashboards, rules and unified values on a real Prometheus', needs('prometheus'), async (t) => {
  const { simulator, exporter, prometheus } = await chain(t);
  // Rates need two samples inside their window.
  await realTime(3000);

  await t.test('every dashboard query returns data for the demo fleet', async () => {
    const empty: string[] = [];
    let queries = 0;
    for (const file of DASHBOARDS) {
      for (const { panel, expr } of dashboardQueries(file)) {
        queries++;
        // promQuery throws on a parse error, with Prometheus's message.
        const result = await promQuery(prometheus.url, fill(expr));
        if (result.length === 0) empty.push(`${file} / ${panel}: ${expr}`);
      }
    }
    assert.ok(queries >= 20, `only ${queries} queries`);
    // Every family of the issue is in the demo fleet, so no panel has an excuse to be empty.
    assert.deepEqual(empty, [], 'queries without data');
  });

  await t.test("every rule parses, and every metric it names is in the exporter's output", async () => {
    const text = await exporter.scrape();
    const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }).groups.flatMap((g) => g.rules);
    assert.ok(rules.length >= 6);
    for (const rule of rules) {
      await promQuery(prometheus.url, rule.expr);
      for (const name of rule.expr.match(/\becoflow_[a-z0-9_]+/g) ?? []) {
        assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), `${rule.alert} names ${name}, which the exporter does not produce`);
      }
    }
    const loaded = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ health: string; name: string }> }> };
    };
    const health = loaded.data.groups.flatMap((g) => g.rules).map((r) => `${r.name}: ${r.health}`);
    assert.deepEqual(
      health.filter((h) => !h.endsWith(': ok') && !h.endsWith(': unknown')),
      [],
    );
    assert.equal(health.length, rules.length);
  });

  await t.test("unified values in Prometheus are the simulator's raw values times the table's factors", async () => {
    const stored = await promQuery(
      prometheus.url,
      `{__name__=~"ecoflow_(${Object.values(UNIFIED_METRICS)
        .map((m) => m.name)
        .join('|')})"}`,
    );
    const labelOf = (port?: string, phase?: string) => ((port ?? phase) ? `{${port ?? phase}}` : '');
    const actual = new Map(stored.map((s) => [`${s.metric.device} ${s.metric.__name__}${labelOf(s.metric.port, s.metric.phase)}`, Number(s.value[1])]));
    const expected = new Map<string, number>();
    for (const device of chainFleet().filter((d) => d.online)) {
      const quotas = quotaMap(simulator.device(device.sn).quotas);
      const family = detectFamily({ sn: device.sn, productName: device.productName }, quotas, FAMILIES);
      assert.ok(family, `${device.productName} has a table`);
      for (const s of unifiedSamples(family, quotas)) {
        expected.set(`${device.sn} ecoflow_${UNIFIED_METRICS[s.metric].name}${labelOf(s.port, s.phase)}`, s.value);
      }
    }
    assert.deepEqual(new Map([...actual].sort()), new Map([...expected].sort()));
    // And by hand, at least one per family, from the payloads and the sources' units: a wrong
    // factor in a table fails here even though the comparison above uses the tables.
    const byHand: Array<[string, string, number]> = [
      [SN.delta2, 'battery_soc_ratio', 0.462], // bms_emsStatus.f32LcdShowSoc 46.2 %
      [SN.delta2, 'battery_power_watts', -195.760233], // 52161 mV × −3753 mA
      ['R351ZEB4HF6L0005', 'input_power_watts', 1170], // DELTA 2 Max pd.wattsInSum, W
      ['R611ZEB5XE7K0004', 'battery_voltage_volts', 26], // RIVER 2 Max bms_bmsStatus.vol, V (not mV)
      ['R611ZEB5XE7K0004', 'ac_input_voltage_volts', 227.686], // inv.acInVol 227686 mV
      ['DCABZ8ZE5160006', 'port_input_power_watts{solar}', 296], // DELTA Pro mppt.inWatts 2960 × 0.1 W
      ['DCABZ8ZE5160006', 'battery_voltage_volts', 50.133], // bmsMaster.vol 50133 mV
      ['Y711ZAB5ZF1A0007', 'port_output_power_watts{ac}', 850], // DELTA Pro Ultra outAcL11Pwr 850 W
      ['P351ZAH4PG3R0008', 'port_output_power_watts{ac}', 194.60892], // DELTA 3 powGetAcOut −194.60892 W, an output
      ['P351ZAH4PG3R0008', 'input_power_watts', 699], // powInSumW
      ['BK51ZEB4HF2R0009', 'grid_power_watts', -135], // STREAM powGetSysGrid: exporting 135 W
      ['BK51ZEB4HF2R0009', 'battery_power_watts', 900.612031], // 20161 mV × 44671 mA, charging
      [SN.powerStream, 'battery_power_watts', -150], // 20_1.batInputWatts 1500 × 0.1 W, + = discharging there
      [SN.powerStream, 'output_power_watts', 171], // 20_1.invOutputWatts 1710 × 0.1 W
      [SN.smartPlug, 'load_power_watts', 1], // 2_1.watts 10 × 0.1 W
      ['BX11ZCB4EF2E0010', 'battery_voltage_volts', 15.8], // Glacier bms_bmsStatus.vol 15800 mV
      ['KT21ZCH2ZF170011', 'battery_soc_ratio', 0.61], // WAVE 2 pd.batSoc 61 %
      ['HJ31ZDH4ZF3C0012', 'grid_power_watts', -3], // PowerOcean sysGridPwr
      ['HJ31ZDH4ZF3C0012', 'battery_power_watts', -104], // bpPwr, discharging
      ['SP10ZAW5ZE4R0013', 'battery_power_watts', -203], // Smart Home Panel energyInfos[0]: 0 in − 203 out
      ['BK21ZFB5ZE4M0014', 'grid_power_watts', 1148.4448], // Smart Meter powGetSysGrid, over the stream only
      ['BK01ZFB5ZE4M0016', 'output_power_watts', 184.1], // STREAM Microinverter gridConnectionPower = 99.28 + 84.8 W of PV
      ['BK21ZFB5ZE4M0014', 'grid_phase_power_watts{L1}', 1148.4448], // gridConnectionPowerL1
    ];
    for (const [sn, metric, value] of byHand) assert.equal(actual.get(`${sn} ecoflow_${metric}`), value, `${sn} ${metric}`);
  });

  await t.test('rate() of an integrated energy counter is its power gauge; a device counter is the device’s Wh in joules', async () => {
    // The still fleet's powers are constant; the exporter integrates them at every read (0.5 s).
    const pairs: Array<[string, string, string]> = [
      [SN.powerStream, 'output_energy_joules_total', 'output_power_watts'],
      [SN.powerStream, 'battery_discharge_energy_joules_total', 'battery_power_watts'],
      ['BK51ZEB4HF2R0009', 'grid_export_energy_joules_total', 'grid_power_watts'],
      ['HJ31ZDH4ZF3C0012', 'load_energy_joules_total', 'load_power_watts'],
    ];
    for (const [sn, energy, power] of pairs) {
      // rate() divides by the whole window: the window must lie where the series has samples.
      const samples = async () =>
        ((await promQuery(prometheus.url, `ecoflow_${energy}{device="${sn}"}[1h]`)) as unknown as Array<{ values: Array<[number, string]> }>)[0]!.values;
      const values = await eventually(async () => {
        const v = await samples();
        return v.at(-1)![0] - v[0]![0] >= 6 && v;
      }, `6 s of ${energy} samples`);
      const first = values[0]!;
      const last = values.at(-1)!;
      const covered = Math.floor(last[0] - first[0]);
      const [rate] = await promQuery(prometheus.url, `rate(ecoflow_${energy}{device="${sn}"}[${covered}s] @ ${last[0]})`);
      const [watts] = await promQuery(prometheus.url, `abs(ecoflow_${power}{device="${sn}"})`);
      const ratio = Number(rate?.value[1]) / Number(watts?.value[1]);
      assert.ok(ratio > 0.8 && ratio < 1.2, `${sn} rate(${energy}) = ${rate?.value[1]} W vs ${power} ${watts?.value[1]} W`);
      // And exactly, from the stored samples: joules added over the seconds between them.
      const exact = (Number(last[1]) - Number(first[1])) / (last[0] - first[0]) / Number(watts?.value[1]);
      assert.ok(exact > 0.9 && exact < 1.1, `${sn} ${energy}: ${exact} of the power`);
    }
    // DELTA 2 Max pd.chgPowerAC 713 540 Wh, as the device counts it.
    const [acIn] = await promQuery(prometheus.url, 'ecoflow_port_input_energy_joules_total{device="R351ZEB4HF6L0005",port="ac"}');
    assert.equal(acIn?.value[1], '2568744000');
    // Smart Meter, over the stream: gridConnectionDataRecord.todayActive 12 822 300 Wh imported,
    // totalReactiveEnergy 12 973 Wh exported.
    const [imported] = await promQuery(prometheus.url, 'ecoflow_grid_import_energy_joules_total{device="BK21ZFB5ZE4M0014"}');
    const [exported] = await promQuery(prometheus.url, 'ecoflow_grid_export_energy_joules_total{device="BK21ZFB5ZE4M0014"}');
    assert.equal(imported?.value[1], '46160280000');
    assert.equal(exported?.value[1], '46702800');
  });

  await t.test('SoC at 5 % makes EcoflowBatteryLow pending; offline makes EcoflowDeviceOffline pending, not BatteryLow', async () => {
    simulator.setQuota(SN.delta2, 'bms_emsStatus.f32LcdShowSoc', 5);
    const low = await eventually(
      async () => (await activeAlerts(prometheus)).find((a) => a.labels.alertname === 'EcoflowBatteryLow' && a.labels.device === SN.delta2),
      'EcoflowBatteryLow pending',
      30_000,
    );
    assert.equal(low.state, 'pending');
    assert.equal(low.labels.device_name, 'DELTA 2-Garage');
    assert.equal((await activeAlerts(prometheus)).filter((a) => a.labels.alertname === 'EcoflowBatteryLow').length, 1, 'only the drained device');

    simulator.setOnline(SN.delta2, false);
    const offline = await eventually(
      async () => (await activeAlerts(prometheus)).find((a) => a.labels.alertname === 'EcoflowDeviceOffline' && a.labels.device === SN.delta2),
      'EcoflowDeviceOffline pending',
      30_000,
    );
    assert.equal(offline.state, 'pending');
    assert.equal(offline.labels.device_name, 'DELTA 2-Garage');
    await eventually(
      async () => !(await activeAlerts(prometheus)).some((a) => a.labels.alertname === 'EcoflowBatteryLow'),
      'EcoflowBatteryLow gone for the offline device',
      30_000,
    );
    // Its unified gauges are gone too; device_info, online and the energy counters (totals so far) stay.
    const left = await promQuery(prometheus.url, `group by (__name__) ({job="ecoflow", device="${SN.delta2}", __name__=~"ecoflow_.+"})`);
    const names = left.map((r) => r.metric.__name__!).sort();
    assert.deepEqual(
      names.filter((n) => !n.endsWith('_joules_total') && !n.startsWith('ecoflow_exporter_')),
      ['ecoflow_device_info', 'ecoflow_last_update_timestamp_seconds', 'ecoflow_online'],
    );
    assert.ok(names.includes('ecoflow_output_energy_joules_total'), names.join(', '));
  });
});

test(
  'with RAW_METRICS=false the overview, energy and exporter dashboards and every alert rule still answer, and no raw metric reaches Prometheus',
  needs('prometheus'),
  async (t) => {
    const { simulator, exporter, prometheus } = await chain(t, { RAW_METRICS: 'false' });
    await realTime(3000);
    const empty: string[] = [];
    for (const file of DASHBOARDS.filter((f) => f !== 'ecoflow-raw.json')) {
      for (const { panel, expr } of dashboardQueries(file)) {
        if ((await promQuery(prometheus.url, fill(expr))).length === 0) empty.push(`${file} / ${panel}: ${expr}`);
      }
    }
    assert.deepEqual(empty, [], 'queries without data');
    // The demo fleet's raw names: none is stored; the unified ones and the counters are.
    const raw = await promQuery(prometheus.url, 'count({__name__=~"ecoflow_(pd|bms|inv|mppt)_.+"})');
    assert.deepEqual(raw, []);
    const kept = await promQuery(prometheus.url, 'count(ecoflow_battery_soc_ratio) and count(ecoflow_input_energy_joules_total)');
    assert.equal(kept.length, 1);
    assert.ok(
      exporter.logs.some((l) => l.includes('shipped dashboards or alert rules') && l.includes('EcoFlow raw metrics')),
      'the start-up line names the raw dashboard',
    );

    const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }).groups.flatMap((g) => g.rules);
    const text = await exporter.scrape();
    for (const rule of rules) {
      for (const name of rule.expr.match(/\becoflow_[a-z0-9_]+/g) ?? []) assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), `${rule.alert} names ${name}`);
    }
    simulator.setQuota(SN.delta2, 'bms_emsStatus.f32LcdShowSoc', 5);
    await eventually(
      async () => (await activeAlerts(prometheus)).some((a) => a.labels.alertname === 'EcoflowBatteryLow' && a.labels.device === SN.delta2),
      'EcoflowBatteryLow pending with raw metrics off',
      30_000,
    );
  },
);
