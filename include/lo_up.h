/* SPDX-License-Identifier: MIT */
/*
 * lo up in the sandbox, by its first process, as soon as it is in its
 * network namespace: one RTM_NEWLINK that sets IFF_UP on index 1 "lo",
 * built by libnl-route-3 in the supervisor before clone()
 * (netns_lo_request_build() in netns.h) and sent here as bytes, with no
 * libnl code, allocation or socket object in the sandbox's start.
 */
#pragma once

#include <stddef.h>

#define SJ_LO_REQUEST_SEQ 1

struct sj_lo_request {
	_Alignas(4) unsigned char buf[128];
	size_t len; /* 0: not built (--net host) */
};

/*
 * Sends req over a NETLINK_ROUTE socket of the netns we are in and reads
 * the kernel's answer. Returns 0, the kernel's negative errno, or
 * -EBADMSG for an answer that is not its ack (netlink_ack.h).
 */
int lo_up(const struct sj_lo_request *req);
