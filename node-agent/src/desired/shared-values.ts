/**
 * One instance per distinct value among many records (node names, the named ports a
 * deployment's pods all declare): records hold the shared instance instead of their own copy.
 * Counted, so a value no record holds any more is dropped rather than kept for ever.
 */
export class SharedValues<T> {
  readonly #bySignature = new Map<string, { readonly value: T; holders: number }>();

  /** The shared instance for `signature` (made by `make` the first time); one more holder. */
  acquire(signature: string, make: () => T): T {
    let shared = this.#bySignature.get(signature);
    if (shared === undefined) this.#bySignature.set(signature, (shared = { value: make(), holders: 0 }));
    shared.holders++;
    return shared.value;
  }

  /** One holder fewer for `signature`; the instance goes with the last one. */
  release(signature: string): void {
    const shared = this.#bySignature.get(signature);
    if (shared === undefined) return;
    if (--shared.holders === 0) this.#bySignature.delete(signature);
  }

  get size(): number {
    return this.#bySignature.size;
  }

  clear(): void {
    this.#bySignature.clear();
  }
}
