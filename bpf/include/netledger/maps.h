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

/* ==== datapath-internal maps (written by the programs, read by the agent) ================ */

/* ---- nl_policy_eps: hash of maps, endpoint id -> that endpoint's nl_policy_<id> ------------ */

#define NL_POLICY_EPS_MAP "nl_policy_eps"
#define NL_POLICY_EPS_MAX_ENTRIES 65536
/* Key: __u32 endpoint id (host order). Value: the inner map (user space writes its fd, reads
 * back its map id). Inner maps must match the template: LPM trie, key 16, value 8, flags
 * BPF_F_NO_PREALLOC, as every nl_policy_<id> is created. */

/* ---- conntrack (IPv4): LRU hash, tuple + scope -> state --------------------------------- */

#define NL_CT4_MAP "nl_ct4"
#define NL_CT4_MAX_ENTRIES 131072

/*
 * One entry per connection and scope, keyed by the tuple of the connection's first packet
 * (the direction that opened it). Replies look the entry up with the tuple reversed.
 *   NL_CT_EGRESS   opened by a local endpoint (created by nl_from_pod), after service
 *                  translation: daddr/dport are the backend; rev_nat_index names the frontend.
 *   NL_CT_INGRESS  accepted by a local endpoint (created by nl_to_pod).
 *   NL_CT_SERVICE  a client's connection to a frontend, before translation: daddr/dport are
 *                  the frontend; backend_id is the backend every packet of it goes to.
 * ICMP echo: sport = echo id for requests (dport 0), dport = echo id for replies (sport 0).
 */
struct nl_ct4_key {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 scope; /* NL_CT_* */
	__u16 pad;
};

#define NL_CT_EGRESS 0
#define NL_CT_INGRESS 1
#define NL_CT_SERVICE 2

struct nl_ct4_entry {
	__u32 expires; /* monotonic seconds (bpf_ktime_get_ns / 1e9); dead after, counts as new */
	__u32 created; /* monotonic seconds */
	__u32 backend_id; /* NL_CT_SERVICE: the chosen backend */
	__u32 rule_id; /* the policy rule that allowed the connection (0: no rule/default) */
	__u32 peer_identity; /* identity of the remote side when it was opened */
	__be32 nat_address; /* NL_CT_EGRESS/SERVICE: the frontend the client addressed */
	__be16 nat_port;
	__u16 rev_nat_index; /* 0: not translated */
	__u8 flags; /* NL_CT_F_* */
	__u8 pad[3];
};

#define NL_CT_F_SEEN_REPLY 0x01 /* a reply went through: established */
#define NL_CT_F_TX_CLOSING 0x02 /* FIN/RST from the opening side */
#define NL_CT_F_RX_CLOSING 0x04 /* FIN/RST from the replying side */

/* Lifetimes in seconds, as Cilium's defaults. */
#define NL_CT_LIFETIME_TCP 21600
#define NL_CT_LIFETIME_SYN 60
#define NL_CT_LIFETIME_CLOSE 10
#define NL_CT_LIFETIME_NONTCP 60

/* ---- session affinity: LRU hash, client + frontend -> backend ---------------------------- */

#define NL_LB4_AFFINITY_MAP "nl_lb4_affinity"
#define NL_LB4_AFFINITY_MAX_ENTRIES 65536

struct nl_lb4_affinity_key {
	__be32 client; /* client address; 0.0.0.0 for host sockets (nl_sock_connect4) */
	__u16 rev_nat_index;
	__u16 pad;
};

struct nl_lb4_affinity {
	__u32 backend_id;
	__u32 last_used; /* monotonic seconds */
};

/* ---- socket reverse translation (UDP recvmsg): LRU hash ---------------------------------- */

#define NL_SOCK_REVNAT_MAP "nl_sock_revnat4"
#define NL_SOCK_REVNAT_MAX_ENTRIES 65536

struct nl_sock_revnat_key {
	__u64 cookie; /* bpf_get_socket_cookie */
	__be32 address; /* backend */
	__be16 port;
	__u16 pad;
};

struct nl_sock_revnat {
	__be32 address; /* frontend */
	__be16 port;
	__u16 rev_nat_index;
};

/* ---- node addresses: hash, IPv4 of this node -> flags ------------------------------------ */

#define NL_NODE_ADDRS_MAP "nl_node_addrs"
#define NL_NODE_ADDRS_MAX_ENTRIES 256

/* NodePort frontends (address 0.0.0.0) apply to these addresses; a packet from one has the
 * identity host (1). Includes the pod CIDR's router IP and 127.0.0.1. */
