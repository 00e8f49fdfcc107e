/**
 * Collects changes by key (a later change to a key replaces the pending one) and hands them to
 * `flush` in batches: everything that arrived while the previous batch was being written goes
 * into the next one, so a burst costs one transaction instead of one per change.
 */
export class CoalescingQueue<C> {
  readonly #pending = new Map<string, C>();
  readonly #flush: (batch: C[]) => Promise<void>;
  readonly #highWater: number;
  #running: Promise<void> | undefined;

  /**
   * `flush` must not throw (it handles its own failures, e.g. by pushing changes back).
   * Above `highWater` pending changes, `push` returns the running flush so the producer waits.
   */
  constructor(flush: (batch: C[]) => Promise<void>, highWater = 5000) {
    this.#flush = flush;
    this.#highWater = highWater;
  }

  get size(): number {
    return this.#pending.size;
  }

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Queues a change; returns a promise only when the producer should wait (backpressure). */
  push(key: string, change: C): Promise<void> | undefined {
    // Re-inserting moves the key to the end, so a batch keeps the order changes last arrived in.
    this.#pending.delete(key);
    this.#pending.set(key, change);
    // Started on the next macrotask, so changes delivered back to back (a source's initial
    // list) land in one batch.
    this.#running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
    return this.#pending.size >= this.#highWater ? this.#running : undefined;
  }

  /** Queues a change only if none is pending for its key (a pending one is newer). */
  pushIfAbsent(key: string, change: C): void {
    if (!this.#pending.has(key)) void this.push(key, change);
  }

  /** Resolves once nothing is pending and no batch is being written. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending.values()];
        this.#pending.clear();
        await this.#flush(batch);
      }
    } finally {
      this.#running = undefined;
    }
  }
}
