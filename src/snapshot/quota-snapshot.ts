/**
 * The in-memory picture of every device: identity and online state from the device list, raw
 * quota values with a per-key update time. Writers (REST polls now, MQTT pushes later) replace
 * or merge; readers (the metric instruments) see a consistent device record and its revision.
 * Knows nothing of HTTP or of metrics.
 */
export interface DeviceIdentity {
  sn: string;
  name: string;
  productName: string;
}

export interface QuotaEntry {
  value: unknown;
  /** Epoch ms at which this key's value was last written. */
  updatedAt: number;
}

export type DeviceState = 'online' | 'offline' | 'restricted';

export interface DeviceRecord extends DeviceIdentity {
  online: boolean;
  /** 'restricted': the key may not read this device's quotas (API code 1006). */
  state: DeviceState;
  quotas: ReadonlyMap<string, QuotaEntry>;
  /** Epoch ms of the last quota write, if any; kept when values are dropped (offline, 1006). */
  quotasUpdatedAt?: number;
  /** Bumped on every change of this record; lets readers cache what they derive from it. */
  revision: number;
}

export type SnapshotChange =
  | { kind: 'device-added' | 'device-changed' | 'quotas-changed'; sn: string }
  | { kind: 'device-removed'; sn: string };

type Listener = (change: SnapshotChange) => void;

interface MutableRecord extends DeviceRecord {
  quotas: Map<string, QuotaEntry>;
}

export class QuotaSnapshot {
  readonly #devices = new Map<string, MutableRecord>();
  readonly #listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  devices(): Iterable<DeviceRecord> {
    return this.#devices.values();
  }

  get(sn: string): DeviceRecord | undefined {
    return this.#devices.get(sn);
  }

  get size(): number {
    return this.#devices.size;
  }

  /**
   * Makes the set of devices equal to `devices`: unknown ones are added, absent ones removed
   * with all their data. Online state comes only from here: the cloud keeps serving cached
   * quotas for devices that are long offline.
   */
  setDevices(devices: ReadonlyArray<DeviceIdentity & { online: boolean }>): void {
    const keep = new Set<string>();
    for (const d of devices) {
      keep.add(d.sn);
      const existing = this.#devices.get(d.sn);
      if (!existing) {
        this.#devices.set(d.sn, {
          sn: d.sn,
          name: d.name,
          productName: d.productName,
          online: d.online,
          state: d.online ? 'online' : 'offline',
          quotas: new Map(),
          revision: 1,
        });
        this.#emit({ kind: 'device-added', sn: d.sn });
        continue;
      }
      const identityChanged = existing.name !== d.name || existing.productName !== d.productName;
      const onlineChanged = existing.online !== d.online;
      if (!identityChanged && !onlineChanged) continue;
      existing.name = d.name;
      existing.productName = d.productName;
      existing.online = d.online;
      if (existing.state !== 'restricted') existing.state = d.online ? 'online' : 'offline';
      // An offline device's cached values are not live data: drop them rather than freeze them.
      if (!d.online) this.#clear(existing);
      existing.revision++;
      this.#emit({ kind: 'device-changed', sn: d.sn });
    }
    for (const sn of [...this.#devices.keys()]) {
      if (keep.has(sn)) continue;
      this.#devices.delete(sn);
      this.#emit({ kind: 'device-removed', sn });
    }
  }

  /** A full read (REST quota/all): keys not in `quotas` are gone from the device. */
  replaceQuotas(sn: string, quotas: Record<string, unknown>, at: number): void {
    const record = this.#devices.get(sn);
    if (!record) return;
    record.quotas.clear();
    for (const [key, value] of Object.entries(quotas)) record.quotas.set(key, { value, updatedAt: at });
    this.#written(record, at);
  }

  /** A partial update (MQTT push): only the given keys change. */
  mergeQuotas(sn: string, quotas: Record<string, unknown>, at: number): void {
    const record = this.#devices.get(sn);
    if (!record) return;
    for (const [key, value] of Object.entries(quotas)) record.quotas.set(key, { value, updatedAt: at });
    this.#written(record, at);
  }

  /** Marks a device whose quotas the key may not read; its cached values are dropped. */
  setRestricted(sn: string, restricted: boolean): void {
    const record = this.#devices.get(sn);
    if (!record) return;
    const state: DeviceState = restricted ? 'restricted' : record.online ? 'online' : 'offline';
    if (record.state === state) return;
    record.state = state;
    if (restricted) this.#clear(record);
    record.revision++;
    this.#emit({ kind: 'device-changed', sn });
  }

  #clear(record: MutableRecord): void {
    record.quotas.clear();
  }

  #written(record: MutableRecord, at: number): void {
    record.quotasUpdatedAt = at;
    record.revision++;
    this.#emit({ kind: 'quotas-changed', sn: record.sn });
  }

  #emit(change: SnapshotChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
