import type { ByteMap } from './byte-map.js';
import type { MapSpec } from './layout/map-specs.js';
import type { DatapathMap, MapEntry } from './map-port.js';

/** A DatapathMap over a ByteMap: encodes with the map's codecs, decodes what it reads. */
export class TypedDatapathMap<K, V> implements DatapathMap<K, V> {
  constructor(
    private readonly spec: MapSpec<K, V>,
    readonly bytes: ByteMap,
  ) {}

  get name(): string {
    return this.bytes.name;
  }

  get capacity(): number {
    return this.bytes.capacity;
  }

  update(entries: readonly MapEntry<K, V>[]): void {
    // Every entry is encoded before any is written: a bad entry writes nothing.
    const encoded = entries.map((e) => [this.spec.key.encode(e.key), this.spec.value.encode(e.value)] as const);
    this.bytes.update(encoded);
  }

  delete(keys: readonly K[]): void {
    this.bytes.delete(keys.map((k) => this.spec.key.encode(k)));
  }

  lookup(key: K): V | undefined {
    const value = this.bytes.lookup(this.spec.key.encode(key));
    return value === undefined ? undefined : this.spec.value.decode(value);
  }

  dump(): MapEntry<K, V>[] {
    return this.bytes.entries().map(([k, v]) => ({ key: this.spec.key.decode(k), value: this.spec.value.decode(v) }));
  }

  count(): number {
    return this.bytes.count();
  }
}
