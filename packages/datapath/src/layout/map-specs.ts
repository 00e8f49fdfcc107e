import { MapEntryError } from '../datapath-errors.js';
import { endpointKeyCodec, endpointValueCodec } from './endpoint-codec.js';
import { ipcacheKeyCodec, ipcacheValueCodec } from './ipcache-codec.js';
import { lb4BackendKeyCodec, lb4BackendValueCodec } from './lb4-backend-codec.js';
import { lb4RevNatKeyCodec, lb4RevNatValueCodec } from './lb4-revnat-codec.js';
import { lb4ServiceKeyCodec, lb4ServiceValueCodec } from './lb4-service-codec.js';
import {
  INTERNAL_MAP_CAPACITY,
  INTERNAL_MAP_NAMES,
  MAP_CAPACITY,
  MAP_NAMES,
  type EndpointKey,
  type EndpointValue,
  type IpcacheKey,
  type IpcacheValue,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type Lb4ServiceKey,
  type Lb4ServiceValue,
  type PolicyKey,
  type PolicyValue,
} from './map-types.js';
import { policyKeyCodec, policyValueCodec } from './policy-codec.js';
import type { StructCodec } from './struct-codec.js';
import { CONFIG_LAYOUT } from './config-codec.js';
import { COUNTER_LAYOUT } from './counter-codec.js';
import { CT4_ENTRY_LAYOUT, CT4_KEY_LAYOUT } from './ct4-codec.js';
import { FLOW_RECORD_LAYOUT, FLOW_STATE_LAYOUT } from './flow-record-codec.js';
import { LB4_AFFINITY_KEY_LAYOUT, LB4_AFFINITY_VALUE_LAYOUT } from './lb4-affinity-codec.js';
import { NODE_ADDR_KEY_LAYOUT, NODE_ADDR_VALUE_LAYOUT } from './node-addr-codec.js';
import { SOCK_REVNAT_KEY_LAYOUT, SOCK_REVNAT_VALUE_LAYOUT } from './sock-revnat-codec.js';

/** The kernel map types netledger uses (bpftool's names). */
export type BpfMapType = 'hash' | 'lpm_trie' | 'lru_hash' | 'array' | 'hash_of_maps';

/** Everything an adapter needs to create, check and read one map. */
export interface MapSpec<K, V> {
  readonly name: string;
  readonly type: BpfMapType;
  readonly key: StructCodec<K>;
  readonly value: StructCodec<V>;
  /** Default max entries (NL_*_MAX_ENTRIES). */
  readonly capacity: number;
}

/** Capacity overrides by map (the agent's config may lower them, e.g. for tests). */
export type MapCapacities = { readonly [M in keyof typeof MAP_CAPACITY]?: number };

/** The node-wide maps, by their property name on DatapathMaps. */
export const GLOBAL_MAP_SPECS: {
  readonly ipcache: MapSpec<IpcacheKey, IpcacheValue>;
  readonly endpoints: MapSpec<EndpointKey, EndpointValue>;
  readonly lb4Services: MapSpec<Lb4ServiceKey, Lb4ServiceValue>;
  readonly lb4Backends: MapSpec<Lb4BackendKey, Lb4BackendValue>;
  readonly lb4RevNat: MapSpec<Lb4RevNatKey, Lb4RevNatValue>;
} = {
  ipcache: { name: MAP_NAMES.ipcache, type: 'lpm_trie', key: ipcacheKeyCodec, value: ipcacheValueCodec, capacity: MAP_CAPACITY.ipcache },
  endpoints: { name: MAP_NAMES.endpoints, type: 'hash', key: endpointKeyCodec, value: endpointValueCodec, capacity: MAP_CAPACITY.endpoints },
  lb4Services: { name: MAP_NAMES.lb4Services, type: 'hash', key: lb4ServiceKeyCodec, value: lb4ServiceValueCodec, capacity: MAP_CAPACITY.lb4Services },
  lb4Backends: { name: MAP_NAMES.lb4Backends, type: 'hash', key: lb4BackendKeyCodec, value: lb4BackendValueCodec, capacity: MAP_CAPACITY.lb4Backends },
  lb4RevNat: { name: MAP_NAMES.lb4RevNat, type: 'hash', key: lb4RevNatKeyCodec, value: lb4RevNatValueCodec, capacity: MAP_CAPACITY.lb4RevNat },
};

export type GlobalMapName = keyof typeof GLOBAL_MAP_SPECS;

/** `nl_policy_<id>`: the name (and pin file) of an endpoint's policy map; ids are 1..65535. */
export function policyMapName(endpointId: number): string {
  if (!Number.isInteger(endpointId) || endpointId < 1 || endpointId > 65535) {
    throw new MapEntryError('policy map', 'endpoint id', `${String(endpointId)} is not an endpoint id (1..65535)`);
  }
  return `${MAP_NAMES.policyPrefix}${endpointId}`;
}

