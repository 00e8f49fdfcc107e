/* SPDX-License-Identifier: Apache-2.0 */
/* Per-endpoint policy lookup (precedence as documented in maps.h). */
#ifndef NL_POLICY_H
#define NL_POLICY_H

#include "maps.bpf.h"

static __always_inline int nl_is_rule_deny(const struct nl_policy_value *v)
{
	return v && v->action == NL_POLICY_DENY && !(v->flags & NL_POLICY_F_DEFAULT);
}

static __always_inline int nl_is_rule_allow(const struct nl_policy_value *v)
{
	return v && v->action == NL_POLICY_ALLOW && !(v->flags & NL_POLICY_F_DEFAULT);
}

/*
 * 0 (allowed) or NL_DROP_POLICY_DENIED / NL_DROP_POLICY_DENY_RULE; *rule_id is the deciding
 * value's rule id. Two longest-prefix lookups, the peer's identity and "any" (0): a deny rule
 * from either wins, then an allow from either, then the direction default (a prefix-8 entry),
 * and with no default entry the traffic is allowed. An enforced endpoint whose policy map is
 * not in nl_policy_eps (yet) is denied: enforcement without its rules must not open it up.
 */
static __always_inline int nl_policy_check(__u32 endpoint_id, __u8 egress, __u32 identity, __u8 proto, __be16 dport, __u32 *rule_id)
{
	struct nl_policy_key k = {};
	struct nl_policy_value *peer, *any;
	void *map;

	*rule_id = 0;
	map = bpf_map_lookup_elem(&nl_policy_eps, &endpoint_id);
	if (!map)
		return NL_DROP_POLICY_DENIED;
	k.prefixlen = NL_POLICY_PREFIX_FULL;
	k.egress = egress;
	k.identity = identity;
	k.protocol = proto;
	k.dport = dport;
	peer = bpf_map_lookup_elem(map, &k);
	k.identity = 0;
	any = bpf_map_lookup_elem(map, &k);
	if (nl_is_rule_deny(peer)) {
		*rule_id = peer->rule_id;
		return NL_DROP_POLICY_DENY_RULE;
	}
	if (nl_is_rule_deny(any)) {
		*rule_id = any->rule_id;
		return NL_DROP_POLICY_DENY_RULE;
	}
	if (nl_is_rule_allow(peer)) {
		*rule_id = peer->rule_id;
		return 0;
	}
	if (nl_is_rule_allow(any)) {
		*rule_id = any->rule_id;
		return 0;
	}
	/* Both lookups fell back to the same prefix-8 default, if there is one. */
	if (peer && peer->action == NL_POLICY_DENY)
		return NL_DROP_POLICY_DENIED;
	return 0;
}

#endif /* NL_POLICY_H */
