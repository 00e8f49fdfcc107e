import type { KeyCodec, TableChanges } from './desired-map.js';
import { structurallyEqual } from './structurally-equal.js';

/**
 * What a desired map held at the last take, for the keys touched since: a map calls
 * `remember` with a key's current value before changing it, and `take` turns the record into
 * net changes. Before the first take everything is new, so nothing is remembered while a state
 * is first built (the first take reports every entry).
 */
export class ChangeTracker<V> {
  /** Key -> value at the last take (values are replaced, never mutated), null when absent. */
  #baseline: Map<string, V | null> | undefined;

  /** Records a key's value before its first change since the last take. */
  remember(keyString: string, current: V | undefined): void {
    if (this.#baseline !== undefined && !this.#baseline.has(keyString)) this.#baseline.set(keyString, current ?? null);
  }

  /** Whether some key changed since the last take; `size` is the map's when nothing was taken yet. */
  touched(size: number): boolean {
    return this.#baseline === undefined ? size > 0 : this.#baseline.size > 0;
  }

  /** The net changes: `valueOf` reads a key's value now, `all` lists every entry (first take). */
  take<K>(keys: KeyCodec<K>, valueOf: (keyString: string) => V | undefined, all: () => Iterable<[string, V]>): TableChanges<K, V> {
    const changes: TableChanges<K, V> = { upserts: [], deletes: [] };
    if (this.#baseline === undefined) {
      for (const [keyString, value] of all()) changes.upserts.push({ keyString, key: keys.parse(keyString), value, previous: undefined });
    } else {
      for (const [keyString, before] of this.#baseline) {
        const now = valueOf(keyString);
        const previous = before ?? undefined;
        if (now === undefined) {
          if (previous !== undefined) changes.deletes.push({ keyString, key: keys.parse(keyString), previous });
        } else if (previous === undefined || (previous !== now && !structurallyEqual(previous, now))) {
          changes.upserts.push({ keyString, key: keys.parse(keyString), value: now, previous });
        }
      }
    }
    this.#baseline = new Map();
    return changes;
  }

  /** Drops what was remembered, as a take would. */
  forget(): void {
    this.#baseline = new Map();
  }
}
