/* SPDX-License-Identifier: Apache-2.0 */
/* Service frontends, backend selection and session affinity (IPv4). */
#ifndef NL_LB_H
#define NL_LB_H

#include "identity.h"
#include "maps.bpf.h"

/*
 * The master entry (slot 0) of the frontend daddr:dport/proto; `key` is left pointing at it
 * (address 0.0.0.0 for a NodePort). A miss on an address of this node (or any 127/8 address
 * when `loopback`) tries the NodePort frontend of the port.
 */
static __always_inline struct nl_lb4_service *nl_lb4_frontend(struct nl_lb4_key *key, __be32 daddr, __be16 dport, __u8 proto,
							      int loopback)
{
	struct nl_lb4_service *svc;
	struct nl_node_addr *node;

	key->address = daddr;
	key->dport = dport;
	key->backend_slot = 0;
	key->proto = proto;
	key->pad[0] = 0;
	key->pad[1] = 0;
	key->pad[2] = 0;
	svc = bpf_map_lookup_elem(&nl_lb4_services, key);
	if (svc)
		return svc;
	node = nl_node_addr(daddr);
	if ((node && (node->flags & NL_NODE_ADDR_F_NODEPORT)) || (loopback && (bpf_ntohl(daddr) >> 24) == 127)) {
		key->address = 0;
		return bpf_map_lookup_elem(&nl_lb4_services, key);
	}
	return 0;
}

static __always_inline struct nl_lb4_backend *nl_lb4_backend(__u32 backend_id)
{
	struct nl_lb4_backend_key k = { .backend_id = backend_id };

	return backend_id ? bpf_map_lookup_elem(&nl_lb4_backends, &k) : 0;
}

/*
 * A backend id for a new connection of `client` to the frontend (0 when there is none):
 * the client's affinity entry while it is younger than the timeout (slot 0's backend_id) and
 * its backend still exists, else a random slot in 1..count.
 */
static __always_inline __u32 nl_lb4_select(struct nl_lb4_key *key, const struct nl_lb4_service *master, __be32 client, __u32 now)
{
	struct nl_lb4_affinity_key ak = { .client = client, .rev_nat_index = master->rev_nat_index };
	struct nl_lb4_affinity *aff;
	struct nl_lb4_affinity fresh;
	struct nl_lb4_service *slot;
	__u16 count = master->count;
	int affinity = master->flags & NL_SVC_F_AFFINITY;
	__u32 timeout = master->backend_id;

	if (count == 0)
		return 0;
	if (affinity) {
		aff = bpf_map_lookup_elem(&nl_lb4_affinity, &ak);
		if (aff && now - aff->last_used <= timeout && nl_lb4_backend(aff->backend_id)) {
			if (aff->last_used != now)
				aff->last_used = now;
			return aff->backend_id;
		}
	}
	key->backend_slot = (bpf_get_prandom_u32() % count) + 1;
	slot = bpf_map_lookup_elem(&nl_lb4_services, key);
	key->backend_slot = 0;
	if (!slot)
		return 0;
	if (affinity) {
		fresh.backend_id = slot->backend_id;
		fresh.last_used = now;
		bpf_map_update_elem(&nl_lb4_affinity, &ak, &fresh, BPF_ANY);
	}
	return slot->backend_id;
}

#endif /* NL_LB_H */
