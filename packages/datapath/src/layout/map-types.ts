// Decoded forms of the map entries declared in bpf/include/netledger/maps.h. The header is the
// source of truth; the codecs next to this file turn these into the exact bytes it describes.

export type IpFamily = 4 | 6;

/** ipcache key: an IP prefix. `ip` is the textual network address (host bits zero). */
export interface IpcacheKey {
  readonly ip: string;
  readonly prefixLength: number;
}

export interface IpcacheValue {
  readonly identity: number;
  /** IPv4 of the node hosting the endpoint; '0.0.0.0' when local or unknown. */
  readonly tunnelEndpoint: string;
  /** IPCACHE_FLAGS bits. */
  readonly flags: number;
}

export const IPCACHE_FLAGS = { local: 0x01, cidr: 0x02 } as const;

/** Local endpoint by address. */
export interface EndpointKey {
  readonly ip: string;
}

export interface EndpointValue {
  /** 1..65535; names the endpoint's policy map (`nl_policy_<id>`). */
  readonly endpointId: number;
  readonly identity: number;
  /** Host-side interface; 0 until the CNI plugin attaches one. */
  readonly ifindex: number;
  /** ENDPOINT_FLAGS bits. */
  readonly flags: number;
}

export const ENDPOINT_FLAGS = { ingressEnforced: 0x01, egressEnforced: 0x02 } as const;

export type PolicyDirection = 'ingress' | 'egress';

/** IANA protocol numbers used in policy and LB keys (0: any, only at prefix lengths <= 64). */
export const IP_PROTOCOL = { ANY: 0, TCP: 6, UDP: 17, SCTP: 132 } as const;

/**
 * Policy key over the LPM layout: `prefixLength` is one of POLICY_PREFIX (8, 64, 80, 96) or
 * 80 + k for a port block of 2^(16-k) ports starting at `port` (aligned).
 */
export interface PolicyKey {
  readonly direction: PolicyDirection;
  /** 0 = any identity. */
  readonly identity: number;
  readonly protocol: number;
  readonly port: number;
  readonly prefixLength: number;
}

export const POLICY_PREFIX = { direction: 8, identity: 64, protocol: 80, full: 96 } as const;

export interface PolicyValue {
  readonly action: 'allow' | 'deny';
  /** POLICY_FLAGS bits. */
  readonly flags: number;
  /** FNV-1a 32 of `<policy ref>#<rule source>`; 0 for a direction default. */
  readonly ruleId: number;
}

export const POLICY_FLAGS = { default: 0x01 } as const;

export interface Lb4ServiceKey {
  readonly address: string;
  readonly port: number;
  readonly protocol: number;
  /** 0: the frontend's master entry; 1..count: backend slots. */
  readonly slot: number;
}

export interface Lb4ServiceValue {
  /** Slot > 0: the backend id. Slot 0: session affinity timeout in seconds (0 without affinity). */
  readonly backendId: number;
  /** Slot 0: number of backend slots; 0 in slots. */
  readonly count: number;
  /** The frontend id, also the reverse-NAT index. */
  readonly revNatIndex: number;
  /** SERVICE_FLAGS bits. */
  readonly flags: number;
}

export const SERVICE_FLAGS = {
  clusterIP: 0x01,
  nodePort: 0x02,
  externalIP: 0x04,
  loadBalancer: 0x08,
  affinity: 0x10,
  localOnly: 0x20,
} as const;

export interface Lb4BackendKey {
  readonly backendId: number;
}

export type BackendState = 'active' | 'terminating' | 'quarantined';

export interface Lb4BackendValue {
  readonly address: string;
  readonly port: number;
  readonly protocol: number;
  readonly state: BackendState;
}

export interface Lb4RevNatKey {
  readonly revNatIndex: number;
}

export interface Lb4RevNatValue {
  readonly address: string;
  readonly port: number;
}

/** Map names as pinned under the pin directory (NL_*_MAP in the header). */
export const MAP_NAMES = {
  ipcache: 'nl_ipcache',
  endpoints: 'nl_endpoints',
  lb4Services: 'nl_lb4_services',
  lb4Backends: 'nl_lb4_backends',
  lb4RevNat: 'nl_lb4_reverse_nat',
  policyPrefix: 'nl_policy_',
} as const;

/** Default capacities (NL_*_MAX_ENTRIES in the header); the agent's config may lower them. */
export const MAP_CAPACITY = {
  ipcache: 524288,
  endpoints: 65535,
  policy: 16384,
  lb4Services: 262144,
  lb4Backends: 262144,
  lb4RevNat: 65536,
} as const;

// ---- datapath-internal maps (written by the programs; the agent reads them) ----

/** Conntrack scope (NL_CT_*): who opened the connection, or its service translation. */
export type CtScope = 'egress' | 'ingress' | 'service';

/** nl_ct4 key: the tuple of the connection's first packet. */
export interface Ct4Key {
  readonly saddr: string;
  readonly daddr: string;
  readonly sport: number;
  readonly dport: number;
  readonly protocol: number;
  readonly scope: CtScope;
}

