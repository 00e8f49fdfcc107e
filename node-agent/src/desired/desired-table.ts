import { ChangeTracker } from './change-tracker.js';
import type { DesiredEntry, DesiredMap, KeyCodec, TableChanges } from './desired-map.js';
import { structurallyEqual } from './structurally-equal.js';

/**
 * The desired content of one map: values by the canonical string form of their key, so keys
 * that are equal as data are one entry and an entry costs one string and one value (the key is
 * decoded from its string when asked for). The changes it reports are net: setting an equal
 * value, or adding then removing a key that was absent, reports nothing.
 */
export class DesiredTable<K, V> implements DesiredMap<K, V> {
  readonly #keys: KeyCodec<K>;
  readonly #values = new Map<string, V>();
  readonly #changes = new ChangeTracker<V>();

  constructor(keys: KeyCodec<K>) {
    this.#keys = keys;
  }

  keyOf(key: K): string {
    return this.#keys.stringOf(key);
  }

  keyFrom(keyString: string): K {
    return this.#keys.parse(keyString);
  }

  get size(): number {
    return this.#values.size;
  }

  get(key: K): V | undefined {
    return this.#values.get(this.#keys.stringOf(key));
  }

  getByKeyString(keyString: string): V | undefined {
    return this.#values.get(keyString);
  }

  has(key: K): boolean {
    return this.#values.has(this.#keys.stringOf(key));
  }

  set(key: K, value: V): void {
    this.setByKeyString(this.#keys.stringOf(key), value);
  }

  /** `set` for a caller that already holds the key's string form (`keyOf(key)`). */
  setByKeyString(keyString: string, value: V): void {
    const current = this.#values.get(keyString);
    if (current !== undefined && structurallyEqual(current, value)) return;
    this.#changes.remember(keyString, current);
    this.#values.set(keyString, value);
  }

  delete(key: K): void {
    this.deleteByKeyString(this.#keys.stringOf(key));
  }

  deleteByKeyString(keyString: string): void {
    const current = this.#values.get(keyString);
    if (current === undefined) return;
    this.#changes.remember(keyString, current);
    this.#values.delete(keyString);
  }

  /** Deletes every entry (each one is reported as a delete by the next take unless set again). */
  clear(): void {
    for (const [k, value] of this.#values) this.#changes.remember(k, value);
    this.#values.clear();
  }

  *entries(): IterableIterator<DesiredEntry<K, V>> {
    for (const [k, value] of this.#values) yield { key: this.#keys.parse(k), value };
  }

  keyedValues(): IterableIterator<[string, V]> {
    return this.#values.entries();
  }

  get touched(): boolean {
    return this.#changes.touched(this.#values.size);
  }

  takeChanges(): TableChanges<K, V> {
    return this.#changes.take(this.#keys, (k) => this.#values.get(k), () => this.#values.entries());
  }

  forgetChanges(): void {
    this.#changes.forget();
  }
}
