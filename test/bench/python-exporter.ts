/**
 * The Python `ecoflow_prometheus.py` exporter, run beside ours against the same simulator for
 * the bench. Its code is not part of this project: give its path in PYTHON_EXPORTER (and
 * `apt-get install python3-requests python3-prometheus-client python3-inflection`). The
 * single-file script (vpikus/ecoflow-prometheus-exporter up to its 2024 versions, e.g. commit
 * 0575ad3; later versions are a package, `ecoflow/`, that needs paho-mqtt and protobuf too)
 * calls a hard-wired https://api.ecoflow.com through `requests.request`; a small preamble sends
 * those calls to the simulator instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { captured, type ExporterProcess } from '../helpers/exporter-process.js';

const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const PREAMBLE = `
import os, runpy, requests
_request = requests.request
def _to_simulator(method, url, **kwargs):
    return _request(method, url.replace("https://api.ecoflow.com", os.environ["BENCH_API_URL"]), **kwargs)
requests.request = _to_simulator
runpy.run_path(os.environ["BENCH_SCRIPT"], run_name="__main__")
`;

/** Why the Python exporter cannot run here, or undefined when it can. */
export function pythonExporterMissing(): string | undefined {
  const script = process.env.PYTHON_EXPORTER;
  if (!script) return 'PYTHON_EXPORTER (path of ecoflow_prometheus.py) is not set';
  if (!existsSync(script)) return `PYTHON_EXPORTER: ${script} does not exist`;
  if (!readFileSync(script, 'utf8').includes('https://api.ecoflow.com'))
    return `PYTHON_EXPORTER: ${script} does not call https://api.ecoflow.com itself (the packaged versions, with ecoflow/, are not supported; use the single-file script)`;
  const check = spawnSync(PYTHON, ['-c', 'import requests, prometheus_client, inflection'], { encoding: 'utf8' });
  if (check.status !== 0)
    return `${PYTHON} lacks requests, prometheus_client or inflection (apt-get install python3-requests python3-prometheus-client python3-inflection)`;
  return undefined;
}

export function spawnPythonExporter(o: { apiUrl: string; sn: string; port: number; accessKey: string; secretKey: string }): ExporterProcess {
  const child = spawn(PYTHON, ['-c', PREAMBLE], {
    env: {
      PATH: process.env.PATH,
      BENCH_API_URL: o.apiUrl,
      BENCH_SCRIPT: process.env.PYTHON_EXPORTER,
      ECOFLOW_DEVICE_SN: o.sn,
      ECOFLOW_ACCESS_KEY: o.accessKey,
      ECOFLOW_SECRET_KEY: o.secretKey,
      EXPORTER_PORT: String(o.port),
      LOG_LEVEL: 'WARNING',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return captured(child);
}
