/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prints sizeof and offsetof of every struct and field in netledger/maps.h as JSON:
 *   {"nl_ipcache_key":{"size":24,"fields":{"prefixlen":{"offset":0,"size":4},...}},...}
 * Built for the host by packages/datapath/test/layout.test.ts, which compares the output with
 * the TypeScript codecs' declared layouts (the way cilium's bpf_alignchecker checks its maps).
 * Adding a struct or a field to maps.h means adding it here too; the test then asks for a codec.
 */
#include <stddef.h>
#include <stdio.h>

#include "netledger/maps.h"

static int first_struct = 1;
static int first_field;

static void begin(const char *name, size_t size)
{
	printf("%s\"%s\":{\"size\":%zu,\"fields\":{", first_struct ? "" : ",", name, size);
	first_struct = 0;
	first_field = 1;
}

static void field(const char *name, size_t offset, size_t size)
{
	printf("%s\"%s\":{\"offset\":%zu,\"size\":%zu}", first_field ? "" : ",", name, offset, size);
	first_field = 0;
}

static void end(void)
{
	printf("}}");
}

#define STRUCT(s) begin(#s, sizeof(struct s))
#define FIELD(s, f) field(#f, offsetof(struct s, f), sizeof(((struct s *)0)->f))

int main(void)
{
	printf("{");

	STRUCT(nl_ipcache_key);
	FIELD(nl_ipcache_key, prefixlen);
	FIELD(nl_ipcache_key, pad);
	FIELD(nl_ipcache_key, family);
	FIELD(nl_ipcache_key, addr);
	end();

	STRUCT(nl_ipcache_value);
	FIELD(nl_ipcache_value, identity);
	FIELD(nl_ipcache_value, tunnel_endpoint);
	FIELD(nl_ipcache_value, flags);
	FIELD(nl_ipcache_value, pad);
	end();

	STRUCT(nl_endpoint_key);
	FIELD(nl_endpoint_key, family);
	FIELD(nl_endpoint_key, pad);
	FIELD(nl_endpoint_key, addr);
	end();

	STRUCT(nl_endpoint_value);
	FIELD(nl_endpoint_value, endpoint_id);
	FIELD(nl_endpoint_value, identity);
	FIELD(nl_endpoint_value, ifindex);
	FIELD(nl_endpoint_value, flags);
	end();

	STRUCT(nl_policy_key);
	FIELD(nl_policy_key, prefixlen);
	FIELD(nl_policy_key, egress);
	FIELD(nl_policy_key, pad1);
	FIELD(nl_policy_key, identity);
	FIELD(nl_policy_key, protocol);
	FIELD(nl_policy_key, pad2);
	FIELD(nl_policy_key, dport);
	end();

	STRUCT(nl_policy_value);
	FIELD(nl_policy_value, action);
	FIELD(nl_policy_value, flags);
	FIELD(nl_policy_value, pad);
	FIELD(nl_policy_value, rule_id);
	end();

	STRUCT(nl_lb4_key);
	FIELD(nl_lb4_key, address);
	FIELD(nl_lb4_key, dport);
	FIELD(nl_lb4_key, backend_slot);
	FIELD(nl_lb4_key, proto);
	FIELD(nl_lb4_key, pad);
	end();

	STRUCT(nl_lb4_service);
	FIELD(nl_lb4_service, backend_id);
	FIELD(nl_lb4_service, count);
	FIELD(nl_lb4_service, rev_nat_index);
	FIELD(nl_lb4_service, flags);
	FIELD(nl_lb4_service, pad);
	end();

	STRUCT(nl_lb4_backend_key);
	FIELD(nl_lb4_backend_key, backend_id);
	end();

	STRUCT(nl_lb4_backend);
	FIELD(nl_lb4_backend, address);
	FIELD(nl_lb4_backend, port);
	FIELD(nl_lb4_backend, proto);
	FIELD(nl_lb4_backend, state);
	end();

	STRUCT(nl_lb4_revnat_key);
	FIELD(nl_lb4_revnat_key, rev_nat_index);
	end();

	STRUCT(nl_lb4_revnat);
	FIELD(nl_lb4_revnat, address);
	FIELD(nl_lb4_revnat, port);
	FIELD(nl_lb4_revnat, pad);
	end();

	STRUCT(nl_ct4_key);
	FIELD(nl_ct4_key, saddr);
	FIELD(nl_ct4_key, daddr);
	FIELD(nl_ct4_key, sport);
	FIELD(nl_ct4_key, dport);
	FIELD(nl_ct4_key, proto);
	FIELD(nl_ct4_key, scope);
	FIELD(nl_ct4_key, pad);
	end();

	STRUCT(nl_ct4_entry);
	FIELD(nl_ct4_entry, expires);
	FIELD(nl_ct4_entry, created);
	FIELD(nl_ct4_entry, backend_id);
	FIELD(nl_ct4_entry, rule_id);
	FIELD(nl_ct4_entry, peer_identity);
	FIELD(nl_ct4_entry, nat_address);
	FIELD(nl_ct4_entry, nat_port);
	FIELD(nl_ct4_entry, rev_nat_index);
	FIELD(nl_ct4_entry, flags);
	FIELD(nl_ct4_entry, pad);
	end();

	STRUCT(nl_lb4_affinity_key);
	FIELD(nl_lb4_affinity_key, client);
	FIELD(nl_lb4_affinity_key, rev_nat_index);
	FIELD(nl_lb4_affinity_key, pad);
	end();

	STRUCT(nl_lb4_affinity);
	FIELD(nl_lb4_affinity, backend_id);
	FIELD(nl_lb4_affinity, last_used);
	end();

	STRUCT(nl_sock_revnat_key);
	FIELD(nl_sock_revnat_key, cookie);
	FIELD(nl_sock_revnat_key, address);
	FIELD(nl_sock_revnat_key, port);
	FIELD(nl_sock_revnat_key, pad);
	end();

	STRUCT(nl_sock_revnat);
	FIELD(nl_sock_revnat, address);
	FIELD(nl_sock_revnat, port);
	FIELD(nl_sock_revnat, rev_nat_index);
	end();

	STRUCT(nl_node_addr_key);
	FIELD(nl_node_addr_key, address);
	end();

	STRUCT(nl_node_addr);
	FIELD(nl_node_addr, flags);
	end();

	STRUCT(nl_config);
	FIELD(nl_config, flow_events_per_second);
	FIELD(nl_config, flags);
	FIELD(nl_config, host_netns_cookie);
	end();

	STRUCT(nl_counter);
	FIELD(nl_counter, packets);
	FIELD(nl_counter, bytes);
	end();

	STRUCT(nl_flow_record);
	FIELD(nl_flow_record, seq);
	FIELD(nl_flow_record, time_ns);
	FIELD(nl_flow_record, saddr);
	FIELD(nl_flow_record, daddr);
	FIELD(nl_flow_record, sport);
	FIELD(nl_flow_record, dport);
	FIELD(nl_flow_record, svc_address);
	FIELD(nl_flow_record, svc_port);
	FIELD(nl_flow_record, proto);
	FIELD(nl_flow_record, observation);
	FIELD(nl_flow_record, direction);
	FIELD(nl_flow_record, verdict);
	FIELD(nl_flow_record, drop_reason);
	FIELD(nl_flow_record, tcp_flags);
	FIELD(nl_flow_record, flags);
	FIELD(nl_flow_record, pad);
	FIELD(nl_flow_record, src_identity);
	FIELD(nl_flow_record, dst_identity);
	FIELD(nl_flow_record, endpoint_id);
	FIELD(nl_flow_record, ifindex);
	FIELD(nl_flow_record, rule_id);
	end();

	STRUCT(nl_flow_state);
	FIELD(nl_flow_state, head);
	FIELD(nl_flow_state, window_start_ns);
	FIELD(nl_flow_state, window_count);
	FIELD(nl_flow_state, suppressed);
	end();

	printf("}\n");
	return 0;
}
