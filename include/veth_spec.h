/* SPDX-License-Identifier: MIT */
/* --net veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME]: pure parsing. */
#pragma once

#include <netinet/in.h>
#include <net/if.h>
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
