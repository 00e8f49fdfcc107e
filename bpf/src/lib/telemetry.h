/* SPDX-License-Identifier: Apache-2.0 */
/* Counters for every decision, and rate-limited flow records in the nl_flows ring. */
#ifndef NL_TELEMETRY_H
#define NL_TELEMETRY_H

#include "maps.bpf.h"
#include "packet.h"

/* What a flow record says; filled as the program learns it. */
struct nl_flow {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__be32 svc_address;
	__be16 svc_port;
	__u8 proto;
	__u8 observation;
	__u8 direction;
	__u8 tcp_flags;
	__u8 flags;
	__u32 src_identity;
	__u32 dst_identity;
	__u32 endpoint_id;
	__u32 ifindex;
	__u32 rule_id;
};

#define NL_FLOW_WINDOW_NS (NL_NS_PER_S / 10)

static __always_inline void nl_count(__u8 direction, __u8 verdict, __u8 reason, __u64 bytes)
{
	__u32 idx = ((__u32)(reason & NL_DROP_MAX) << 2) | ((__u32)(direction & 1) << 1) | (verdict == NL_VERDICT_DROPPED);
	struct nl_counter *c = bpf_map_lookup_elem(&nl_counters, &idx);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, bytes);
	}
}

/* True when the rate limit lets one more record through (windows of 100 ms, rate / 10 each). */
static __always_inline int nl_flow_admit(struct nl_flow_state *st, __u32 rate)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 per_window = rate / 10 ? rate / 10 : 1;

	/* Two CPUs may both reset a window: a few extra records, never a stuck limit. */
	if (now - st->window_start_ns >= NL_FLOW_WINDOW_NS) {
		st->window_start_ns = now;
		st->window_count = 0;
	}
	if (__sync_fetch_and_add(&st->window_count, 1) >= per_window) {
		__sync_fetch_and_add(&st->suppressed, 1);
		return 0;
	}
	return 1;
}

static __always_inline void nl_flow_emit(const struct nl_flow *f, __u8 verdict, __u8 reason)
{
	__u32 zero = 0;
	struct nl_config *cfg = bpf_map_lookup_elem(&nl_config, &zero);
	struct nl_flow_state *st = bpf_map_lookup_elem(&nl_flow_state, &zero);
	struct nl_flow_record *rec;
	__u32 rate = NL_FLOW_DEFAULT_RATE;
	__u64 seq;
	__u32 slot;

	if (!st)
		return;
	if (cfg) {
		if (cfg->flags & NL_CONFIG_F_NO_FLOWS)
			return;
		if (cfg->flow_events_per_second)
			rate = cfg->flow_events_per_second;
	}
	if (!nl_flow_admit(st, rate))
		return;
	seq = __sync_fetch_and_add(&st->head, 1) + 1;
	slot = (__u32)(seq - 1) & (NL_FLOWS_MAX_ENTRIES - 1);
	rec = bpf_map_lookup_elem(&nl_flows, &slot);
	if (!rec)
		return;
	/* seq 0 while the fields change, the new seq once they are written (see maps.h). */
	rec->seq = 0;
	nl_barrier();
	rec->time_ns = bpf_ktime_get_ns();
	rec->saddr = f->saddr;
	rec->daddr = f->daddr;
	rec->sport = f->sport;
	rec->dport = f->dport;
	rec->svc_address = f->svc_address;
	rec->svc_port = f->svc_port;
	rec->proto = f->proto;
	rec->observation = f->observation;
	rec->direction = f->direction;
	rec->verdict = verdict;
	rec->drop_reason = reason;
	rec->tcp_flags = f->tcp_flags;
	rec->flags = f->flags;
	rec->src_identity = f->src_identity;
	rec->dst_identity = f->dst_identity;
	rec->endpoint_id = f->endpoint_id;
	rec->ifindex = f->ifindex;
	rec->rule_id = f->rule_id;
	nl_barrier();
	rec->seq = seq;
}

static __always_inline void nl_flow_from_pkt(struct nl_flow *f, const struct nl_pkt *p)
{
	f->saddr = p->t.saddr;
	f->daddr = p->t.daddr;
	f->sport = p->t.sport;
	f->dport = p->t.dport;
	f->proto = p->t.proto;
	f->tcp_flags = p->tcp_flags;
}

#endif /* NL_TELEMETRY_H */
