// SPDX-License-Identifier: MIT
#include "lo_up.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "netlink_ack.h"

int lo_up(const struct sj_lo_request *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }, from;
	socklen_t from_len = sizeof(from);
	/* An error echoes the ~40-byte request after its header: far below this. */
	unsigned char ack[256];
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (sendto(fd, req->buf, req->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	/* The kernel answers inside sendto(): the ack is already queued. */
	do
		n = recvfrom(fd, ack, sizeof(ack), MSG_TRUNC, (struct sockaddr *)&from, &from_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* Only the kernel's (port 0), and no more than an ack. */
	if ((size_t)n > sizeof(ack) || from_len < sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid)
		return -EBADMSG;
	return netlink_ack_parse(ack, (size_t)n, SJ_LO_REQUEST_SEQ);
}
