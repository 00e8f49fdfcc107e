import type {
  EndpointKey,
  EndpointValue,
  IpcacheKey,
  IpcacheValue,
  Lb4BackendKey,
  Lb4BackendValue,
  Lb4RevNatKey,
  Lb4RevNatValue,
  Lb4ServiceKey,
  Lb4ServiceValue,
  PolicyKey,
  PolicyValue,
} from './layout/map-types.js';

export interface MapEntry<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * One BPF map as the agent sees it: decoded keys and values, batch writes, and a dump to
 * read the map back on restart. Both adapters (pinned kernel maps, in-memory) behave the same,
 * including MapFullError when an update would exceed the capacity.
 */
export interface DatapathMap<K, V> {
  readonly name: string;
  readonly capacity: number;
  /**
   * Inserts or replaces every entry, in order. When the map cannot hold a new key it throws
   * MapFullError after writing the entries before it (the caller knows exactly which landed).
   */
  update(entries: readonly MapEntry<K, V>[]): void;
  /** Deletes the keys; a key that is not there is success. */
  delete(keys: readonly K[]): void;
  lookup(key: K): V | undefined;
  dump(): MapEntry<K, V>[];
  count(): number;
}

/** Every map of one node's datapath. */
export interface DatapathMaps {
  /** 'pinned': kernel maps under the pin directory; 'memory': the in-process fake. */
  readonly kind: 'pinned' | 'memory';
  /** Where the maps live (the pin directory, or 'memory'). */
  readonly location: string;
  readonly ipcache: DatapathMap<IpcacheKey, IpcacheValue>;
  readonly endpoints: DatapathMap<EndpointKey, EndpointValue>;
  readonly lb4Services: DatapathMap<Lb4ServiceKey, Lb4ServiceValue>;
  readonly lb4Backends: DatapathMap<Lb4BackendKey, Lb4BackendValue>;
  readonly lb4RevNat: DatapathMap<Lb4RevNatKey, Lb4RevNatValue>;
  /** The policy map of a local endpoint, created when missing. */
  policy(endpointId: number): DatapathMap<PolicyKey, PolicyValue>;
  /** Endpoint ids that have a policy map now (after a restart: the ones read back). */
  policyMapIds(): number[];
  /** Removes an endpoint's policy map; a missing one is success. */
  removePolicy(endpointId: number): void;
  /** Closes file descriptors; pinned maps stay in the kernel. */
  close(): void;
}
