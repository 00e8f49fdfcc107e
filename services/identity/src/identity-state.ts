import type { PolicyKind } from '@netledger/policy-engine';
import type { NamedPort } from './pod-endpoint.js';

/** Where an identity number comes from: fixed, per label set in the cluster, or per CIDR prefix. */
export type IdentityScope = 'reserved' | 'cluster' | 'cidr';

/** One identity number as the log has it. Released numbers stay, to know their stream version. */
export interface IdentityRecord {
  readonly id: number;
  readonly scope: IdentityScope;
  readonly labels: readonly string[];
  /** Version of the `identity/<id>` stream. */
  version: number;
  /** Allocated and not released. */
  live: boolean;
  /** Endpoints using it (cluster scope), or policies referencing its prefix (cidr scope). */
  refs: number;
  /** Event time at which the last reference went (or of the allocation, before the first); null while referenced. */
  unreferencedSince: string | null;
}

/** An endpoint in force: a pod's IPs on a node, with its identity. */
export interface EndpointRecord {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly node: string;
  readonly ips: readonly string[];
  readonly identity: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly namedPorts: readonly NamedPort[];
}

/**
 * The identity service's state, a projection of its own log: the allocator's memory (which
 * numbers are live, the last one handed out per scope) and the endpoints in force. Indexes
 * (`byLabels`, `unreferenced`) are derived and rebuilt when a snapshot is loaded.
 *
 * CIDR identities (scope `cidr`, numbers `(1 << 24) | n`) live in `identities` and `byLabels`
 * under their `cidr:<prefix>` label, with their own cursor; their references are the policies
 * in `policyCidrs` that list the prefix.
 */
export interface IdentityState {
  /** Every identity number ever allocated, by number. */
  readonly identities: Map<number, IdentityRecord>;
  /** Live identities by label set key (labelSetKey). */
  readonly byLabels: Map<string, number>;
  /** Live allocatable identities with no reference: candidates for garbage collection. */
  readonly unreferenced: Set<number>;
  /** Last number allocated per scope: the next allocation starts after it. */
  readonly cursors: Map<IdentityScope, number>;
  /** Endpoints in force, by `namespace/pod`. */
  readonly endpoints: Map<string, EndpointRecord>;
  /**
   * Version of every `endpoint/<namespace>/<pod>` stream, including removed endpoints, so a
   * pod that comes back under the same name appends at the right expected version.
   */
  readonly endpointVersions: Map<string, number>;
  /**
   * CIDR prefixes each policy references, by `cidr-references/...` stream, with the stream's
   * version (kept with an empty list after a delete, so a policy that comes back continues it).
   */
  readonly policyCidrs: Map<string, PolicyCidrsRecord>;
}

/** The CIDRs one policy references, as the log has them. */
export interface PolicyCidrsRecord {
  readonly policyKind: PolicyKind;
  readonly namespace: string | null;
  readonly name: string;
  /** Sorted, distinct; empty once the policy is deleted or references none. */
  readonly cidrs: readonly string[];
  readonly version: number;
}

export function emptyIdentityState(): IdentityState {
  return {
    identities: new Map(),
    byLabels: new Map(),
    unreferenced: new Set(),
    cursors: new Map(),
    endpoints: new Map(),
    endpointVersions: new Map(),
    policyCidrs: new Map(),
  };
}

/** Stream of an endpoint, from its `namespace/pod` key. */
export function endpointStream(key: string): string {
  return `endpoint/${key}`;
}
