/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The netledger datapath, one object:
 *   nl_from_pod       tc, host veth ingress (packets leaving a pod): source check, service
 *                     translation, conntrack, egress policy
 *   nl_to_pod         tc, host veth egress (packets entering a pod): reverse translation of
 *                     replies, conntrack, ingress policy
 *   nl_sock_connect4  cgroup/connect4, nl_sock_sendmsg4 and nl_sock_recvmsg4: service
 *                     translation for sockets of the host netns (pods get it in tc)
 * Every decision is counted (nl_counters); drops and new connections are flow records.
 * docs/datapath-programs.md walks through it.
 */
#include "lib/common.h"
#include "lib/conntrack.h"
#include "lib/identity.h"
#include "lib/lb.h"
#include "lib/maps.bpf.h"
#include "lib/packet.h"
#include "lib/policy.h"
#include "lib/telemetry.h"

char LICENSE[] SEC("license") = "GPL";

#ifdef NL_BUILD_VARIANT
/* Test builds only: another variant is another object (libbpf skips this section). */
char nl_build_variant[] SEC("nl_variant") = "variant " __stringify(NL_BUILD_VARIANT);
#endif

static __always_inline int nl_drop(struct __sk_buff *skb, const struct nl_flow *f, __u8 reason)
{
	nl_count(f->direction, NL_VERDICT_DROPPED, reason, skb->len);
	nl_flow_emit(f, NL_VERDICT_DROPPED, reason);
	return TC_ACT_SHOT;
}

static __always_inline int nl_pass(struct __sk_buff *skb, const struct nl_flow *f, int new_connection)
{
	nl_count(f->direction, NL_VERDICT_FORWARDED, NL_DROP_NONE, skb->len);
	if (new_connection)
		nl_flow_emit(f, NL_VERDICT_FORWARDED, NL_DROP_NONE);
	return TC_ACT_OK;
}

/* The port a policy key names: TCP/UDP destination port, 0 for everything else. */
static __always_inline __be16 nl_policy_port(const struct nl_pkt *p)
{
	return p->has_ports ? p->t.dport : 0;
}

/*
 * Service translation of a packet from a local client: reuses the backend of the client's
 * service conntrack entry while that backend exists, else selects one. 0 when translated or
 * not a frontend; NL_DROP_NO_SERVICE_BACKEND when the frontend has no backend.
 */
static __always_inline int nl_translate(struct __sk_buff *skb, struct nl_pkt *p, struct nl_flow *f, struct nl_ct4_entry *egress,
					struct nl_ct4_entry **svc_out, __u32 now)
{
	struct nl_lb4_key key;
	struct nl_lb4_service *master;
	struct nl_lb4_backend *backend = 0;
	struct nl_ct4_entry *svc;
	struct nl_ct4_entry fresh = {};
	__u32 backend_id = 0;

	if (!p->has_ports)
		return 0;
	master = nl_lb4_frontend(&key, p->t.daddr, p->t.dport, p->t.proto, 0);
	if (!master)
		return 0;
	svc = nl_ct_lookup(&p->t, 0, NL_CT_SERVICE, now);
	if (svc && svc->rev_nat_index == master->rev_nat_index && !nl_ct_reopens(svc, p)) {
		backend_id = svc->backend_id;
		backend = nl_lb4_backend(backend_id);
	}
	if (!backend) {
		svc = 0;
		backend_id = nl_lb4_select(&key, master, p->t.saddr, now);
		backend = nl_lb4_backend(backend_id);
		if (!backend)
			return NL_DROP_NO_SERVICE_BACKEND;
		fresh.backend_id = backend_id;
		fresh.rev_nat_index = master->rev_nat_index;
		fresh.nat_address = p->t.daddr;
		fresh.nat_port = p->t.dport;
		nl_ct_create(&p->t, NL_CT_SERVICE, &fresh, now);
	}
	*svc_out = svc;
	f->svc_address = p->t.daddr;
	f->svc_port = p->t.dport;
	f->flags |= NL_FLOW_F_TRANSLATED;
	egress->rev_nat_index = master->rev_nat_index;
	egress->nat_address = p->t.daddr;
	egress->nat_port = p->t.dport;
	if (nl_rewrite(skb, p, 1, backend->address, backend->port) < 0)
		return NL_DROP_INVALID_PACKET;
	return 0;
}

