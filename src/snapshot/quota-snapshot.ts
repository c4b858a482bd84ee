/**
 * The in-memory picture of every device: identity and online state from the device list (and
 * the stream's status messages), raw quota values with a per-key update time and the transport
 * that delivered them. Writers (REST full reads, MQTT partial pushes) replace or merge; readers
 * (the metric instruments) see a consistent device record, its revision and which keys changed.
 * A device holds no more values than the output can use (`maxValuesPerDevice`, `maxNamesPerDevice`, `keyPolicy`):
 * what a payload brings beyond is not kept, only counted (`droppedValues`). Knows nothing of
 * HTTP, MQTT or metrics.
 */
import { FullRead } from './full-read.js';
import { type KeyPolicy, QuotaBudget, quotaCost, quotaNames, quotaValues } from './quota-budget.js';
import type { QuotaEntry } from './quota-value.js';

export interface DeviceIdentity {
  sn: string;
  name: string;
  productName: string;
}

export type { QuotaEntry };
export type { KeyPolicy };

export type DeviceState = 'online' | 'offline' | 'restricted';

export interface DeviceRecord extends DeviceIdentity {
  online: boolean;
  /** 'restricted': the key may not read this device's quotas (API code 1006). */
  state: DeviceState;
  quotas: ReadonlyMap<string, QuotaEntry>;
  /** Epoch ms of the last quota write, if any; kept when values are dropped (offline, 1006). */
  quotasUpdatedAt?: number;
  /** Epoch ms of the last REST full read. */
  restReadAt?: number;
  /** Epoch ms of the last stream message merged. */
  streamedAt?: number;
  /** Bumped on every change of this record; lets readers cache what they derive from it. */
  revision: number;
  /**
   * Numeric values (each key at least 1) of the keys not stored for want of room under
   * `maxValuesPerDevice` or `maxNamesPerDevice` and missing now: recounted by each REST read, raised by a stream
   * message refusing a key, lowered when a refused key is stored after all. 0 without a bound.
   */
  droppedValues: number;
}

export type SnapshotChange =
  | { kind: 'device-added' | 'device-changed' | 'device-removed'; sn: string }
  /** `keys`: the only keys written (a partial update); absent: any key may have changed or gone. */
  | { kind: 'quotas-changed'; sn: string; keys?: ReadonlySet<string> };

export interface QuotaSnapshotOptions {
  /** Stream-only keys older than this are pruned at the next REST read. Default: never. */
  streamOnlyLifetimeMs?: number;
  /**
   * The budget of one device: its stored keys may cost this much together, each key its leaves
   * (strings too), at least 1 (see quota-budget.ts). Keys refused for it are counted in
   * `droppedValues`. Default: no bound (and, with no bound on names either, no key is walked).
   */
  maxValuesPerDevice?: number;
  /**
   * The other bound of a device: the raw metric names its stored keys make together, each key at
   * least 1 (see quota-budget.ts). Default: no bound.
   */
  maxNamesPerDevice?: number;
  /** Default: every key 'cap'. */
  keyPolicy?: KeyPolicy;
}

type Listener = (change: SnapshotChange) => void;

interface MutableRecord extends DeviceRecord {
  quotas: Map<string, QuotaEntry>;
}

const CAP_EVERY_KEY: KeyPolicy = () => 'cap';

export class QuotaSnapshot {
  readonly #devices = new Map<string, MutableRecord>();
  readonly #listeners = new Set<Listener>();
  readonly #streamOnlyLifetimeMs: number;
  readonly #maxValues: number;
  readonly #maxNames: number;
  readonly #policy: KeyPolicy;
  /** Each device's budget; none without `maxValuesPerDevice` or `maxNamesPerDevice`. */
  readonly #budgets = new Map<string, QuotaBudget>();