export interface Ct4Entry {
  /** Monotonic seconds (since boot) after which the entry is dead. */
  readonly expires: number;
  readonly created: number;
  /** Service scope: the backend every packet of the connection goes to. */
  readonly backendId: number;
  readonly ruleId: number;
  readonly peerIdentity: number;
  /** The frontend the client addressed ('0.0.0.0' when not translated). */
  readonly natAddress: string;
  readonly natPort: number;
  readonly revNatIndex: number;
  /** CT_FLAGS bits. */
  readonly flags: number;
}

export const CT_FLAGS = { seenReply: 0x01, txClosing: 0x02, rxClosing: 0x04 } as const;

export interface Lb4AffinityKey {
  /** The client address; '0.0.0.0' for host sockets. */
  readonly client: string;
  readonly revNatIndex: number;
}

export interface Lb4AffinityValue {
  readonly backendId: number;
  /** Monotonic seconds. */
  readonly lastUsed: number;
}

export interface SockRevNatKey {
  readonly cookie: bigint;
  readonly address: string;
  readonly port: number;
}

export interface SockRevNatValue {
  readonly address: string;
  readonly port: number;
  readonly revNatIndex: number;
}

export interface NodeAddrKey {
  readonly address: string;
}

export interface NodeAddrValue {
  /** NODE_ADDR_FLAGS bits. */
  readonly flags: number;
}

export const NODE_ADDR_FLAGS = { nodePort: 0x01, loopback: 0x02 } as const;

/** The nl_config entry (index 0). */
export interface DatapathConfigValue {
  /** 0: the default (FLOW_DEFAULT_RATE). */
  readonly flowEventsPerSecond: number;
  /** CONFIG_FLAGS bits. */
  readonly flags: number;
  /** The netns whose sockets get socket LB; 0n: init_net. */
  readonly hostNetnsCookie: bigint;
}

export const CONFIG_FLAGS = { noFlows: 0x01 } as const;
export const FLOW_DEFAULT_RATE = 10000;

export interface CounterValue {
  readonly packets: bigint;
  readonly bytes: bigint;
}

export interface FlowStateValue {
  /** Seq of the last record taken. */
  readonly head: bigint;
  readonly windowStartNs: bigint;
  readonly windowCount: bigint;
  /** Records the rate limit left out. */
  readonly suppressed: bigint;
}

/** Verdicts of flow records and counters. */
export type Verdict = 'FORWARDED' | 'DROPPED';
export type FlowObservation = 'from-pod' | 'to-pod' | 'host-socket';

/** A flow record the programs wrote (struct nl_flow_record, decoded). */
export interface FlowRecord {
  readonly seq: bigint;
  /** bpf_ktime_get_ns: monotonic nanoseconds since boot. */
  readonly timeNs: bigint;
  readonly observation: FlowObservation;
  readonly direction: 'egress' | 'ingress';
  readonly verdict: Verdict;
  /** e.g. 'policy-denied'; undefined when forwarded. */
  readonly dropReason: string | undefined;
  readonly protocol: 'TCP' | 'UDP' | 'ICMP' | string;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The frontend before translation, when translated. */
  readonly serviceIp?: string;
  readonly servicePort?: number;
  readonly srcIdentity: number;
  readonly dstIdentity: number;
  readonly endpointId: number;
  readonly ifindex: number;
  /** nl_policy_value.rule_id that decided (0: default or none). */
  readonly ruleId: number;
  readonly tcpFlags: number;
  readonly isReply: boolean;
}

/** Drop reasons by their NL_DROP_* code (maps.h); index 0 is "none" (forwarded). */
export const DROP_REASONS: readonly string[] = [
  'none',
  'policy-denied',
  'policy-deny-rule',
  'no-service-backend',
  'unknown-endpoint',
  'invalid-source',
  'unsupported-l3',
  'invalid-packet',
  'ct-map-full',
  'unsupported-fragment',
];

/** The kebab-case name of an NL_DROP_* code (`drop-<n>` for a code this build does not know). */
export function dropReasonName(code: number): string {
  return DROP_REASONS[code] ?? `drop-${code}`;
}

/** Names and capacities of the datapath-internal maps (NL_*_MAP / NL_*_MAX_ENTRIES). */
export const INTERNAL_MAP_NAMES = {
  policyEps: 'nl_policy_eps',
  ct4: 'nl_ct4',
  lb4Affinity: 'nl_lb4_affinity',
  sockRevNat4: 'nl_sock_revnat4',
  nodeAddrs: 'nl_node_addrs',
  config: 'nl_config',
  counters: 'nl_counters',
  flows: 'nl_flows',
  flowState: 'nl_flow_state',
} as const;

export const INTERNAL_MAP_CAPACITY = {
  policyEps: 65536,
  ct4: 131072,
  lb4Affinity: 65536,
  sockRevNat4: 65536,
  nodeAddrs: 256,
  config: 1,
  counters: 256,
  flows: 8192,
  flowState: 1,
} as const;
