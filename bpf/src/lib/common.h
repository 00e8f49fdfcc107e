/* SPDX-License-Identifier: Apache-2.0 */
/* Includes and small helpers every part of the datapath uses. */
#ifndef NL_COMMON_H
#define NL_COMMON_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "netledger/maps.h"

/* Reserved identities (the agent's numbering). */
#define NL_IDENTITY_HOST 1
#define NL_IDENTITY_WORLD 2

#define NL_NS_PER_S 1000000000ULL

#define __nl_stringify(x) #x
#define __stringify(x) __nl_stringify(x)

/* Keeps the compiler from reordering stores around it (flow record seq after its fields). */
#define nl_barrier() asm volatile("" ::: "memory")

static __always_inline __u32 nl_now_s(void)
{
	return (__u32)(bpf_ktime_get_ns() / NL_NS_PER_S);
}

#endif /* NL_COMMON_H */