/** The capacity of a map: the override when given (a positive integer), else the default. */
export function resolveCapacity(map: keyof typeof MAP_CAPACITY, capacities: MapCapacities | undefined): number {
  const n = capacities?.[map] ?? MAP_CAPACITY[map];
  if (!Number.isInteger(n) || n < 1) throw new MapEntryError('capacities', map, `${String(n)} is not a positive integer`);
  return n;
}

/** The endpoint id in a policy map's name, or undefined for any other name. */
export function policyMapId(name: string): number | undefined {
  const m = /^nl_policy_([1-9][0-9]{0,4})$/.exec(name);
  const id = m ? Number(m[1]) : NaN;
  return id >= 1 && id <= 65535 ? id : undefined;
}

export function policyMapSpec(endpointId: number, capacity: number = MAP_CAPACITY.policy): MapSpec<PolicyKey, PolicyValue> {
  return { name: policyMapName(endpointId), type: 'lpm_trie', key: policyKeyCodec, value: policyValueCodec, capacity };
}

/** A datapath-internal map: what creating it and checking a pinned one takes. */
export interface InternalMapSpec {
  readonly name: string;
  readonly type: BpfMapType;
  readonly keySize: number;
  readonly valueSize: number;
  /** Default max entries (NL_*_MAX_ENTRIES). */
  readonly capacity: number;
  /** Creation flags: 1 (BPF_F_NO_PREALLOC) for hashes, 0 for LRU hashes and arrays. */
  readonly flags: number;
}

/**
 * The maps the programs own (created by the pinned adapter or the loader, whichever runs
 * first): conntrack, affinity, socket reverse NAT, node addresses, config, counters, flows,
 * and nl_policy_eps (endpoint id -> nl_policy_<id>, value: the inner map).
 */
export const INTERNAL_MAP_SPECS: { readonly [N in InternalMapName]: InternalMapSpec } = {
  policyEps: { name: INTERNAL_MAP_NAMES.policyEps, type: 'hash_of_maps', keySize: 4, valueSize: 4, capacity: INTERNAL_MAP_CAPACITY.policyEps, flags: 1 },
  ct4: { name: INTERNAL_MAP_NAMES.ct4, type: 'lru_hash', keySize: CT4_KEY_LAYOUT.size, valueSize: CT4_ENTRY_LAYOUT.size, capacity: INTERNAL_MAP_CAPACITY.ct4, flags: 0 },
  lb4Affinity: {
    name: INTERNAL_MAP_NAMES.lb4Affinity,
    type: 'lru_hash',
    keySize: LB4_AFFINITY_KEY_LAYOUT.size,
    valueSize: LB4_AFFINITY_VALUE_LAYOUT.size,
    capacity: INTERNAL_MAP_CAPACITY.lb4Affinity,
    flags: 0,
  },
  sockRevNat4: {
    name: INTERNAL_MAP_NAMES.sockRevNat4,
    type: 'lru_hash',
    keySize: SOCK_REVNAT_KEY_LAYOUT.size,
    valueSize: SOCK_REVNAT_VALUE_LAYOUT.size,
    capacity: INTERNAL_MAP_CAPACITY.sockRevNat4,
    flags: 0,
  },
  nodeAddrs: {
    name: INTERNAL_MAP_NAMES.nodeAddrs,
    type: 'hash',
    keySize: NODE_ADDR_KEY_LAYOUT.size,
    valueSize: NODE_ADDR_VALUE_LAYOUT.size,
    capacity: INTERNAL_MAP_CAPACITY.nodeAddrs,
    flags: 1,
  },
  config: { name: INTERNAL_MAP_NAMES.config, type: 'array', keySize: 4, valueSize: CONFIG_LAYOUT.size, capacity: INTERNAL_MAP_CAPACITY.config, flags: 0 },
  counters: { name: INTERNAL_MAP_NAMES.counters, type: 'array', keySize: 4, valueSize: COUNTER_LAYOUT.size, capacity: INTERNAL_MAP_CAPACITY.counters, flags: 0 },
  flows: { name: INTERNAL_MAP_NAMES.flows, type: 'array', keySize: 4, valueSize: FLOW_RECORD_LAYOUT.size, capacity: INTERNAL_MAP_CAPACITY.flows, flags: 0 },
  flowState: { name: INTERNAL_MAP_NAMES.flowState, type: 'array', keySize: 4, valueSize: FLOW_STATE_LAYOUT.size, capacity: INTERNAL_MAP_CAPACITY.flowState, flags: 0 },
};

export type InternalMapName = keyof typeof INTERNAL_MAP_NAMES;

/**
 * Capacities the programs depend on (the ring's index mask, the counters' index range, the
 * config's one entry): a pinned map with another capacity is a layout mismatch. The others
 * may be created smaller (InternalMapCapacities), e.g. for tests.
 */
export const FIXED_CAPACITY_MAPS: ReadonlySet<InternalMapName> = new Set(['config', 'counters', 'flows', 'flowState']);

/** Capacity overrides of the internal maps whose capacity is not fixed. */
export type InternalMapCapacities = { readonly [M in 'policyEps' | 'ct4' | 'lb4Affinity' | 'sockRevNat4' | 'nodeAddrs']?: number };
