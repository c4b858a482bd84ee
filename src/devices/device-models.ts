/**
 * Each listed device's model as the exporter reads it: its family table and firmware. One record
 * per device, read by the unified metrics (device_info{family}) and by the energy ledger (the
 * energy plan), so the two can never disagree on a device. Remembered while the device is
 * offline or refused, when it has no quotas to look at.
 */
import type { Logger } from '../log/logger.js';
import type { DeviceRecord } from '../snapshot/quota-snapshot.js';
import { firmwareOf, matchFamily, type FamilyMatch } from './detect-family.js';
import type { DeviceFamily } from './device-family.js';
import { FAMILIES } from './families.js';

export interface DeviceModel {
  /** The product name it was recognised by: a rename looks again. */
  productName: string;
  family?: DeviceFamily;
  firmware?: string;
}

/** A model no table names: told once per product name (or serial prefix) and outcome. */
export interface ModelEvent {
  sn: string;
  productName: string;
  /** Absent: no table fits. */
  family?: string;
  by?: Exclude<FamilyMatch['by'], 'product name'>;
}

export interface DeviceModelsOptions {
  families: readonly DeviceFamily[];
  /**
   * Told once per model (by product name, else serial-number prefix) that no table covers, or
   * that was matched to a table by its serial number or keys rather than its name.
   */
  onModel?: (event: ModelEvent) => void;
}

export class DeviceModels {
  readonly #o: DeviceModelsOptions;
  readonly #known = new Map<string, DeviceModel>();
  readonly #told = new Set<string>();

  constructor(options: DeviceModelsOptions) {
    this.#o = options;
  }

  /**
   * The device's model: recognised when first seen, again on a rename, and while unknown each
   * time it has quotas (its keys may tell); the firmware follows its quotas.
   */
  of(device: DeviceRecord): DeviceModel {
    let known = this.#known.get(device.sn);
    if (!known || known.productName !== device.productName || (!known.family && device.quotas.size > 0)) {
      const match = matchFamily(device, device.quotas, this.#o.families);
      const family = match?.family;
      known = { productName: device.productName, family, firmware: known?.family === family ? known?.firmware : undefined };
      this.#known.set(device.sn, known);
      if (!match && device.quotas.size > 0) this.#tell(device, {});
      if (match && match.by !== 'product name') this.#tell(device, { family: match.family.id, by: match.by });
    }
    if (known.family && device.quotas.size > 0) known.firmware = firmwareOf(known.family, device.quotas) ?? known.firmware;
    return known;
  }

  /** The model as last recognised, without looking again (undefined: never seen). */
  known(sn: string): DeviceModel | undefined {
    return this.#known.get(sn);
  }

  /** A device that left the list. */
  forget(sn: string): void {
    this.#known.delete(sn);
  }

  #tell(device: DeviceRecord, match: Pick<ModelEvent, 'family' | 'by'>): void {
    const model = device.productName.trim() || `serial ${device.sn.slice(0, 4)}…`;
    // Once per model and outcome: a model told as unknown and later recognised by its keys is told again.
    const told = `${model}\u0000${match.family ?? ''}`;
    if (this.#told.has(told)) return;
    this.#told.add(told);
    this.#o.onModel?.({ sn: device.sn, productName: device.productName, ...match });
  }
}

/** The device models over FAMILIES, saying on `logger` which models no table names. */
export function deviceModels(logger?: Logger): DeviceModels {
  return new DeviceModels({ families: FAMILIES, onModel: logger && ((event) => logModel(logger, event)) });
}

function logModel(log: Logger, event: ModelEvent): void {
  if (event.family === undefined) {
    log.info('no unified-metrics table for this model: it gets the raw metrics and device_info{family="unknown"}', {
      sn: event.sn,
      product_name: event.productName,
    });
  } else {
    log.info(`no table names this product; read with the ${event.family} table, recognised by its ${event.by}`, {
      sn: event.sn,
      product_name: event.productName,
      family: event.family,
    });
  }
}
