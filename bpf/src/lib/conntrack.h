/* SPDX-License-Identifier: Apache-2.0 */
/* Connection tracking over nl_ct4 (LRU, pinned: it survives agent restarts and reloads). */
#ifndef NL_CONNTRACK_H
#define NL_CONNTRACK_H

#include "maps.bpf.h"
#include "packet.h"

static __always_inline void nl_ct_key(struct nl_ct4_key *k, const struct nl_tuple *t, int reverse, __u8 scope)
{
	k->saddr = reverse ? t->daddr : t->saddr;
	k->daddr = reverse ? t->saddr : t->daddr;
	k->sport = reverse ? t->dport : t->sport;
	k->dport = reverse ? t->sport : t->dport;
	k->proto = t->proto;
	k->scope = scope;
	k->pad = 0;
}

/* A live entry of the tuple (reversed: the connection it replies to); expired ones are none. */
static __always_inline struct nl_ct4_entry *nl_ct_lookup(const struct nl_tuple *t, int reverse, __u8 scope, __u32 now)
{
	struct nl_ct4_key k;
	struct nl_ct4_entry *e;

	nl_ct_key(&k, t, reverse, scope);
	e = bpf_map_lookup_elem(&nl_ct4, &k);
	if (e && e->expires >= now)
		return e;
	return 0;
}

static __always_inline int nl_tcp_syn_only(const struct nl_pkt *p)
{
	return p->t.proto == IPPROTO_TCP && (p->tcp_flags & (NL_TCP_SYN | NL_TCP_ACK)) == NL_TCP_SYN;
}

static __always_inline __u32 nl_ct_lifetime(__u8 proto, __u8 flags)
{
	if (proto != IPPROTO_TCP)
		return NL_CT_LIFETIME_NONTCP;
	if (flags & (NL_CT_F_TX_CLOSING | NL_CT_F_RX_CLOSING))
		return NL_CT_LIFETIME_CLOSE;
	if (flags & NL_CT_F_SEEN_REPLY)
		return NL_CT_LIFETIME_TCP;
	return NL_CT_LIFETIME_SYN;
}

/* Advances an entry with a packet of it (reply: from the side that did not open it). */
static __always_inline void nl_ct_update(struct nl_ct4_entry *e, const struct nl_pkt *p, int reply, __u32 now)
{
	__u8 flags = e->flags;
	__u8 next = flags;
	__u32 expires;

	if (reply)
		next |= NL_CT_F_SEEN_REPLY;
	if (p->t.proto == IPPROTO_TCP) {
		if (p->tcp_flags & NL_TCP_RST)
			next |= NL_CT_F_TX_CLOSING | NL_CT_F_RX_CLOSING;
		else if (p->tcp_flags & NL_TCP_FIN)
			next |= reply ? NL_CT_F_RX_CLOSING : NL_CT_F_TX_CLOSING;
	}
	/* Written only on change: the entry is shared by every CPU that sees the connection. */
	if (next != flags)
		e->flags = next;
	expires = now + nl_ct_lifetime(p->t.proto, next);
	if (e->expires != expires)
		e->expires = expires;
}

/* A forward packet that opens the tuple again: a SYN where the old connection was closing. */
static __always_inline int nl_ct_reopens(const struct nl_ct4_entry *e, const struct nl_pkt *p)
{
	return nl_tcp_syn_only(p) && (e->flags & (NL_CT_F_TX_CLOSING | NL_CT_F_RX_CLOSING));
}

/* Creates (or replaces) the entry; an NL_DROP_* reason when the map cannot take it. */
static __always_inline int nl_ct_create(const struct nl_tuple *t, __u8 scope, struct nl_ct4_entry *e, __u32 now)
{
	struct nl_ct4_key k;

	nl_ct_key(&k, t, 0, scope);
	e->created = now;
	e->expires = now + nl_ct_lifetime(t->proto, 0);
	if (bpf_map_update_elem(&nl_ct4, &k, e, BPF_ANY) < 0)
		return NL_DROP_CT_MAP_FULL;
	return 0;
}

#endif /* NL_CONNTRACK_H */
