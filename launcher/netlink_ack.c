// SPDX-License-Identifier: MIT
#include "netlink_ack.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

int netlink_ack_parse(const void *buf, size_t len, uint32_t seq)
{
	struct nlmsghdr h;
	struct nlmsgerr e;

	/* Copied out: the caller's buffer need not be aligned for the headers. */
	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len || h.nlmsg_seq != seq || h.nlmsg_type != NLMSG_ERROR ||
	    h.nlmsg_len < NLMSG_LENGTH(sizeof(e)))
		return -EBADMSG;
	memcpy(&e, (const char *)buf + NLMSG_HDRLEN, sizeof(e));
	/* error is 0 (the ack) or a negative errno; anything else is not the kernel's. */
	if (e.error > 0 || e.error < -4095)
		return -EBADMSG;
	return e.error;
}
