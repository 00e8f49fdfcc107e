/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Map layouts shared by the datapath programs and the node agent. This header is the source
 * of truth: packages/datapath mirrors every struct with a TypeScript codec, and a test compiles
 * bpf/layout/layout-check.c against this file and compares sizes and offsets with the codecs.
 *
 * Byte order: addresses and ports are in network order (as they sit in packets); identities,
 * ids and counts are in host order. Every pad field is zero, so keys compare bytewise.
 */
#ifndef NETLEDGER_MAPS_H
#define NETLEDGER_MAPS_H

#include <linux/types.h>

/* ---- ipcache: LPM trie, IP prefix -> identity ------------------------------------------ */

#define NL_IPCACHE_MAP "nl_ipcache"
#define NL_IPCACHE_MAX_ENTRIES 524288

/* prefixlen counts the 32 bits of pad+family first, then the address prefix:
 * an IPv4 /24 has prefixlen 32 + 24. */
struct nl_ipcache_key {
	__u32 prefixlen;
	__u8 pad[3];
	__u8 family; /* NL_FAMILY_IPV4 or NL_FAMILY_IPV6 */
	__u8 addr[16]; /* IPv4 in the first 4 bytes, rest zero */
};

#define NL_FAMILY_IPV4 4
#define NL_FAMILY_IPV6 6

struct nl_ipcache_value {
	__u32 identity;
	__be32 tunnel_endpoint; /* IPv4 of the node that hosts the endpoint; 0 when local or unknown */
	__u8 flags; /* NL_IPCACHE_F_* */
	__u8 pad[3];
};

#define NL_IPCACHE_F_LOCAL 0x01 /* an endpoint on this node */
#define NL_IPCACHE_F_CIDR 0x02 /* a CIDR identity from a policy, not a pod */

/* ---- endpoints: local endpoint address -> endpoint id, identity ------------------------- */

#define NL_ENDPOINTS_MAP "nl_endpoints"
#define NL_ENDPOINTS_MAX_ENTRIES 65535

/* The agent's record of which local endpoint owns which policy map; read back on restart so
 * endpoint ids (and their pinned policy maps) survive it. One entry per endpoint address. */
struct nl_endpoint_key {
	__u8 family; /* NL_FAMILY_IPV4 or NL_FAMILY_IPV6 */
	__u8 pad[3];
	__u8 addr[16];
};

struct nl_endpoint_value {
	__u32 endpoint_id; /* 1..65535; its policy map is nl_policy_<endpoint_id> */
	__u32 identity;
	__u32 ifindex; /* host-side interface, 0 until the CNI plugin attaches one */
	__u32 flags; /* NL_ENDPOINT_F_* */
};

#define NL_ENDPOINT_F_INGRESS_ENFORCED 0x01
#define NL_ENDPOINT_F_EGRESS_ENFORCED 0x02

/* ---- per-endpoint policy: LPM trie, {direction, identity, proto, port prefix} -> verdict -- */

/* One map per local endpoint, pinned as nl_policy_<endpoint id>. */
#define NL_POLICY_MAP_PREFIX "nl_policy_"
#define NL_POLICY_MAX_ENTRIES 16384

/*
 * The trie matches bits in field order: direction (8), pad (24), identity (32), protocol (8),
 * pad (8), port (16). So:
 *   prefixlen 8                 direction default   (flags NL_POLICY_F_DEFAULT)
 *   prefixlen 64                identity, any protocol and port
 *   prefixlen 80                identity + protocol, any port
 *   prefixlen 80 + k            identity + protocol + the first k bits of the port (ranges)
 *   prefixlen 96                identity + protocol + exact port
 * Identity 0 stands for "any identity". Lookup: the datapath looks up the peer's identity and
 * identity 0 for the same direction/proto/port; a deny from either wins, then an allow from
 * either, then the direction default (deny when the endpoint is selected by a policy in that
 * direction, allow when no default entry exists). The agent writes an allow that a broader
 * deny of the same identity covers as a deny, so the longest-prefix answer is already final.
 */
struct nl_policy_key {
	__u32 prefixlen;
	__u8 egress; /* 0 ingress, 1 egress */
	__u8 pad1[3];
	__u32 identity;
	__u8 protocol; /* IPPROTO_TCP/UDP/SCTP */
	__u8 pad2;
	__be16 dport;
};

#define NL_POLICY_PREFIX_DIRECTION 8
#define NL_POLICY_PREFIX_IDENTITY 64
#define NL_POLICY_PREFIX_PROTOCOL 80
#define NL_POLICY_PREFIX_FULL 96

struct nl_policy_value {
	__u8 action; /* NL_POLICY_ALLOW or NL_POLICY_DENY */
	__u8 flags; /* NL_POLICY_F_* */
	__u16 pad;
	__u32 rule_id; /* FNV-1a 32 of "<policy ref>#<rule source>", 0 for a default entry */
};

#define NL_POLICY_ALLOW 1
#define NL_POLICY_DENY 2
#define NL_POLICY_F_DEFAULT 0x01

/* ---- load balancing (IPv4) ---------------------------------------------------------- */

#define NL_LB4_SERVICES_MAP "nl_lb4_services"
#define NL_LB4_BACKENDS_MAP "nl_lb4_backends"
#define NL_LB4_REVNAT_MAP "nl_lb4_reverse_nat"
#define NL_LB4_SERVICES_MAX_ENTRIES 262144
#define NL_LB4_BACKENDS_MAX_ENTRIES 262144
#define NL_LB4_REVNAT_MAX_ENTRIES 65536

/* Slot 0 is the frontend's master entry (count = number of slots, backend_id = affinity
 * timeout in seconds); slots 1..count hold the backend ids in order. Address 0.0.0.0 is a
 * NodePort on every node address. */
struct nl_lb4_key {
	__be32 address;
	__be16 dport;
	__u16 backend_slot;
	__u8 proto;
	__u8 pad[3];
};

struct nl_lb4_service {
	__u32 backend_id; /* slot > 0: backend id; slot 0: affinity timeout (s) */
	__u16 count; /* slot 0: number of backend slots */
	__u16 rev_nat_index; /* the frontend id */
	__u8 flags; /* NL_SVC_F_* */
	__u8 pad[3];
};

#define NL_SVC_F_CLUSTER_IP 0x01
#define NL_SVC_F_NODE_PORT 0x02
#define NL_SVC_F_EXTERNAL_IP 0x04
#define NL_SVC_F_LOADBALANCER 0x08
#define NL_SVC_F_AFFINITY 0x10
#define NL_SVC_F_LOCAL_ONLY 0x20 /* external/internal traffic policy Local: slots hold node-local backends only */

struct nl_lb4_backend_key {
	__u32 backend_id;
};

struct nl_lb4_backend {
	__be32 address;
	__be16 port;
	__u8 proto;
	__u8 state; /* NL_BACKEND_* */
};

#define NL_BACKEND_ACTIVE 0
#define NL_BACKEND_TERMINATING 1
#define NL_BACKEND_QUARANTINED 2

struct nl_lb4_revnat_key {
	__u16 rev_nat_index;
};

struct nl_lb4_revnat {
	__be32 address;
	__be16 port;
	__u16 pad;
};

#endif /* NETLEDGER_MAPS_H */
