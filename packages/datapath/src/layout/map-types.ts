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
