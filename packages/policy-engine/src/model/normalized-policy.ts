import type { Selector } from '../labels/label-selector.js';

/** The policy resources we understand. */
export type PolicyKind = 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';

export type Direction = 'ingress' | 'egress';

/** A protocol a flow can use. */
export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A protocol a rule can name; `ANY` is Cilium's "TCP, UDP or SCTP". */
export type RuleProtocol = L4Protocol | 'ANY';

/** Cilium entities we support: groups of identities that need no label selector. */
export type Entity = 'world' | 'cluster' | 'host' | 'remote-node' | 'kube-apiserver' | 'all';

export const ENTITIES: readonly Entity[] = ['world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'all'];

/** Which ports of a flow a rule covers. Named ports resolve against the destination's declared ports. */
export type PortMatch =
  | { readonly kind: 'all'; readonly protocol: RuleProtocol }
  | { readonly kind: 'range'; readonly protocol: RuleProtocol; readonly port: number; readonly endPort: number }
  | { readonly kind: 'named'; readonly protocol: RuleProtocol; readonly name: string };

/**
 * Which remote identities a rule covers. Selectors are already translated to security labels
 * (namespace restriction included), so they mean the same on every node.
 */
export type PeerMatch =
  | { readonly kind: 'selector'; readonly selector: Selector }
  | { readonly kind: 'entity'; readonly entity: Entity }
  /** Matches only identities outside the cluster (`reserved:world`) whose address is inside `cidr` and in no `except`. */
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[] };

/** One allow or deny rule, named by where it came from. */
export interface PolicyRule {
  readonly direction: Direction;
  readonly effect: 'allow' | 'deny';
  /** Index within its source list (`spec.ingressDeny[2]` has index 2). */
  readonly index: number;
  /** Path of the rule in the source object, e.g. `spec.ingress[0]` or `specs[1].egressDeny[0]`. */
  readonly source: string;
  /** `null`: any peer at all. An empty list: no peer (the rule only makes the subject default-deny). */
  readonly peers: readonly PeerMatch[] | null;
  /** `null`: any port and protocol. */
  readonly ports: readonly PortMatch[] | null;
}

/** Rules of one direction for one subject. */
export interface DirectionRules {
  /** Whether being selected denies what no rule allows (false only via Cilium's `enableDefaultDeny`). */
  readonly defaultDeny: boolean;
  readonly rules: readonly PolicyRule[];
}

/** A group of endpoints a policy applies to, with its rules; a CNP with `specs` has several. */
export interface PolicySubject {
  /** `spec` or `specs[i]`. */
  readonly source: string;
  /** Endpoints this part selects, over security labels. */
  readonly selector: Selector;
  /** `null`: this part does not affect the direction at all. */
  readonly ingress: DirectionRules | null;
  readonly egress: DirectionRules | null;
}

/**
 * A validated policy in one shape for all three kinds. Plain JSON data: it is carried in events
 * and evaluated identically by the policy service and the node agents.
 */
export interface NormalizedPolicy {
  readonly kind: PolicyKind;
  /** `null` for the cluster-wide kind. */
  readonly namespace: string | null;
  readonly name: string;
  /** `namespace/name`, or `name` when cluster-wide. */
  readonly ref: string;
  readonly subjects: readonly PolicySubject[];
}
