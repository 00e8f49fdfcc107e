/* SPDX-License-Identifier: Apache-2.0 */
/* Who an address is: a local endpoint, this node, or an ipcache identity. */
#ifndef NL_IDENTITY_H
#define NL_IDENTITY_H

#include "maps.bpf.h"

static __always_inline struct nl_endpoint_value *nl_endpoint(__be32 addr)
{
	struct nl_endpoint_key k = {};

	k.family = NL_FAMILY_IPV4;
	__builtin_memcpy(k.addr, &addr, 4);
	return bpf_map_lookup_elem(&nl_endpoints, &k);
}

static __always_inline struct nl_node_addr *nl_node_addr(__be32 addr)
{
	struct nl_node_addr_key k = { .address = addr };

	return bpf_map_lookup_elem(&nl_node_addrs, &k);
}

/* This node's addresses are host (1); else the longest ipcache prefix; else world (2). */
static __always_inline __u32 nl_identity_of(__be32 addr)
{
	struct nl_ipcache_key k = {};
	struct nl_ipcache_value *v;

	if (nl_node_addr(addr))
		return NL_IDENTITY_HOST;
	k.prefixlen = 32 + 32;
	k.family = NL_FAMILY_IPV4;
	__builtin_memcpy(k.addr, &addr, 4);
	v = bpf_map_lookup_elem(&nl_ipcache, &k);
	return v ? v->identity : NL_IDENTITY_WORLD;
}

#endif /* NL_IDENTITY_H */
