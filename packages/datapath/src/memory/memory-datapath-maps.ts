import type { ByteMap } from '../byte-map.js';
import { DatapathClosedError } from '../datapath-errors.js';
import { GLOBAL_MAP_SPECS, policyMapId, policyMapSpec, resolveCapacity, type MapCapacities, type MapSpec } from '../layout/map-specs.js';
import type { PolicyKey, PolicyValue } from '../layout/map-types.js';
import type { DatapathMaps } from '../map-port.js';
import { TypedDatapathMap } from '../typed-map.js';
import { MemoryByteMap } from './memory-byte-map.js';
import { MemoryDatapathStore } from './memory-datapath-store.js';

export interface MemoryDatapathMapsOptions {
  /** The maps' bytes; pass the store of an earlier instance to "reopen" it. A new one by default. */
  readonly store?: MemoryDatapathStore;
  /** Used when a map is first created in the store, like max_entries. */
  readonly capacities?: MapCapacities;
}

/**
 * The in-memory DatapathMaps: the same byte layouts, capacities, full-map errors and LPM
 * lookups as the kernel maps, for tests and for an agent that runs without a datapath.
 */
export class MemoryDatapathMaps implements DatapathMaps {
  readonly kind = 'memory';
  readonly location = 'memory';
  readonly store: MemoryDatapathStore;
  readonly ipcache;
  readonly endpoints;
  readonly lb4Services;
  readonly lb4Backends;
  readonly lb4RevNat;
  private readonly capacities: MapCapacities | undefined;
  private readonly policies = new Map<number, TypedDatapathMap<PolicyKey, PolicyValue>>();
  private readonly opened: ByteMap[] = [];
  private closed = false;

  constructor(options: MemoryDatapathMapsOptions = {}) {
    this.store = options.store ?? new MemoryDatapathStore();
    this.capacities = options.capacities;
    const s = GLOBAL_MAP_SPECS;
    this.ipcache = this.open(s.ipcache, resolveCapacity('ipcache', this.capacities));
    this.endpoints = this.open(s.endpoints, resolveCapacity('endpoints', this.capacities));
    this.lb4Services = this.open(s.lb4Services, resolveCapacity('lb4Services', this.capacities));
    this.lb4Backends = this.open(s.lb4Backends, resolveCapacity('lb4Backends', this.capacities));
    this.lb4RevNat = this.open(s.lb4RevNat, resolveCapacity('lb4RevNat', this.capacities));
  }

  policy(endpointId: number): TypedDatapathMap<PolicyKey, PolicyValue> {
    const spec = policyMapSpec(endpointId);
    if (this.closed) throw new DatapathClosedError(spec.name);
    let map = this.policies.get(endpointId);
    if (!map) {
      map = this.open(spec, resolveCapacity('policy', this.capacities));
      this.policies.set(endpointId, map);
    }
    return map;
  }

  policyMapIds(): number[] {
    return [...this.store.maps.keys()]
      .map(policyMapId)
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => a - b);
  }

  removePolicy(endpointId: number): void {
    const spec = policyMapSpec(endpointId);
    if (this.closed) throw new DatapathClosedError(spec.name);
    this.policies.get(endpointId)?.bytes.close();
    this.policies.delete(endpointId);
    this.store.maps.delete(spec.name);
  }

  close(): void {
    this.closed = true;
    for (const m of this.opened) m.close();
  }

  private open<K, V>(spec: MapSpec<K, V>, capacity: number): TypedDatapathMap<K, V> {
    let stored = this.store.maps.get(spec.name);
    if (!stored) {
      stored = { type: spec.type, capacity, keySize: spec.key.layout.size, entries: new Map(), prefixCounts: new Map() };
      this.store.maps.set(spec.name, stored);
    }
    const bytes = new MemoryByteMap(spec.name, stored);
    this.opened.push(bytes);
    return new TypedDatapathMap(spec, bytes);
  }
}