SEC("tc")
int nl_from_pod(struct __sk_buff *skb)
{
	struct nl_pkt p = {};
	struct nl_flow f = { .observation = NL_OBS_FROM_POD, .direction = NL_DIR_EGRESS };
	struct nl_endpoint_value *ep;
	struct nl_ct4_entry *e, *svc = 0;
	struct nl_ct4_entry fresh = {};
	__u32 now, rule_id = 0;
	int r;

	f.ifindex = skb->ifindex;
	r = nl_parse(skb, &p);
	if (r == NL_PARSE_PASS)
		return TC_ACT_OK;
	nl_flow_from_pkt(&f, &p);
	if (r)
		return nl_drop(skb, &f, r);
	ep = nl_endpoint(p.t.saddr);
	if (!ep)
		return nl_drop(skb, &f, NL_DROP_UNKNOWN_ENDPOINT);
	f.endpoint_id = ep->endpoint_id;
	f.src_identity = ep->identity;
	if (ep->ifindex && ep->ifindex != skb->ifindex)
		return nl_drop(skb, &f, NL_DROP_INVALID_SOURCE);
	now = nl_now_s();

	/* An ICMP error about a connection this endpoint accepted. */
	if (p.icmp_error && nl_ct_lookup(&p.inner, 0, NL_CT_INGRESS, now)) {
		f.flags |= NL_FLOW_F_REPLY;
		return nl_pass(skb, &f, 0);
	}
	/* A reply of a connection this endpoint accepted (its to-pod program created the entry). */
	e = nl_ct_lookup(&p.t, 1, NL_CT_INGRESS, now);
	if (e) {
		nl_ct_update(e, &p, 1, now);
		return nl_pass(skb, &f, 0);
	}

	r = nl_translate(skb, &p, &f, &fresh, &svc, now);
	if (r)
		return nl_drop(skb, &f, r);
	f.daddr = p.t.daddr;
	f.dport = p.t.dport;

	e = nl_ct_lookup(&p.t, 0, NL_CT_EGRESS, now);
	if (e && !nl_ct_reopens(e, &p)) {
		nl_ct_update(e, &p, 0, now);
		/* Only the egress entry sees replies: the service entry lives as long as it does. */
		if (svc) {
			if (svc->flags != e->flags)
				svc->flags = e->flags;
			if (svc->expires != e->expires)
				svc->expires = e->expires;
		}
		return nl_pass(skb, &f, 0);
	}

	f.dst_identity = nl_identity_of(p.t.daddr);
	if (ep->flags & NL_ENDPOINT_F_EGRESS_ENFORCED) {
		r = nl_policy_check(ep->endpoint_id, 1, f.dst_identity, p.t.proto, nl_policy_port(&p), &rule_id);
		f.rule_id = rule_id;
		if (r)
			return nl_drop(skb, &f, r);
	}
	fresh.rule_id = rule_id;
	fresh.peer_identity = f.dst_identity;
	r = nl_ct_create(&p.t, NL_CT_EGRESS, &fresh, now);
	if (r)
		return nl_drop(skb, &f, r);
	return nl_pass(skb, &f, 1);
}

SEC("tc")
int nl_to_pod(struct __sk_buff *skb)
{
	struct nl_pkt p = {};
	struct nl_flow f = { .observation = NL_OBS_TO_POD, .direction = NL_DIR_INGRESS };
	struct nl_endpoint_value *ep;
	struct nl_ct4_entry *e;
	struct nl_ct4_entry fresh = {};
	__u32 now, rule_id = 0;
	int r;

	f.ifindex = skb->ifindex;
	r = nl_parse(skb, &p);
	if (r == NL_PARSE_PASS)
		return TC_ACT_OK;
	nl_flow_from_pkt(&f, &p);
	if (r)
		return nl_drop(skb, &f, r);
	ep = nl_endpoint(p.t.daddr);
	if (!ep)
		return nl_drop(skb, &f, NL_DROP_UNKNOWN_ENDPOINT);
	f.endpoint_id = ep->endpoint_id;
	f.dst_identity = ep->identity;
	now = nl_now_s();

	/* An ICMP error about a connection this endpoint opened. */
	if (p.icmp_error && nl_ct_lookup(&p.inner, 0, NL_CT_EGRESS, now)) {
		f.flags |= NL_FLOW_F_REPLY;
		return nl_pass(skb, &f, 0);
	}
	/* A reply of a connection this endpoint opened: back to the frontend it addressed. */
	e = nl_ct_lookup(&p.t, 1, NL_CT_EGRESS, now);
	if (e) {
		nl_ct_update(e, &p, 1, now);
		if (e->rev_nat_index) {
			struct nl_lb4_revnat_key rk = { .rev_nat_index = e->rev_nat_index };
			struct nl_lb4_revnat *rev = bpf_map_lookup_elem(&nl_lb4_reverse_nat, &rk);

			/* A NodePort frontend's address is 0.0.0.0: the entry has the one addressed. */
			if (rev && nl_rewrite(skb, &p, 0, rev->address ? rev->address : e->nat_address,
					      rev->address ? rev->port : e->nat_port) < 0)
				return nl_drop(skb, &f, NL_DROP_INVALID_PACKET);
		}
		return nl_pass(skb, &f, 0);
	}
	e = nl_ct_lookup(&p.t, 0, NL_CT_INGRESS, now);
	if (e && !nl_ct_reopens(e, &p)) {
		nl_ct_update(e, &p, 0, now);
		return nl_pass(skb, &f, 0);
	}

	f.src_identity = nl_identity_of(p.t.saddr);
	/* This node may always reach its pods (health checks, host services): allow-localhost. */
	if ((ep->flags & NL_ENDPOINT_F_INGRESS_ENFORCED) && f.src_identity != NL_IDENTITY_HOST) {
		r = nl_policy_check(ep->endpoint_id, 0, f.src_identity, p.t.proto, nl_policy_port(&p), &rule_id);
		f.rule_id = rule_id;
		if (r)
			return nl_drop(skb, &f, r);
	}
	fresh.rule_id = rule_id;
	fresh.peer_identity = f.src_identity;
	r = nl_ct_create(&p.t, NL_CT_INGRESS, &fresh, now);
	if (r)
		return nl_drop(skb, &f, r);
	return nl_pass(skb, &f, 1);
}

