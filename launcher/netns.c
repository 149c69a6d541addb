// SPDX-License-Identifier: MIT
/*
 * rtnetlink through libnl-route-3, never by running ip(8): the sandbox has no
 * guarantee that ip exists, and a library call reports errors we can name.
 */
#include "netns.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "cleanup.h"

static inline void nl_socket_freep(struct nl_sock **s)
{
	if (*s)
		nl_socket_free(*s);
}
static inline void rtnl_link_putp(struct rtnl_link **l)
{
	if (*l)
		rtnl_link_put(*l);
}
#define _cleanup_nl_sock_ _cleanup_(nl_socket_freep)
#define _cleanup_link_ _cleanup_(rtnl_link_putp)

/* libnl returns its own negative NLE_* codes; map the common ones to errno. */
static int nl_to_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	default:
		return -EIO;
	}
}

static int rtnl_open(struct nl_sock **out)
{
	_cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
	int r;
	if (!sk)
		return -ENOMEM;
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0)
		return nl_to_errno(r);
	*out = TAKE_PTR(sk);
	return 0;
}

int netns_loopback_up(void)
{
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_link_ struct rtnl_link *lo = NULL, *change = NULL;
	int r;

	if ((r = rtnl_open(&sk)) < 0)
		return r;
	if ((r = rtnl_link_get_kernel(sk, 0, "lo", &lo)) < 0)
		return nl_to_errno(r);
	change = rtnl_link_alloc();
	if (!change)
		return -ENOMEM;
	rtnl_link_set_flags(change, IFF_UP);
	if ((r = rtnl_link_change(sk, lo, change, 0)) < 0)
		return nl_to_errno(r);
	return 0;
}
