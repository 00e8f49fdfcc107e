// A DatapathMaps fake that records every operation in one ordered log (for ordering tests),
// keeps its content in a store a second instance can reopen (restart tests), and throws a
// MapFullError when an update needs more keys than a map's capacity.
import { MapFullError, type DatapathMap, type DatapathMaps, type MapEntry } from '@netledger/datapath';
import {
  endpointKeyString,
  ipcacheKeyString,
  lb4BackendKeyString,
  lb4RevNatKeyString,
  lb4ServiceKeyString,
  policyKeyString,
} from '../../src/desired/map-key-strings.js';

export interface RecordedOperation {
  readonly map: string;
  readonly op: 'update' | 'delete' | 'create-map' | 'remove-map';
  /** Canonical key strings, in call order. */
  readonly keys: readonly string[];
}

/** The maps' content, shared by every instance opened on it. */
export class RecordingStore {
  readonly maps = new Map<string, Map<string, MapEntry<unknown, unknown>>>();
  readonly log: RecordedOperation[] = [];
  /** Capacity per map name (nl_policy_* share `nl_policy_`); unlimited when absent. */
  readonly capacities = new Map<string, number>();

  capacityOf(name: string): number {
    return this.capacities.get(name) ?? (name.startsWith('nl_policy_') ? this.capacities.get('nl_policy_') : undefined) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Operations on `map` (all when omitted) since the log was last cleared. */
  ops(map?: string): RecordedOperation[] {
    return map === undefined ? [...this.log] : this.log.filter((o) => o.map === map);
  }

  clearLog(): void {
    this.log.length = 0;
  }
}

class RecordingMap<K, V> implements DatapathMap<K, V> {
  constructor(
    readonly name: string,
    private readonly store: RecordingStore,
    private readonly keyOf: (key: K) => string,
  ) {}

  get capacity(): number {
    return this.store.capacityOf(this.name);
  }

  private get content(): Map<string, MapEntry<unknown, unknown>> {
    let m = this.store.maps.get(this.name);
    if (m === undefined) this.store.maps.set(this.name, (m = new Map()));
    return m;
  }

  update(entries: readonly MapEntry<K, V>[]): void {
    const content = this.content;
    const keys: string[] = [];
    try {
      entries.forEach((e, i) => {
        const k = this.keyOf(e.key);
        if (!content.has(k) && content.size >= this.capacity) throw new MapFullError(this.name, this.capacity, i);
        content.set(k, { key: e.key, value: structuredClone(e.value) });
        keys.push(k);
      });
    } finally {
      if (keys.length > 0) this.store.log.push({ map: this.name, op: 'update', keys });
    }
  }

  delete(keys: readonly K[]): void {
    const content = this.content;
    const ks = keys.map(this.keyOf);
    for (const k of ks) content.delete(k);
    this.store.log.push({ map: this.name, op: 'delete', keys: ks });
  }

  lookup(key: K): V | undefined {
    return this.content.get(this.keyOf(key))?.value as V | undefined;
  }

  dump(): MapEntry<K, V>[] {
    return [...this.content.values()].map((e) => ({ key: e.key as K, value: structuredClone(e.value) as V }));
  }

  count(): number {
    return this.content.size;
  }
}

/** DatapathMaps over a RecordingStore. */
export class RecordingDatapathMaps implements DatapathMaps {
  readonly kind = 'memory';
  readonly location = 'memory';
  readonly ipcache: DatapathMaps['ipcache'];
  readonly endpoints: DatapathMaps['endpoints'];
  readonly lb4Services: DatapathMaps['lb4Services'];
  readonly lb4Backends: DatapathMaps['lb4Backends'];
  readonly lb4RevNat: DatapathMaps['lb4RevNat'];

  constructor(readonly store: RecordingStore = new RecordingStore()) {
    this.ipcache = new RecordingMap('nl_ipcache', store, ipcacheKeyString);
    this.endpoints = new RecordingMap('nl_endpoints', store, endpointKeyString);
    this.lb4Services = new RecordingMap('nl_lb4_services', store, lb4ServiceKeyString);
    this.lb4Backends = new RecordingMap('nl_lb4_backends', store, lb4BackendKeyString);
    this.lb4RevNat = new RecordingMap('nl_lb4_reverse_nat', store, lb4RevNatKeyString);
  }

  policy(endpointId: number): ReturnType<DatapathMaps['policy']> {
    const name = `nl_policy_${endpointId}`;
    if (!this.store.maps.has(name)) {
      this.store.maps.set(name, new Map());
      this.store.log.push({ map: name, op: 'create-map', keys: [] });
    }
    return new RecordingMap(name, this.store, policyKeyString);
  }

  policyMapIds(): number[] {
    return [...this.store.maps.keys()].filter((n) => n.startsWith('nl_policy_')).map((n) => Number(n.slice('nl_policy_'.length))).sort((a, b) => a - b);
  }

  removePolicy(endpointId: number): void {
    const name = `nl_policy_${endpointId}`;
    this.store.maps.delete(name);
    this.store.log.push({ map: name, op: 'remove-map', keys: [] });
  }

  close(): void {}
}