/* ---- socket LB for the host netns ------------------------------------------------------- */

/* Only sockets of the host netns: pods get service translation in tc. */
static __always_inline int nl_sock_in_host_netns(struct bpf_sock_addr *ctx)
{
	__u32 zero = 0;
	struct nl_config *cfg = bpf_map_lookup_elem(&nl_config, &zero);
	__u64 host = cfg && cfg->host_netns_cookie ? cfg->host_netns_cookie : bpf_get_netns_cookie(0);

	return bpf_get_netns_cookie(ctx) == host;
}

/*
 * Rewrites ctx's destination from a frontend to a backend. 1: go on (translated or not a
 * frontend); 0: refuse (the frontend has no backend; connect/sendmsg fail with EPERM).
 */
static __always_inline int nl_sock_translate(struct bpf_sock_addr *ctx, int datagram)
{
	struct nl_flow f = { .observation = NL_OBS_HOST_SOCKET, .direction = NL_DIR_EGRESS, .src_identity = NL_IDENTITY_HOST };
	struct nl_lb4_key key;
	struct nl_lb4_service *master;
	struct nl_lb4_backend *backend;
	struct nl_sock_revnat_key rk = {};
	struct nl_sock_revnat rev, *old;
	__be32 daddr = ctx->user_ip4;
	__be16 dport = (__be16)ctx->user_port;
	__u8 proto = datagram ? IPPROTO_UDP : IPPROTO_TCP;
	__u32 now;

	if (!nl_sock_in_host_netns(ctx))
		return 1;
	master = nl_lb4_frontend(&key, daddr, dport, proto, 1);
	if (!master)
		return 1;
	f.daddr = daddr;
	f.dport = dport;
	f.proto = proto;
	f.svc_address = daddr;
	f.svc_port = dport;
	f.flags = NL_FLOW_F_TRANSLATED;
	now = nl_now_s();
	/* Host sockets share one affinity client (0.0.0.0): they are all this node. */
	backend = nl_lb4_backend(nl_lb4_select(&key, master, 0, now));
	if (!backend) {
		nl_count(NL_DIR_EGRESS, NL_VERDICT_DROPPED, NL_DROP_NO_SERVICE_BACKEND, 0);
		nl_flow_emit(&f, NL_VERDICT_DROPPED, NL_DROP_NO_SERVICE_BACKEND);
		return 0;
	}
	ctx->user_ip4 = backend->address;
	ctx->user_port = (__u32)backend->port;
	f.daddr = backend->address;
	f.dport = backend->port;
	f.dst_identity = nl_identity_of(backend->address);
	if (datagram) {
		/* recvmsg shows replies as coming from the frontend; a repeat send is no new flow. */
		rk.cookie = bpf_get_socket_cookie(ctx);
		rk.address = backend->address;
		rk.port = backend->port;
		old = bpf_map_lookup_elem(&nl_sock_revnat4, &rk);
		if (old && old->address == daddr && old->port == dport)
			return 1;
		rev.address = daddr;
		rev.port = dport;
		rev.rev_nat_index = master->rev_nat_index;
		bpf_map_update_elem(&nl_sock_revnat4, &rk, &rev, BPF_ANY);
	}
	nl_count(NL_DIR_EGRESS, NL_VERDICT_FORWARDED, NL_DROP_NONE, 0);
	nl_flow_emit(&f, NL_VERDICT_FORWARDED, NL_DROP_NONE);
	return 1;
}

SEC("cgroup/connect4")
int nl_sock_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->protocol != IPPROTO_TCP && ctx->protocol != IPPROTO_UDP)
		return 1;
	return nl_sock_translate(ctx, ctx->protocol == IPPROTO_UDP);
}

SEC("cgroup/sendmsg4")
int nl_sock_sendmsg4(struct bpf_sock_addr *ctx)
{
	return nl_sock_translate(ctx, 1);
}

SEC("cgroup/recvmsg4")
int nl_sock_recvmsg4(struct bpf_sock_addr *ctx)
{
	struct nl_sock_revnat_key rk = {};
	struct nl_sock_revnat *rev;

	rk.cookie = bpf_get_socket_cookie(ctx);
	rk.address = ctx->user_ip4;
	rk.port = (__be16)ctx->user_port;
	rev = bpf_map_lookup_elem(&nl_sock_revnat4, &rk);
	if (rev) {
		ctx->user_ip4 = rev->address;
		ctx->user_port = (__u32)rev->port;
	}
	return 1;
}
