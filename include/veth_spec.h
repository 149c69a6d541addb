/* SPDX-License-Identifier: MIT */
/* --net veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME]: pure parsing. */
#pragma once

#include <netinet/in.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

struct sj_veth_spec {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} host, sandbox;
	unsigned host_prefix, sandbox_prefix;
	char name[IFNAMSIZ]; /* host side; "" means sj-<pid> */
};

int veth_spec_parse(const char *text, struct sj_veth_spec *out, char *err, size_t errlen);

/*
 * Does addr/prefix (an address the host already has) overlap the subnet
 * HOSTADDR/PREFIX that the host's end would route? Two routes for one
 * subnet on two links would send some of either's traffic to the other.
 */
bool veth_spec_overlaps(const struct sj_veth_spec *spec, int family, const void *addr, unsigned prefix);
