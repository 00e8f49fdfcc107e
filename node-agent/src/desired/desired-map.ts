/** How one map's keys turn into canonical strings and back. */
export interface KeyCodec<K> {
  /** Equal keys (as the kernel sees them), equal strings. */
  stringOf(key: K): string;
  /** The key a canonical string stands for (fields the string leaves out are zero). */
  parse(keyString: string): K;
}

/** One entry of a desired map. */
export interface DesiredEntry<K, V> {
  readonly key: K;
  readonly value: V;
}

/** One key whose value changed since the previous take. */
export interface ChangedKey<K, V> {
  readonly keyString: string;
  readonly key: K;
  /** What the key held at the previous take; undefined when it was absent. */
  readonly previous: V | undefined;
}

/** What changed in a desired map since the previous take. */
export interface TableChanges<K, V> {
  readonly upserts: Array<ChangedKey<K, V> & { readonly value: V }>;
  readonly deletes: Array<ChangedKey<K, V>>;
}

/**
 * The desired content of one map as the reconciler reads it: values by the canonical string
 * of their key, and the net changes since the previous take. How the content is stored is
 * up to each implementation (a table of values, or a compact form a builder keeps).
 */
export interface DesiredMap<K, V> {
  readonly size: number;
  /** The canonical string form of a key. */
  keyOf(key: K): string;
  /** The key a canonical string stands for. */
  keyFrom(keyString: string): K;
  get(key: K): V | undefined;
  getByKeyString(keyString: string): V | undefined;
  /** Every entry, keys decoded (tests, dumps). */
  entries(): IterableIterator<DesiredEntry<K, V>>;
  /** Every entry by key string (a full diff). */
  keyedValues(): IterableIterator<[string, V]>;
  /** Whether some key changed since the last take (possibly back to what it was). */
  readonly touched: boolean;
  /** The net changes since the last take; the next take starts from here. */
  takeChanges(): TableChanges<K, V>;
  /** Drops the changes recorded so far, as a take would (a full diff against the map covers them). */
  forgetChanges(): void;
}