struct nl_node_addr_key {
	__be32 address;
};

struct nl_node_addr {
	__u32 flags; /* NL_NODE_ADDR_F_* */
};

#define NL_NODE_ADDR_F_NODEPORT 0x01 /* NodePorts listen on it */
#define NL_NODE_ADDR_F_LOOPBACK 0x02

/* ---- config: array of one entry ---------------------------------------------------------- */

#define NL_CONFIG_MAP "nl_config"

struct nl_config {
	__u32 flow_events_per_second; /* 0: NL_FLOW_DEFAULT_RATE */
	__u32 flags; /* NL_CONFIG_F_* */
	__u64 host_netns_cookie; /* socket LB applies to this netns; 0: init_net */
};

#define NL_CONFIG_F_NO_FLOWS 0x01 /* write no flow records */
#define NL_FLOW_DEFAULT_RATE 10000

/* ---- counters: array indexed by reason, direction and verdict ---------------------------- */

#define NL_COUNTERS_MAP "nl_counters"
#define NL_COUNTERS_MAX_ENTRIES 256
/* Index: (drop reason << 2) | (direction << 1) | (verdict == NL_VERDICT_DROPPED). */

struct nl_counter {
	__u64 packets;
	__u64 bytes;
};

/* ---- flow records: array used as a ring + a head counter --------------------------------- */

#define NL_FLOWS_MAP "nl_flows"
#define NL_FLOWS_MAX_ENTRIES 8192 /* a power of two: slot = (seq - 1) & (N - 1) */
#define NL_FLOW_STATE_MAP "nl_flow_state"

/*
 * A writer takes seq = ++head (atomic), writes slot (seq - 1) % N with seq zero, then the fields,
 * then seq. A reader reads head, then the slots of the seqs it has not seen, keeping a record
 * only when its seq is the one it expected (else it was overwritten or is being written).
 */
struct nl_flow_record {
	__u64 seq;
	__u64 time_ns; /* bpf_ktime_get_ns */
	__be32 saddr;
	__be32 daddr;
	__be16 sport; /* ICMP echo: the id */
	__be16 dport;
	__be32 svc_address; /* the frontend before translation (NL_FLOW_F_TRANSLATED) */
	__be16 svc_port;
	__u8 proto;
	__u8 observation; /* NL_OBS_* */
	__u8 direction; /* NL_DIR_* */
	__u8 verdict; /* NL_VERDICT_* */
	__u8 drop_reason; /* NL_DROP_*, 0 when forwarded */
	__u8 tcp_flags;
	__u8 flags; /* NL_FLOW_F_* */
	__u8 pad[3];
	__u32 src_identity;
	__u32 dst_identity;
	__u32 endpoint_id;
	__u32 ifindex;
	__u32 rule_id;
};

/* Rate limit: windows of 100 ms, each taking rate / 10 records. */
struct nl_flow_state {
	__u64 head; /* seq of the last record taken */
	__u64 window_start_ns;
	__u64 window_count;
	__u64 suppressed; /* records the limit dropped */
};

#define NL_OBS_FROM_POD 1
#define NL_OBS_TO_POD 2
#define NL_OBS_HOST_SOCKET 3

#define NL_DIR_INGRESS 0
#define NL_DIR_EGRESS 1

#define NL_VERDICT_FORWARDED 1
#define NL_VERDICT_DROPPED 2

#define NL_FLOW_F_REPLY 0x01
#define NL_FLOW_F_TRANSLATED 0x02

/* Drop reasons (flow records and counters); kebab-case names in packages/datapath. */
#define NL_DROP_NONE 0
#define NL_DROP_POLICY_DENIED 1 /* no allow; the direction default denies */
#define NL_DROP_POLICY_DENY_RULE 2 /* an explicit deny rule */
#define NL_DROP_NO_SERVICE_BACKEND 3
#define NL_DROP_UNKNOWN_ENDPOINT 4 /* address not a local endpoint (yet) */
#define NL_DROP_INVALID_SOURCE 5 /* source address not the endpoint's (by ifindex) */
#define NL_DROP_UNSUPPORTED_L3 6 /* not IPv4 or ARP */
#define NL_DROP_INVALID_PACKET 7 /* truncated or malformed header */
#define NL_DROP_CT_MAP_FULL 8
#define NL_DROP_FRAGMENT 9 /* IPv4 fragments are not supported */
#define NL_DROP_MAX 63

#endif /* NETLEDGER_MAPS_H */
