/** One side of a flow as the agent knows it. */
export interface FlowEndpoint {
  readonly identity: number;
  /** A pod's namespace and name, when the address is a known endpoint. */
  readonly namespace?: string;
  readonly pod?: string;
  /** The identity's labels as published (`k8s:app=x`, `cidr:10.0.0.0/8`), sorted. */
  readonly labels?: readonly string[];
  /** The reserved identity's name (`host`, `world`, ...). */
  readonly reserved?: string;
}

/** The service a connection was addressed to, when the datapath translated it. */
export interface FlowService {
  readonly namespace: string;
  readonly name: string;
  /** The frontend the client used, `ip:port`. */
  readonly address: string;
}

/** The rule that decided, or the policy whose default deny did. */
export interface FlowPolicy {
  /** `<kind>/<namespace>/<name>` (`<kind>/<name>` for cluster-wide policies). */
  readonly ref: string;
  /** The rule's path in the object (`spec.egress[0]`), or `(default deny)`. */
  readonly rule: string;
  readonly action: 'allow' | 'deny';
  /** The rule id the datapath recorded; absent for a default deny (whose id is 0). */
  readonly ruleId?: number;
}

export type FlowVerdict = 'FORWARDED' | 'DROPPED';

/**
 * A flow as the agent publishes it on `netledger.flows.<node>` and answers queries with: one
 * record of the datapath (a new connection forwarded, or a drop), enriched with what the agent
 * knows of its endpoints, service and deciding policy. Plain JSON.
 */
export interface Flow {
  /** The datapath's record seq on its node (a decimal string: it is a u64). */
  readonly seq: string;
  /** Wall time, ISO-8601 with milliseconds. */
  readonly time: string;
  readonly node: string;
  readonly verdict: FlowVerdict;
  /** Only when dropped, e.g. `policy-denied`. */
  readonly dropReason?: string;
  readonly observation: 'from-pod' | 'to-pod' | 'host-socket';
  readonly direction: 'egress' | 'ingress';
  readonly isReply: boolean;
  readonly ip: { readonly source: string; readonly destination: string };
  readonly l4: {
    readonly protocol: string;
    readonly sourcePort: number;
    readonly destinationPort: number;
    /** TCP only. */
    readonly tcpFlags?: readonly string[];
  };
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly service?: FlowService;
  readonly policy?: FlowPolicy;
  /** `TCP Flags: SYN`, `UDP`, `ICMP`. */
  readonly summary: string;
}

/** The rule text a default deny is named with. */
export const DEFAULT_DENY_RULE = '(default deny)';
