/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4 parsing into a tuple, and address/port rewrites with checksum updates. */
#ifndef NL_PACKET_H
#define NL_PACKET_H

#include "common.h"

#define NL_IP_MF 0x2000
#define NL_IP_OFFSET 0x1fff
#define NL_TCP_FIN 0x01
#define NL_TCP_SYN 0x02
#define NL_TCP_RST 0x04
#define NL_TCP_ACK 0x10
#define NL_ICMP_ECHOREPLY 0
#define NL_ICMP_DEST_UNREACH 3
#define NL_ICMP_ECHO 8
#define NL_ICMP_TIME_EXCEEDED 11
#define NL_ICMP_PARAMETERPROB 12

/* nl_parse results besides 0 (an IPv4 packet) and NL_DROP_* codes. */
#define NL_PARSE_PASS -1 /* ARP: not ours to judge */

struct nl_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
};

struct nl_pkt {
	struct nl_tuple t; /* CT convention: ICMP echo id in sport (request) or dport (reply) */
	struct nl_tuple inner; /* ICMP errors: the packet the error is about */
	__u32 l4_off;
	__u8 has_ports; /* TCP or UDP: t.sport/t.dport are ports that can be translated */
	__u8 tcp_flags;
	__u8 icmp_error;
};

/* The tuple of the IPv4 header at `off` and the first bytes of its L4 header. */
static __always_inline int nl_parse_l4(struct __sk_buff *skb, __u32 off, struct nl_tuple *t, __u32 *l4_off, __u8 *tcp_flags,
				       __u8 *icmp_type)
{
	struct iphdr ip;
	__u8 l4[14];

	if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) < 0)
		return NL_DROP_INVALID_PACKET;
	if (ip.version != 4 || ip.ihl < 5)
		return NL_DROP_INVALID_PACKET;
	if (ip.frag_off & bpf_htons(NL_IP_MF | NL_IP_OFFSET))
		return NL_DROP_FRAGMENT;
	t->saddr = ip.saddr;
	t->daddr = ip.daddr;
	t->proto = ip.protocol;
	t->sport = 0;
	t->dport = 0;
	*l4_off = off + ip.ihl * 4;
	switch (ip.protocol) {
	case IPPROTO_TCP:
		if (bpf_skb_load_bytes(skb, *l4_off, l4, 14) < 0)
			return NL_DROP_INVALID_PACKET;
		__builtin_memcpy(&t->sport, &l4[0], 2);
		__builtin_memcpy(&t->dport, &l4[2], 2);
		*tcp_flags = l4[13];
		break;
	case IPPROTO_UDP:
		if (bpf_skb_load_bytes(skb, *l4_off, l4, 4) < 0)
			return NL_DROP_INVALID_PACKET;
		__builtin_memcpy(&t->sport, &l4[0], 2);
		__builtin_memcpy(&t->dport, &l4[2], 2);
		break;
	case IPPROTO_ICMP:
		if (bpf_skb_load_bytes(skb, *l4_off, l4, 8) < 0)
			return NL_DROP_INVALID_PACKET;
		*icmp_type = l4[0];
		if (l4[0] == NL_ICMP_ECHO)
			__builtin_memcpy(&t->sport, &l4[4], 2);
		else if (l4[0] == NL_ICMP_ECHOREPLY)
			__builtin_memcpy(&t->dport, &l4[4], 2);
		break;
	}
	return 0;
}

/* 0 for an IPv4 packet (tuple filled), NL_PARSE_PASS for ARP, else an NL_DROP_* reason. */
static __always_inline int nl_parse(struct __sk_buff *skb, struct nl_pkt *p)
{
	__be16 h_proto;
	__u8 icmp_type = 0xff;
	int r;

	if (bpf_skb_load_bytes(skb, 12, &h_proto, 2) < 0)
		return NL_DROP_INVALID_PACKET;
	if (h_proto == bpf_htons(ETH_P_ARP))
		return NL_PARSE_PASS;
	if (h_proto != bpf_htons(ETH_P_IP))
		return NL_DROP_UNSUPPORTED_L3;
	r = nl_parse_l4(skb, ETH_HLEN, &p->t, &p->l4_off, &p->tcp_flags, &icmp_type);
	if (r)
		return r;
	p->has_ports = p->t.proto == IPPROTO_TCP || p->t.proto == IPPROTO_UDP;
	if (icmp_type == NL_ICMP_DEST_UNREACH || icmp_type == NL_ICMP_TIME_EXCEEDED || icmp_type == NL_ICMP_PARAMETERPROB) {
		__u32 inner_l4;
		__u8 inner_flags = 0, inner_type = 0xff;

		/* The error quotes the packet it is about: its tuple finds the connection. */
		if (nl_parse_l4(skb, p->l4_off + 8, &p->inner, &inner_l4, &inner_flags, &inner_type) == 0)
			p->icmp_error = 1;
	}
	return 0;
}

static __always_inline int nl_l4_csum_off(const struct nl_pkt *p)
{
	if (p->t.proto == IPPROTO_TCP)
		return p->l4_off + 16;
	if (p->t.proto == IPPROTO_UDP)
		return p->l4_off + 6;
	return -1;
}

/*
 * Rewrites the destination (dst = 1) or source address and port. The pseudo-header flag makes
 * the L4 update right for CHECKSUM_PARTIAL packets (veth offload) too; for UDP, MARK_MANGLED_0
 * leaves a zero (absent) checksum zero.
 */
static __always_inline int nl_rewrite(struct __sk_buff *skb, struct nl_pkt *p, int dst, __be32 addr, __be16 port)
{
	int csum_off = nl_l4_csum_off(p);
	__u64 mangled = p->t.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__be32 old_addr = dst ? p->t.daddr : p->t.saddr;
	__be16 old_port = dst ? p->t.dport : p->t.sport;
	__u32 addr_off = ETH_HLEN + (dst ? offsetof(struct iphdr, daddr) : offsetof(struct iphdr, saddr));

	if (old_addr != addr) {
		if (csum_off >= 0 &&
		    bpf_l4_csum_replace(skb, csum_off, old_addr, addr, BPF_F_PSEUDO_HDR | mangled | sizeof(addr)) < 0)
			return -1;
		if (bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), old_addr, addr, sizeof(addr)) < 0)
			return -1;
		if (bpf_skb_store_bytes(skb, addr_off, &addr, sizeof(addr), 0) < 0)
			return -1;
	}
	if (p->has_ports && old_port != port) {
		if (bpf_l4_csum_replace(skb, csum_off, old_port, port, mangled | sizeof(port)) < 0)
			return -1;
		if (bpf_skb_store_bytes(skb, p->l4_off + (dst ? 2 : 0), &port, sizeof(port), 0) < 0)
			return -1;
	}
	if (dst) {
		p->t.daddr = addr;
		p->t.dport = port;
	} else {
		p->t.saddr = addr;
		p->t.sport = port;
	}
	return 0;
}

#endif /* NL_PACKET_H */
