/**
 * The snapshot's metrics with memory bounded by what is live, whatever the churn of devices
 * and keys: when the renewal policy (otel/renewal-policy.ts) says enough series went away, the
 * instruments are built again on a fresh SDK side (RenewableMeter) and the old side, with its
 * memory of the gone series, is dropped.
 */
import type { Meter } from '@opentelemetry/api';
import type { RenewableMeter } from '../otel/renewable-meter.js';
import type { DeviceModels } from '../devices/device-models.js';
import type { SnapshotGauges } from './snapshot-gauges.js';
import { createSnapshotGauges, producerMemory, type ProducerMemory, type SnapshotGaugesSetup } from './create-snapshot-gauges.js';

export interface ChurnBoundedGaugesOptions extends Omit<SnapshotGaugesSetup, 'meter' | 'memory' | 'onRetired'> {
  meter: RenewableMeter;
  /** Each device's family and firmware, shared with the energy ledger; a new one if not given. */
  models?: DeviceModels;
}

export class ChurnBoundedGauges {
  readonly #o: ChurnBoundedGaugesOptions & { memory: ProducerMemory };
  #instruments?: SnapshotGauges;
  #pending?: NodeJS.Immediate;

  constructor(options: ChurnBoundedGaugesOptions) {
    // Renewed producers carry on from what the old ones knew: a device's family and firmware
    // while it is offline, and what the log was already told.
    this.#o = { ...options, memory: producerMemory(options.models, options.logger) };
  }

  start(): void {
    if (this.#instruments) return;
    this.#instruments = this.#build(this.#o.meter.meter);
    this.#instruments.start();
  }

  stop(): void {
    clearImmediate(this.#pending);
    this.#pending = undefined;
    this.#instruments?.stop();
    this.#instruments = undefined;
  }

  /** Builds the instruments again on a fresh SDK side now. */
  renew(): void {
    clearImmediate(this.#pending);
    this.#pending = undefined;
    const old = this.#instruments;
    if (!old) return;
    this.#o.meter.renew((meter) => {
      this.#instruments = this.#build(meter);
      this.#instruments.start();
      old.stop();
    }, old.retired);
  }

  #build(meter: Meter): SnapshotGauges {
    return createSnapshotGauges({ ...this.#o, meter, onRetired: this.#onRetired });
  }

  readonly #onRetired = (): void => {
    if (!this.#instruments?.renewalDue || this.#pending) return;
    // Not inside the snapshot's change notification that retired them.
    this.#pending = setImmediate(() => this.renew());
  };
}
