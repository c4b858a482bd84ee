/**
 * The unified metrics: one name per quantity, in base units, whatever the model. Device
 * families map their raw quota keys onto these (src/devices/<family>.ts); the README's tables
 * are made from this list. Names are without the configured prefix.
 */
export interface UnifiedMetric {
  name: string;
  /** UCUM unit for the instrument (`# UNIT` in the exposition, `unit` in OTLP). */
  unit: string;
  help: string;
  /** Set on the metrics that carry a `port` label. */
  perPort?: true;
}

export const UNIFIED_METRICS = {
  batterySoc: {
    name: 'battery_soc_ratio',
    unit: '1',
    help: 'State of charge of the whole device, 0-1 (what the app shows: all packs combined).',
  },
  batterySoh: { name: 'battery_soh_ratio', unit: '1', help: 'State of health of the main battery pack, 0-1.' },
  batteryTemperature: { name: 'battery_temperature_celsius', unit: 'Cel', help: 'Temperature of the main battery pack.' },
  batteryVoltage: { name: 'battery_voltage_volts', unit: 'V', help: 'Voltage of the main battery pack.' },
  batteryCurrent: {
    name: 'battery_current_amperes',
    unit: 'A',
    help: 'Current of the main battery pack: positive while charging, negative while discharging.',
  },
  batteryPower: {
    name: 'battery_power_watts',
    unit: 'W',
    help: 'Battery power: positive while charging, negative while discharging.',
  },
  batteryCycles: { name: 'battery_cycles', unit: '1', help: 'Charge cycles of the main battery pack.' },
  batteryTimeToFull: {
    name: 'battery_time_to_full_seconds',
    unit: 's',
    help: 'Estimated time until the battery is full; no series while not charging.',
  },
  batteryTimeToEmpty: {
    name: 'battery_time_to_empty_seconds',
    unit: 's',
    help: 'Estimated time until the battery is empty; no series while not discharging.',
  },
  inputPower: { name: 'input_power_watts', unit: 'W', help: 'Total input power of the device.' },
  outputPower: { name: 'output_power_watts', unit: 'W', help: 'Total output power of the device.' },
  portInputPower: { name: 'port_input_power_watts', unit: 'W', help: 'Input power by port (ac, solar, usb, …: a fixed list of port names).', perPort: true },
  portOutputPower: { name: 'port_output_power_watts', unit: 'W', help: 'Output power by port (ac, solar, usb, …: a fixed list of port names).', perPort: true },
  acInputVoltage: { name: 'ac_input_voltage_volts', unit: 'V', help: 'AC input (grid or charging) voltage.' },
  acOutputVoltage: { name: 'ac_output_voltage_volts', unit: 'V', help: 'AC output (inverter) voltage.' },
  acInputFrequency: { name: 'ac_input_frequency_hertz', unit: 'Hz', help: 'AC input frequency.' },
  acOutputFrequency: { name: 'ac_output_frequency_hertz', unit: 'Hz', help: 'AC output (inverter) frequency.' },
  gridPower: { name: 'grid_power_watts', unit: 'W', help: 'Power exchanged with the grid: positive importing, negative exporting.' },
  loadPower: { name: 'load_power_watts', unit: 'W', help: 'Power drawn by the household or appliance load the device sees.' },
} as const satisfies Record<string, UnifiedMetric>;

export type UnifiedMetricId = keyof typeof UNIFIED_METRICS;

/** The one descriptive series per device; its labels say what the exporter knows of the model. */
export const DEVICE_INFO = {
  name: 'device_info',
  help: 'Always 1 for every listed device, online or not; labels family (the unified-metrics table used, "unknown" if none) and firmware (where the payload says).',
} as const;

/**
 * Port names: a fixed vocabulary so dashboards can sum or split by port on any model. Rows of
 * one family that share a metric and a port add up (USB-A 1 + USB-A 2 = `usb`).
 */
export const PORTS = {
  ac: 'AC sockets out, or AC charging in (grid)',
  solar: 'solar (PV) input of a device with one PV input',
  solar_1: 'first PV string of a device with several',
  solar_2: 'second PV string',
  solar_hv: 'high-voltage PV input (DELTA Pro Ultra, DELTA Pro 3)',
  solar_lv: 'low-voltage PV input (DELTA Pro Ultra, DELTA Pro 3)',
  car: '12 V car socket (out) or car charging (in)',
  usb: 'USB-A outputs, fast-charge ones included',
  usb_c: 'USB-C outputs',
  dc: 'other DC outputs: DC5521, Anderson, 12 V/24 V regulated',
  extra_battery: 'extra-battery ports (reserved: no table maps them yet, the XT150 keys\' sign is disputed)',
  power_in_out: 'the Power In/Out port (DELTA Pro Ultra, DELTA Pro 3)',
  ev: 'EV charger (PowerOcean)',
  solar_3: 'third PV string (STREAM Ultra: four PV inputs)',
  solar_4: 'fourth PV string (STREAM Ultra)',
} as const;

export type Port = keyof typeof PORTS;
