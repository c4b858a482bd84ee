/**
 * The one rule for when an SDK side is renewed (RenewableMeter.renew).
 *
 * sdk-metrics remembers every attribute set an instrument was ever shown and never forgets one,
 * so the series of devices and keys that went away cost memory for as long as the side lives.
 * Renewing builds the instruments again and drops that memory; it costs one rebuild of every
 * live series. Waiting until the gone series are as many as the live ones (at least 1,000) keeps
 * memory within twice what is live while a steady fleet is never renewed.
 */
import type { Attributes } from '@opentelemetry/api';
import { attributesKey } from './attribute-key.js';

/** How many series may go away before a renewal: as many as are live, at least 1,000. */
export type RenewAfter = (live: number) => number;

export const defaultRenewAfter: RenewAfter = (live) => Math.max(1_000, live);

/** What the side was shown since it was built: one entry per instrument and attribute set. */
export class ShownSeries {
  readonly #shown = new Map<object, Set<string>>();
  #count = 0;
  readonly #renewAfter: RenewAfter;

  constructor(renewAfter: RenewAfter = defaultRenewAfter) {
    this.#renewAfter = renewAfter;
  }

  /** A series the SDK is shown (or will be, at the next collection). */
  note(instrument: object, attributes: Attributes): void {
    let shown = this.#shown.get(instrument);
    if (!shown) this.#shown.set(instrument, (shown = new Set()));
    const key = attributesKey(attributes);
    if (shown.has(key)) return;
    shown.add(key);
    this.#count++;
  }

  /** Series shown since the side was built that are not among the `live` ones now. */
  gone(live: number): number {
    return this.#count - live;
  }

  /** True when enough went away for a renewal to pay. */
  renewalDue(live: number): boolean {
    return this.gone(live) >= this.#renewAfter(live);
  }
}
