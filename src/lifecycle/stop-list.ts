/**
 * The parts of something that starts in steps, stopped as one list in a fixed order: each part
 * is kept the moment it exists, so a stop that comes while the start is under way stops it too,
 * and the start learns that it should stop building.
 */

export interface Stoppable {
  stop(): unknown;
}

/** A stop began while the start was under way: the start stops building. */
export class StartCutShort extends Error {
  constructor() {
    super('stopped while starting');
    this.name = 'StartCutShort';
  }
}

export class StopList<Name extends string> {
  readonly #order: readonly Name[];
  readonly #parts = new Map<Name, Stoppable>();
  #stopping: Promise<void> | undefined;

  /** `order`: the order stop() stops the parts in, whatever order they came up in. */
  constructor(order: readonly Name[]) {
    this.#order = order;
  }

  /** True once stop() was called. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Keeps a part that came up (undefined: none); throws StartCutShort once stopping. */
  keep(name: Name, part: Stoppable | undefined): void {
    if (part) this.#parts.set(name, part);
    this.cutShortIfStopping();
  }

  /** Throws StartCutShort once stopping: for a start between its steps. */
  cutShortIfStopping(): void {
    if (this.#stopping) throw new StartCutShort();
  }

  /** Stops every part kept, in the list's order; the same promise for every call. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopKept();
    return this.#stopping;
  }

  /** After stop(): stops the parts kept since it began (a start that was under way). */
  async stopLate(): Promise<void> {
    await this.stop().catch(() => {});
    await this.#stopKept();
  }

  /** Every part is asked to stop, whatever an earlier one threw: a failing stream must not keep the state unwritten. */
  async #stopKept(): Promise<void> {
    const errors: unknown[] = [];
    for (const name of this.#order) {
      const part = this.#parts.get(name);
      this.#parts.delete(name);
      try {
        await part?.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'parts failed to stop');
  }
}
