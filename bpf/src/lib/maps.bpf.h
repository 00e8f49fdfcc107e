/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BTF definitions of every map the programs use. The loader reuses the maps pinned in the
 * agent's pin directory (bpftool prog loadall ... map name <m> pinned <dir>/<m>), so these
 * definitions give the verifier types; the pinned maps keep their own capacities.
 */
#ifndef NL_MAPS_BPF_H
#define NL_MAPS_BPF_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct nl_ipcache_key);
	__type(value, struct nl_ipcache_value);
	__uint(max_entries, NL_IPCACHE_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nl_endpoint_key);
	__type(value, struct nl_endpoint_value);
	__uint(max_entries, NL_ENDPOINTS_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_endpoints SEC(".maps");

/* The template every nl_policy_<id> matches. Sizes, not __type: clang emits a struct only
 * reached through this nested definition as a forward declaration, which libbpf cannot size. */
struct nl_policy_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(key_size, sizeof(struct nl_policy_key));
	__uint(value_size, sizeof(struct nl_policy_value));
	__uint(max_entries, NL_POLICY_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, NL_POLICY_EPS_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__array(values, struct nl_policy_inner);
} nl_policy_eps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nl_lb4_key);
	__type(value, struct nl_lb4_service);
	__uint(max_entries, NL_LB4_SERVICES_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_lb4_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nl_lb4_backend_key);
	__type(value, struct nl_lb4_backend);
	__uint(max_entries, NL_LB4_BACKENDS_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_lb4_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nl_lb4_revnat_key);
	__type(value, struct nl_lb4_revnat);
	__uint(max_entries, NL_LB4_REVNAT_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_lb4_reverse_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct nl_ct4_key);
	__type(value, struct nl_ct4_entry);
	__uint(max_entries, NL_CT4_MAX_ENTRIES);
} nl_ct4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct nl_lb4_affinity_key);
	__type(value, struct nl_lb4_affinity);
	__uint(max_entries, NL_LB4_AFFINITY_MAX_ENTRIES);
} nl_lb4_affinity SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct nl_sock_revnat_key);
	__type(value, struct nl_sock_revnat);
	__uint(max_entries, NL_SOCK_REVNAT_MAX_ENTRIES);
} nl_sock_revnat4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nl_node_addr_key);
	__type(value, struct nl_node_addr);
	__uint(max_entries, NL_NODE_ADDRS_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nl_node_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct nl_config);
	__uint(max_entries, 1);
} nl_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct nl_counter);
	__uint(max_entries, NL_COUNTERS_MAX_ENTRIES);
} nl_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct nl_flow_record);
	__uint(max_entries, NL_FLOWS_MAX_ENTRIES);
} nl_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct nl_flow_state);
	__uint(max_entries, 1);
} nl_flow_state SEC(".maps");

#endif /* NL_MAPS_BPF_H */
