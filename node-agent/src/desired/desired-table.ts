import { structurallyEqual } from './structurally-equal.js';

/** One entry of a desired map. */
export interface DesiredEntry<K, V> {
  readonly key: K;
  readonly value: V;
}

/** What changed in a table since the previous `takeChanges()`. */
export interface TableChanges<K, V> {
  readonly upserts: DesiredEntry<K, V>[];
  readonly deletes: K[];
}

/**
 * The desired content of one map, keyed by a canonical string form of the key so keys that are
 * equal as data are one entry. It remembers, for every key touched since the last
 * `takeChanges()`, what the key held at that take, so the changes it reports are net: setting an
 * equal value, or adding then removing a key that was absent, reports nothing.
 */
export class DesiredTable<K, V> {
  readonly #keyOf: (key: K) => string;
  readonly #entries = new Map<string, DesiredEntry<K, V>>();
  /** For each key touched since the last take: its entry then (entries are replaced, never mutated), or null when absent. */
  #baseline = new Map<string, DesiredEntry<K, V> | null>();

  constructor(keyOf: (key: K) => string) {
    this.#keyOf = keyOf;
  }

  /** The canonical string form of a key (equal keys, equal strings). */
  keyOf(key: K): string {
    return this.#keyOf(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(this.#keyOf(key))?.value;
  }

  getByKeyString(keyString: string): V | undefined {
    return this.#entries.get(keyString)?.value;
  }

  has(key: K): boolean {
    return this.#entries.has(this.#keyOf(key));
  }

  set(key: K, value: V): void {
    this.setByKeyString(this.#keyOf(key), key, value);
  }

  /** `set` for a caller that already holds the key's string form (`keyOf(key)`). */
  setByKeyString(keyString: string, key: K, value: V): void {
    const current = this.#entries.get(keyString);
    if (current !== undefined && structurallyEqual(current.value, value)) return;
    this.#remember(keyString, current);
    this.#entries.set(keyString, { key, value });
  }

  delete(key: K): void {
    this.deleteByKeyString(this.#keyOf(key));
  }

  deleteByKeyString(keyString: string): void {
    const current = this.#entries.get(keyString);
    if (current === undefined) return;
    this.#remember(keyString, current);
    this.#entries.delete(keyString);
  }

  /** Deletes every entry (each one is reported as a delete by the next take unless set again). */
  clear(): void {
    for (const [k, entry] of this.#entries) this.#remember(k, entry);
    this.#entries.clear();
  }

  entries(): IterableIterator<DesiredEntry<K, V>> {
    return this.#entries.values();
  }

  /** Whether some key changed since the last take (possibly back to what it was). */
  get touched(): boolean {
    return this.#baseline.size > 0;
  }

  /** The net changes since the last take; the next take starts from here. */
  takeChanges(): TableChanges<K, V> {
    const upserts: DesiredEntry<K, V>[] = [];
    const deletes: K[] = [];
    for (const [k, before] of this.#baseline) {
      const now = this.#entries.get(k);
      if (now === undefined) {
        if (before !== null) deletes.push(before.key);
      } else if (before === null || (before !== now && !structurallyEqual(before.value, now.value))) {
        upserts.push(now);
      }
    }
    this.#baseline = new Map();
    return { upserts, deletes };
  }

  #remember(k: string, current: DesiredEntry<K, V> | undefined): void {
    if (!this.#baseline.has(k)) this.#baseline.set(k, current ?? null);
  }
}