  constructor(options: QuotaSnapshotOptions = {}) {
    this.#streamOnlyLifetimeMs = options.streamOnlyLifetimeMs ?? Infinity;
    this.#maxValues = options.maxValuesPerDevice ?? Infinity;
    this.#maxNames = options.maxNamesPerDevice ?? Infinity;
    this.#policy = options.keyPolicy ?? CAP_EVERY_KEY;
  }

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
   * with all their data. Online state comes from here (and at once from the stream's status
   * messages), never from quotas: the cloud keeps serving cached quotas for devices long offline.
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
          droppedValues: 0,
        });
        if (this.#maxValues !== Infinity || this.#maxNames !== Infinity) this.#budgets.set(d.sn, new QuotaBudget(this.#maxValues, this.#maxNames));
        this.#emit({ kind: 'device-added', sn: d.sn });
        continue;
      }
      const identityChanged = existing.name !== d.name || existing.productName !== d.productName;
      if (!identityChanged && existing.online === d.online) continue;
      existing.name = d.name;
      existing.productName = d.productName;
      this.#changeOnline(existing, d.online);
    }
    for (const sn of [...this.#devices.keys()]) {
      if (keep.has(sn)) continue;
      this.#devices.delete(sn);
      this.#budgets.delete(sn);
      this.#emit({ kind: 'device-removed', sn });
    }
  }

  /**
   * Online state from the stream's status message, at once; the next device list confirms or
   * corrects it. Ignored for devices not on the list.
   */
  setOnline(sn: string, online: boolean): void {
    const record = this.#devices.get(sn);
    if (!record || record.online === online) return;
    this.#changeOnline(record, online);
  }

  /**
   * What of a full read of `sn` is worth building, to be given to the reader of its answer and
   * then, with the keys it read, to `replaceQuotas`; undefined without a budget (all of it is).
   */
  planFullRead(sn: string): FullRead | undefined {
    const budget = this.#budgets.get(sn);
    const record = this.#devices.get(sn);
    if (!budget || !record) return undefined;
    return new FullRead(this.#policy, Math.min(budget.limit, budget.nameLimit), record.quotas, budget);
  }

  /**
   * A full read (REST quota/all): keys REST delivered before and not now are gone; keys only
   * the stream delivers stay (until stale and pruned). Under a budget, the room is counted again
   * from scratch: the stream-only keys that stay take theirs first, then the payload's keys the
   * output reads by name ('keep'), then its other keys are stored in payload order while there is
   * room; `droppedValues` is recounted the same way. With `read` (planFullRead), `quotas` holds
   * only what the reader took, and what it left out counts as refused.
   */
  replaceQuotas(sn: string, quotas: Record<string, unknown>, at: number, read?: FullRead): void {
    const record = this.#devices.get(sn);
    if (!record) return;
    const budget = this.#budgets.get(sn);
    const pruneBefore = at - this.#streamOnlyLifetimeMs;
    const delivers = (key: string) => Object.hasOwn(quotas, key) || (read?.delivered(key) ?? false);
    for (const [key, entry] of record.quotas) {
      if (Object.hasOwn(quotas, key)) continue;
      // In the answer but left out by its reader (read.delivered), or gone from REST, or stale.
      if (read?.delivered(key) || entry.inRest || entry.updatedAt < pruneBefore) {
        record.quotas.delete(key);
        budget?.release(key);
      }
    }
    const keys = Object.keys(quotas);
    const policy = this.#policy;
    if (budget) {
      budget.startFullRead(delivers, pruneBefore);
      read?.refuseLeftOut(at);
      // The payload's keys are decided again; those the output reads by name take their room first.
      for (const key of keys) {
        if (record.quotas.has(key)) budget.release(key);
        if (policy(key) === 'keep') budget.charge(key, quotaCost(quotas[key]), quotaNames(quotas[key]));
      }
    }
    for (const key of keys) {
      const fate = policy(key);
      if (fate === 'drop') continue;
      const value = quotas[key];
      if (budget && fate === 'cap') {
        const cost = quotaCost(value);
        const names = quotaNames(value);
        if (!budget.fits(cost, names)) {
          record.quotas.delete(key);
          budget.refuse(key, quotaValues(value), at, true);
          continue;
        }
        budget.charge(key, cost, names);
      }
      record.quotas.set(key, { value, updatedAt: at, inRest: true });
    }
    if (budget) record.droppedValues = budget.dropped;
    record.restReadAt = at;
    this.#written(record, at);
  }

  /**
   * A partial update (a stream message): only the given keys change. Ignored unless the device
   * is online: an offline device's values are not exported, and a refused one's never come back.
   * Under a budget, a key stored already is always updated; a new one is stored if it fits (or
   * the output reads it by name), else counted in `droppedValues`.
   */
  mergeQuotas(sn: string, quotas: Record<string, unknown>, at: number): void {
    const record = this.#devices.get(sn);
    if (record?.state !== 'online') return;
    const budget = this.#budgets.get(sn);
    const policy = this.#policy;
    const keys = new Set<string>();
    for (const key of Object.keys(quotas)) {
      const fate = policy(key);
      if (fate === 'drop') continue;
      const value = quotas[key];
      const stored = record.quotas.get(key);
      if (budget) {
        const cost = quotaCost(value);
        const names = quotaNames(value);
        if (stored) budget.recharge(key, cost, names);
        else if (fate === 'keep' || budget.fits(cost, names)) budget.charge(key, cost, names);
        else {
          budget.refuse(key, quotaValues(value), at, false);
          continue;
        }
      }
      record.quotas.set(key, { value, updatedAt: at, inRest: stored?.inRest ?? false });
      keys.add(key);
    }
    const dropped = budget?.dropped ?? 0;
    if (keys.size === 0 && dropped === record.droppedValues) return;
    record.droppedValues = dropped;
    if (keys.size === 0) {
      // Only what is missing changed: no value was written, but readers derive from the count.
      record.revision++;
      this.#emit({ kind: 'quotas-changed', sn, keys });
      return;
    }
    record.streamedAt = at;
    this.#written(record, at, keys);
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

  #changeOnline(record: MutableRecord, online: boolean): void {
    record.online = online;
    if (record.state !== 'restricted') record.state = online ? 'online' : 'offline';
    // An offline device's cached values are not live data: drop them rather than freeze them.
    if (!online) this.#clear(record);
    record.revision++;
    this.#emit({ kind: 'device-changed', sn: record.sn });
  }

  #clear(record: MutableRecord): void {
    record.quotas.clear();
    record.droppedValues = 0;
    this.#budgets.get(record.sn)?.clear();
  }

  #written(record: MutableRecord, at: number, keys?: ReadonlySet<string>): void {
    record.quotasUpdatedAt = at;
    record.revision++;
    this.#emit(keys ? { kind: 'quotas-changed', sn: record.sn, keys } : { kind: 'quotas-changed', sn: record.sn });
  }

  #emit(change: SnapshotChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
