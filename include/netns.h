/* SPDX-License-Identifier: MIT */
/* Network configuration over rtnetlink: the only module that uses libnl. */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lo_up.h"
#include "veth_spec.h"

struct nl_sock;

/*
 * lo's request (lo_up.h), built by libnl before clone(). Returns 0 or a
 * negative errno.
 */
int netns_lo_request_build(struct sj_lo_request *req);

/*
 * Whether we may step back into our own network namespace (own_netns_fd)
 * after leaving it: CAP_SYS_ADMIN over it, which root has, and neither a
 * rootless sockjail nor one in an unprivileged user namespace (unshare -Ur)
 * that shares the host's network namespace does.
 */
bool netns_can_return(int own_netns_fd);

/*
 * The sandbox's network namespace, made by us after clone(), while its
 * first process faults itself in and waits for "g" (handshake.h), rather
 * than by clone() before: the ~0.5 ms the kernel takes to make a netns
 * here then runs beside the sandbox's own start instead of ahead of it.
 * We unshare into a new netns and step back into own_netns_fd's (only
 * where netns_can_return()). Returns the namespace's fd (O_CLOEXEC), which
 * the sandbox joins, or a negative errno; when stepping back fails, the
 * caller must give up (we may be left in the new namespace).
 */
int netns_make(int own_netns_fd);

/*
 * --net veth: a pair whose host end the supervisor owns from creation
 * until netns_veth_teardown(). Zero-initialise; netns_veth_prepare() fills it.
 */
struct netns_veth {
	struct sj_veth_spec spec;
	char host_ifname[IFNAMSIZ]; /* sj-<sockjail's pid>, or name= */
	int host_ifindex;           /* 0 until known */
	int sandbox_ifindex;        /* eth0's, in the sandbox's netns */
	bool created;               /* the host end exists and is ours to delete */
	struct nl_sock *host_sk;    /* opened in the host's netns, kept for teardown */
};

/* The steps of netns_veth_setup(), so a failure can say which one. */
enum netns_veth_step {
	NETNS_VETH_OPEN,
	NETNS_VETH_CREATE,
	NETNS_VETH_HOST_ADDR,
	NETNS_VETH_ENTER,
	NETNS_VETH_SANDBOX_UP,
	NETNS_VETH_SANDBOX_ADDR,
	NETNS_VETH_SANDBOX_ROUTE,
};

const char *netns_veth_step_to_string(enum netns_veth_step step);

/*
 * Before anything is unshared: parse spec_text (the text after "veth:"),
 * name the host end, and check that the pair can be made from here:
 * CAP_NET_ADMIN over the current (host's) netns and CAP_SYS_ADMIN, and no
 * interface of that name. Returns 0, or a negative errno (-EPERM for the
 * privileges, -EEXIST for the name) with the message in err; v is left
 * untouched on failure.
 */
int netns_veth_prepare(struct netns_veth *v, const char *spec_text, char *err, size_t errlen);

/*
 * From the supervisor, after clone() and before the sandbox is released:
 * create the pair, the host end up, with its peer named eth0 directly in
 * sandbox_pid's netns, address the host end, then, over a netlink socket
 * opened inside that netns, bring eth0 up, address it and add the default
 * route via HOSTADDR. After a failure half-way it deletes the pair itself before
 * returning (netns_veth_teardown() retries if that failed too). Returns 0,
 * or a negative errno with the failed step in *failed.
 */
int netns_veth_setup(struct netns_veth *v, pid_t sandbox_pid, enum netns_veth_step *failed);

/*
 * Once the sandbox's processes are gone: delete the host end (which
 * removes the pair) from a child that sits out the kernel's rcu_barrier(),
 * return once the end is unlisted, and release the socket. Safe on every
 * path, also when nothing was set up. Returns 0, or a negative errno
 * (-EBUSY: still there).
 */
int netns_veth_teardown(struct netns_veth *v);
