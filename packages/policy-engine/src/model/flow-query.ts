import type { Labels } from '../labels/label-selector.js';
import type { Direction, L4Protocol, PolicyKind } from './normalized-policy.js';

/** A container port declared by a pod, which named ports in rules resolve to. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: L4Protocol;
}

/** A pod. */
export interface EndpointPeer {
  readonly kind: 'endpoint';
  readonly namespace: string;
  readonly name: string;
  /** The pod's own labels. */
  readonly labels: Labels;
  /** Labels of the pod's namespace. */
  readonly namespaceLabels: Labels;
  readonly serviceAccount?: string;
  readonly ips: readonly string[];
  readonly namedPorts: readonly NamedPort[];
}

/** An address; it is the endpoint or node that owns it if the cluster view knows one, else the world. */
export interface IpPeer {
  readonly kind: 'ip';
  readonly ip: string;
}

/** A reserved identity that is not a pod. */
export interface EntityPeer {
  readonly kind: 'entity';
  readonly entity: 'host' | 'remote-node' | 'kube-apiserver';
}

export type Peer = EndpointPeer | IpPeer | EntityPeer;

/**
 * A peer at the identity level: its security labels (see `securityLabels`), plus what labels cannot say.
 * A world identity carries `reserved:world` and the addresses CIDR rules are checked against.
 */
export interface IdentityPeer {
  readonly labels: Labels;
  readonly ips?: readonly string[];
  readonly namedPorts?: readonly NamedPort[];
}

/** One connection attempt from `src` to `dst` on a destination port. */
export interface FlowQuery<P> {
  readonly src: P;
  readonly dst: P;
  readonly port: number;
  readonly protocol: L4Protocol;
}

/** Who owns which address, so `ip` peers resolve to the right identity. */
export interface ClusterView {
  readonly endpoints?: readonly EndpointPeer[];
  readonly hostIps?: readonly string[];
  readonly remoteNodeIps?: readonly string[];
  readonly kubeApiServerIps?: readonly string[];
}

/** A rule (or the absence of one) that decided a verdict. */
export type DecidingRule =
  | {
      readonly effect: 'allow' | 'deny';
      readonly kind: PolicyKind;
      /** `namespace/name`, or `name` when cluster-wide. */
      readonly policy: string;
      readonly direction: Direction;
      readonly ruleIndex: number;
      /** Path of the rule in the policy, e.g. `spec.ingress[0]`. */
      readonly source: string;
    }
  | {
      /** The endpoint is selected by this policy for the direction and no rule allowed the flow. */
      readonly effect: 'default-deny';
      readonly kind: PolicyKind;
      readonly policy: string;
      readonly direction: Direction;
      /** The selecting part of the policy: `spec` or `specs[i]`. */
      readonly source: string;
    }
  | {
      /** No policy restricts this side of the flow for the direction. */
      readonly effect: 'default-allow';
      readonly direction: Direction;
    };

/** The answer for one flow and the rules that decided it (for DENIED, only the side(s) that denied). */
export interface Verdict {
  readonly verdict: 'ALLOWED' | 'DENIED';
  readonly rules: readonly DecidingRule[];
}

/** Verdicts for every ordered pair of pods on one port, keyed `namespace/name`. */
export interface ReachabilityMatrix {
  /** e.g. `80/TCP`. */
  readonly port: string;
  readonly matrix: Readonly<Record<string, Readonly<Record<string, 'ALLOWED' | 'DENIED'>>>>;
}
