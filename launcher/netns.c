// SPDX-License-Identifier: MIT
/*
 * rtnetlink through libnl-route-3, never by running ip(8): the sandbox has no
 * guarantee that ip exists, and a library call reports errors we can name.
 *
 * Why --net veth is a veth pair and not slirp4netns or pasta, which give
 * an unprivileged user a network: either would need an external binary on
 * the host, a tap device in the sandbox's netns (the helper joins the netns
 * to create it), and a userspace TCP/IP stack in a helper process that
 * copies every packet and that sockjail would have to start, supervise and
 * stop with the sandbox. A veth pair is pure kernel: two netdevs, nothing
 * to run, and the kernel destroys the pair with the sandbox's netns even
 * when sockjail is SIGKILLed. Its price is CAP_NET_ADMIN in the host's
 * netns, where the host's end lives, so it is for root; an ordinary user
 * can run pasta or slirp4netns outside sockjail, and sockjail --net host
 * inside the netns they set up.
 */
#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_addr.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "lo_up.h"
#include "procfs.h"

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
static inline void rtnl_addr_putp(struct rtnl_addr **a)
{
	if (*a)
		rtnl_addr_put(*a);
}
static inline void rtnl_route_putp(struct rtnl_route **r)
{
	if (*r)
		rtnl_route_put(*r);
}
static inline void nl_addr_putp(struct nl_addr **a)
{
	if (*a)
		nl_addr_put(*a);
}
static inline void nl_cache_freep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}
static inline void nlmsg_freep(struct nl_msg **m)
{
	if (*m)
		nlmsg_free(*m);
}
#define _cleanup_nl_sock_ _cleanup_(nl_socket_freep)
#define _cleanup_link_ _cleanup_(rtnl_link_putp)
#define _cleanup_rtnl_addr_ _cleanup_(rtnl_addr_putp)
#define _cleanup_route_ _cleanup_(rtnl_route_putp)
#define _cleanup_nl_addr_ _cleanup_(nl_addr_putp)
#define _cleanup_nl_cache_ _cleanup_(nl_cache_freep)
#define _cleanup_nlmsg_ _cleanup_(nlmsg_freep)

/* The sandbox's side of the pair, inside its netns. */
#define SANDBOX_IFNAME "eth0"

/* libnl returns its own negative NLE_* codes; map the common ones to errno. */
static int nl_to_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	default:
		return -EIO;
	}
}

/* A NETLINK_ROUTE socket, bound for good to the netns we are in now. */
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

bool netns_can_return(int own_netns_fd)
{
	/* Joining the netns we are in takes the same permission as coming back to it later. */
	return setns(own_netns_fd, CLONE_NEWNET) == 0;
}

/*
 * A NETLINK_ROUTE socket (O_CLOEXEC) made in the network namespace
 * netns_fd refers to: we enter it for the socket() alone and step back
 * into self's (only where netns_can_return()). Returns the fd or a
 * negative errno; when stepping back fails, the caller must give up (we
 * may be left in that namespace).
 */
static int netns_route_socket_in(int netns_fd, int self)
{
	int fd, e;

	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	e = errno;
	/*
	 * Cannot fail in practice: we hold the fd and were privileged there a
	 * moment ago. If it did, the caller gives up (its cleanup uses sockets
	 * opened before, so nothing goes astray).
	 */
	if (setns(self, CLONE_NEWNET) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd < 0 ? -e : fd;
}

int netns_make(int own_netns_fd)
{
	int fd = -1, ns = -1, e = 0;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	/* The namespace from a socket made in it (SIOCGSKNS): no /proc path to trust. */
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0 || (ns = ioctl(fd, SIOCGSKNS)) < 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	/* As in netns_route_socket_in(): the caller gives up if this fails. */
	if (setns(own_netns_fd, CLONE_NEWNET) < 0)
		e = errno;
	if (e) {
		if (ns >= 0)
			close(ns);
		return -e;
	}
	return ns;
}

/* libnl's socket over fd, an unbound NETLINK_ROUTE socket (taken: closed on failure). */
static int rtnl_sock_from_fd(int fd, struct nl_sock **out)
{
	_cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int r;

	if (!sk) {
		close(fd);
		return -ENOMEM;
	}
	/* libnl takes a bound socket; the kernel picks the port id. */
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if ((r = nl_socket_set_fd(sk, NETLINK_ROUTE, fd)) < 0) {
		close(fd);
		return nl_to_errno(r);
	}
	*out = TAKE_PTR(sk);
	return 0;
}

/*
 * A socket that talks to the netns netns_fd refers to. A netlink socket
 * belongs to the netns of the task that created it, whatever that task
 * does later, so we step in only for socket() and step straight back.
 */
static int rtnl_open_in(int netns_fd, struct nl_sock **out)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd;

	if (self < 0)
		return -errno;
	if ((fd = netns_route_socket_in(netns_fd, self)) < 0)
		return fd;
	return rtnl_sock_from_fd(fd, out);
}

static int link_get(struct nl_sock *sk, int ifindex, const char *name, struct rtnl_link **out)
{
	int r = rtnl_link_get_kernel(sk, ifindex, name, out);
	return r < 0 ? nl_to_errno(r) : 0;
}

static int link_set_up(struct nl_sock *sk, struct rtnl_link *link)
{
	_cleanup_link_ struct rtnl_link *change = rtnl_link_alloc();
	int r;
	if (!change)
		return -ENOMEM;
	rtnl_link_set_flags(change, IFF_UP);
	if ((r = rtnl_link_change(sk, link, change, 0)) < 0)
		return nl_to_errno(r);
	return 0;
}

/*
 * One RTM_NEWLINK that names "lo" and sets IFF_UP, built by libnl from a
 * local rtnl_link rather than one fetched with rtnl_link_get_kernel()
 * (whose RTM_GETLINK round trip and parsing were most of the ~1.3 ms the
 * usual get-then-change took on the benchmark machine), and built before
 * clone(), in the supervisor: the sandbox's first process sends the bytes
 * (lo_up.h) with none of libnl's socket, message and callback allocations,
 * which after clone() were copies of pages shared between the two
 * processes (~0.34 ms in the supervisor, when it brought lo up itself).
 */
int netns_lo_request_build(struct sj_lo_request *req)
{
	_cleanup_link_ struct rtnl_link *lo = rtnl_link_alloc(), *change = rtnl_link_alloc();
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct nlmsghdr *h;
	int r;

	if (!lo || !change)
		return -ENOMEM;
	/* The kernel gives every namespace's loopback index 1 (LOOPBACK_IFINDEX). */
	rtnl_link_set_ifindex(lo, 1);
	rtnl_link_set_name(lo, "lo");
	rtnl_link_set_flags(change, IFF_UP);
	if ((r = rtnl_link_build_change_request(lo, change, 0, &msg)) < 0)
		return nl_to_errno(r);
	h = nlmsg_hdr(msg);
	if (h->nlmsg_len > sizeof(req->buf))
		return -EMSGSIZE;
	/* What nl_send_auto() would add: a request, answered with an ack. */
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = SJ_LO_REQUEST_SEQ;
	memcpy(req->buf, h, h->nlmsg_len);
	req->len = h->nlmsg_len;
	return 0;
}

static size_t family_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int addr_add(struct nl_sock *sk, int ifindex, int family, const void *bin, unsigned prefix)
{
	_cleanup_rtnl_addr_ struct rtnl_addr *a = rtnl_addr_alloc();
	_cleanup_nl_addr_ struct nl_addr *local = nl_addr_build(family, bin, family_addr_len(family));
	int r;

	if (!a || !local)
		return -ENOMEM;
	nl_addr_set_prefixlen(local, (int)prefix);
	rtnl_addr_set_ifindex(a, ifindex);
	if ((r = rtnl_addr_set_local(a, local)) < 0)
		return nl_to_errno(r);
	/*
	 * Duplicate address detection would keep an IPv6 address tentative
	 * (unusable for bind()) for a second or more after COMMAND starts.
	 * Both ends of this link are ours; there is nobody to collide with.
	 */
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	if ((r = rtnl_addr_add(sk, a, NLM_F_EXCL)) < 0)
		return nl_to_errno(r);
	return 0;
}

static int default_route_add(struct nl_sock *sk, int ifindex, int family, const void *gateway)
{
	_cleanup_route_ struct rtnl_route *route = rtnl_route_alloc();
	_cleanup_nl_addr_ struct nl_addr *dst = nl_addr_alloc(0);
	_cleanup_nl_addr_ struct nl_addr *gw = nl_addr_build(family, gateway, family_addr_len(family));
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	int r;

	if (!route || !dst || !gw || !nh) {
		if (nh)
			rtnl_route_nh_free(nh);
		return -ENOMEM;
	}
	/* An empty address with prefix length 0: no RTA_DST, the default route. */
	nl_addr_set_family(dst, family);
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(route, (uint8_t)family);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(route, RTN_UNICAST);
	if ((r = rtnl_route_set_dst(route, dst)) < 0) {
		rtnl_route_nh_free(nh);
		return nl_to_errno(r);
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(route, nh); /* the route owns nh from here on */
	if ((r = rtnl_route_add(sk, route, NLM_F_EXCL)) < 0)
		return nl_to_errno(r);
	return 0;
}

/*
 * May we create a link in the netns we are in? CAP_NET_ADMIN counts over
 * a netns only when the netns belongs to our user namespace or one below
 * it; NS_GET_USERNS fails with EPERM exactly when it does not (root of a
 * user namespace of its own, in the host's netns: unshare -Ur). Setting the
 * sandbox's side up from inside its netns takes setns(), so CAP_SYS_ADMIN.
 */
static bool may_admin_current_netns(void)
{
	if (!caps_effective_has(CAP_NET_ADMIN) || !caps_effective_has(CAP_SYS_ADMIN))
		return false;
	_cleanup_close_ int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return false;
	_cleanup_close_ int owner = ioctl(ns, NS_GET_USERNS);
	return owner >= 0;
}

/*
 * Is HOSTADDR/PREFIX's subnet already in use on the host: an address of
 * the same family whose subnet overlaps it (the host's LAN, another
 * sandbox's link)? Returns 1 with "ADDR/PREFIX on IFNAME" in what, 0, or
 * a negative errno. IPv6 link-local addresses are per link and never clash.
 */
static int host_subnet_in_use(struct nl_sock *sk, const struct sj_veth_spec *spec, char *what, size_t len)
{
	_cleanup_nl_cache_ struct nl_cache *addrs = NULL;
	int r;

	if ((r = rtnl_addr_alloc_cache(sk, &addrs)) < 0)
		return nl_to_errno(r);
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		if (!local || rtnl_addr_get_family(a) != spec->family ||
		    nl_addr_get_len(local) != family_addr_len(spec->family))
			continue;
		const void *bin = nl_addr_get_binary_addr(local);
		if (spec->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)bin))
			continue;
		int prefix = rtnl_addr_get_prefixlen(a);
		if (!veth_spec_overlaps(spec, spec->family, bin, (unsigned)prefix))
			continue;
		_cleanup_link_ struct rtnl_link *link = NULL;
		char text[INET6_ADDRSTRLEN] = "?";
		inet_ntop(spec->family, bin, text, sizeof(text));
		link_get(sk, rtnl_addr_get_ifindex(a), NULL, &link);
		snprintf(what, len, "%s/%d on %s", text, prefix, link ? rtnl_link_get_name(link) : "?");
		return 1;
	}
	return 0;
}

int netns_veth_prepare(struct netns_veth *v, const char *spec_text, char *err, size_t errlen)
{
	struct netns_veth tmp = { .host_ifindex = 0 };
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_link_ struct rtnl_link *existing = NULL;
	char perr[256];
	int r;

	if ((r = veth_spec_parse(spec_text, &tmp.spec, perr, sizeof(perr))) < 0) {
		snprintf(err, errlen, "--net veth:%s: %s", spec_text, perr);
		return r;
	}
	if (tmp.spec.name[0])
		snprintf(tmp.host_ifname, sizeof(tmp.host_ifname), "%s", tmp.spec.name);
	else
		snprintf(tmp.host_ifname, sizeof(tmp.host_ifname), "sj-%d", (int)getpid());

	if (!may_admin_current_netns()) {
		snprintf(err, errlen,
			 "--net veth needs CAP_NET_ADMIN in the host's network namespace, to create "
			 "the veth pair there (and CAP_SYS_ADMIN, to set up the sandbox's end), which "
			 "an ordinary user does not have; run sockjail as root, or use --net none "
			 "(only lo), or give it a network from outside with a user-mode tool "
			 "(pasta or slirp4netns) and --net host");
		return -EPERM;
	}
	if ((r = rtnl_open(&sk)) < 0) {
		snprintf(err, errlen, "--net veth: opening an rtnetlink socket: %s", strerror(-r));
		return r;
	}
	r = link_get(sk, 0, tmp.host_ifname, &existing);
	if (r == 0) {
		snprintf(err, errlen, "--net veth: an interface named %s already exists on the host%s",
			 tmp.host_ifname, tmp.spec.name[0] ? "; choose another name=" : "");
		return -EEXIST;
	}
	if (r != -ENODEV) {
		snprintf(err, errlen, "--net veth: looking up %s: %s", tmp.host_ifname, strerror(-r));
		return r;
	}
	char in_use[INET6_ADDRSTRLEN + IFNAMSIZ + 16];
	if ((r = host_subnet_in_use(sk, &tmp.spec, in_use, sizeof(in_use))) < 0) {
		snprintf(err, errlen, "--net veth: listing the host's addresses: %s", strerror(-r));
		return r;
	}
	if (r > 0) {
		char host[INET6_ADDRSTRLEN] = "?";
		inet_ntop(tmp.spec.family, &tmp.spec.host, host, sizeof(host));
		snprintf(err, errlen, "--net veth: %s/%u overlaps %s, already on the host; choose another subnet",
			 host, tmp.spec.host_prefix, in_use);
		return -EADDRINUSE;
	}
	*v = tmp;
	return 0;
}

static int veth_create(struct nl_sock *sk, const char *host_ifname, int sandbox_netns)
{
	_cleanup_link_ struct rtnl_link *link = rtnl_link_veth_alloc();
	if (!link)
		return -ENOMEM;
	/* A second reference, dropped (first) before link's frees the pair. */
	_cleanup_link_ struct rtnl_link *peer = rtnl_link_veth_get_peer(link);
	int r;

	rtnl_link_set_name(link, host_ifname);
	/*
	 * The peer is created straight in the sandbox's netns (IFLA_NET_NS_FD
	 * inside VETH_INFO_PEER), so it never exists on the host under a name
	 * that could collide with someone else's eth0.
	 */
	rtnl_link_set_name(peer, SANDBOX_IFNAME);
	rtnl_link_set_ns_fd(peer, sandbox_netns);
	/*
	 * One queue each, asked for: veth otherwise makes one per CPU and then
	 * cuts the real count down to one, and cutting queues waits for an RCU
	 * grace period per end (synchronize_net() in
	 * netif_set_real_num_tx_queues()).
	 */
	struct rtnl_link *ends[] = { link, peer };
	for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
		rtnl_link_set_num_tx_queues(ends[i], 1);
		rtnl_link_set_num_rx_queues(ends[i], 1);
	}
	/*
	 * The host's end up in the same request, which saves one. Not the
	 * peer: the kernel opens it before the pair is joined, and veth_open()
	 * refuses an end without a peer (ENOTCONN).
	 */
	rtnl_link_set_flags(link, IFF_UP);
	if ((r = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL)) < 0)
		return nl_to_errno(r);
	return 0;
}

/*
 * RTM_DELLINK on the host's end (the kernel removes both ends), then check
 * that it is gone. Synchronous: the request returns only after the kernel's
 * rcu_barrier() in netdev_run_todo(), see netns_veth_teardown().
 */
static int veth_delete(struct netns_veth *v)
{
	_cleanup_link_ struct rtnl_link *link = rtnl_link_alloc(), *left = NULL;
	int r;

	if (!link)
		return -ENOMEM;
	/*
	 * By index when we have it: the name may already be gone with the
	 * sandbox's netns and taken by someone else's link (a name= of theirs);
	 * indexes are handed out cyclically and are not reused that soon.
	 */
	if (v->host_ifindex > 0)
		rtnl_link_set_ifindex(link, v->host_ifindex);
	else
		rtnl_link_set_name(link, v->host_ifname);
	/* ENODEV: the kernel already took the pair down with the sandbox's netns. */
	r = rtnl_link_delete(v->host_sk, link);
	if (r < 0 && (r = nl_to_errno(r)) != -ENODEV)
		return r;
	r = link_get(v->host_sk, v->host_ifindex, v->host_ifindex > 0 ? NULL : v->host_ifname, &left);
	if (r == -ENODEV)
		r = 0;
	else if (r == 0)
		r = -EBUSY;
	if (r == 0)
		v->created = false;
	return r;
}

int netns_veth_setup(struct netns_veth *v, pid_t sandbox_pid, enum netns_veth_step *failed)
{
	_cleanup_nl_sock_ struct nl_sock *inside = NULL;
	_cleanup_link_ struct rtnl_link *host = NULL, *eth0 = rtnl_link_alloc();
	_cleanup_close_ int sandbox_netns = -1;
	const struct sj_veth_spec *spec = &v->spec;
	enum netns_veth_step step;
	char path[64];
	int r;

	/*
	 * The sandbox is our child and has not been waited for, so its pid
	 * cannot have been reused even if it died: at worst the open fails.
	 */
	step = NETNS_VETH_OPEN;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", procfs_pid(sandbox_pid));
	if ((sandbox_netns = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		goto fail;
	}
	/* Kept until teardown, so the link is deleted in the host's netns whatever happens. */
	if (!v->host_sk && (r = rtnl_open(&v->host_sk)) < 0)
		goto fail;

	/*
	 * The host's end is created up: IPv4 adds an address's prefix route
	 * only on an up link, and until it exists HOSTADDR would already be
	 * local while traffic to SANDBOXADDR still took the host's default route.
	 */
	step = NETNS_VETH_CREATE;
	if ((r = veth_create(v->host_sk, v->host_ifname, sandbox_netns)) < 0)
		goto fail;
	v->created = true;
	if ((r = link_get(v->host_sk, 0, v->host_ifname, &host)) < 0)
		goto fail;
	v->host_ifindex = rtnl_link_get_ifindex(host);
	/* A veth's IFLA_LINK is its peer's index, in the peer's netns. */
	v->sandbox_ifindex = (int)rtnl_link_get_link(host);

	step = NETNS_VETH_HOST_ADDR;
	if ((r = addr_add(v->host_sk, v->host_ifindex, spec->family, &spec->host, spec->host_prefix)) < 0)
		goto fail;

	step = NETNS_VETH_ENTER;
	if ((r = rtnl_open_in(sandbox_netns, &inside)) < 0)
		goto fail;
	/*
	 * Up before the address: an IPv6 route needs the prefix route of an up
	 * link. By index and name, without asking the kernel for eth0 first.
	 */
	step = NETNS_VETH_SANDBOX_UP;
	if (!eth0) {
		r = -ENOMEM;
		goto fail;
	}
	if (v->sandbox_ifindex <= 0) {
		r = -ENODEV;
		goto fail;
	}
	rtnl_link_set_ifindex(eth0, v->sandbox_ifindex);
	rtnl_link_set_name(eth0, SANDBOX_IFNAME);
	if ((r = link_set_up(inside, eth0)) < 0)
		goto fail;
	step = NETNS_VETH_SANDBOX_ADDR;
	if ((r = addr_add(inside, v->sandbox_ifindex, spec->family, &spec->sandbox, spec->sandbox_prefix)) < 0)
		goto fail;
	step = NETNS_VETH_SANDBOX_ROUTE;
	if ((r = default_route_add(inside, v->sandbox_ifindex, spec->family, &spec->host)) < 0)
		goto fail;
	return 0;
fail:
	*failed = step;
	/*
	 * Deleted here, while the sandbox still holds its netns: teardown
	 * would see the netns dying and leave the pair to the kernel, but a
	 * failure should not count on that.
	 */
	if (v->created)
		veth_delete(v);
	return r;
}

/* Which link we wait for, and whether its RTM_DELLINK came. */
struct link_wait {
	int ifindex;
	bool gone;
};

static int link_wait_on_msg(struct nl_msg *msg, void *arg)
{
	struct link_wait *w = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (h->nlmsg_type == RTM_DELLINK && nlmsg_datalen(h) >= (int)sizeof(struct ifinfomsg) &&
	    ((const struct ifinfomsg *)nlmsg_data(h))->ifi_index == w->ifindex)
		w->gone = true;
	return NL_OK;
}

/* A non-blocking socket that hears the host's link events (RTNLGRP_LINK). */
static int link_events_open(struct link_wait *w, struct nl_sock **out)
{
	_cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(sk);
	if ((r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, link_wait_on_msg, w)) < 0 ||
	    (r = nl_connect(sk, NETLINK_ROUTE)) < 0 || (r = nl_socket_add_membership(sk, RTNLGRP_LINK)) < 0 ||
	    (r = nl_socket_set_nonblocking(sk)) < 0)
		return nl_to_errno(r);
	*out = TAKE_PTR(sk);
	return 0;
}

/* 1 if the host's end is still listed, 0 if not, or a negative errno. */
static int host_end_listed(const struct netns_veth *v)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	int r = link_get(v->host_sk, v->host_ifindex, NULL, &link);
	return r == -ENODEV ? 0 : r < 0 ? r : 1;
}

static double monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Does /sys/class/net still show our end? The kernel sends RTM_DELLINK
 * just before it removes the sysfs entry, in the same step of
 * unregister_netdevice_many(); the CI's host check reads /sys/class/net.
 */
static bool host_end_in_sysfs(const struct netns_veth *v)
{
	char path[64], text[16] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", v->host_ifname);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	return read(fd, text, sizeof(text) - 1) > 0 && atoi(text) == v->host_ifindex;
}

#define NETNS_DESTROY_MS 5000

/*
 * RTM_DELLINK from a child of ours that we do not wait for, and wait only
 * until the host's end is gone: the kernel unlists the link and sends
 * RTM_DELLINK a millisecond or two into the request, and spends the rest
 * of it in rcu_barrier() (netdev_run_todo()), which the child sits out
 * alone. The child keeps nothing but the netlink socket (no stdout a
 * caller may be reading to EOF) and exits when the kernel is done; it is
 * then init's. Returns 0 once the end is gone, or a negative errno.
 */
static int host_end_delete_detached(const struct netns_veth *v, struct nl_sock *events, struct link_wait *w)
{
	_cleanup_link_ struct rtnl_link *link = rtnl_link_alloc();
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	int fd = nl_socket_get_fd(v->host_sk), r;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, v->host_ifindex);
	if ((r = rtnl_link_build_delete_request(link, &msg)) < 0)
		return nl_to_errno(r);
	nl_complete_msg(v->host_sk, msg);
	struct nlmsghdr *h = nlmsg_hdr(msg);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		syscall(SYS_close_range, 0U, (unsigned)fd - 1, 0U);
		syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
		prctl(PR_SET_NAME, "sj-unlink");
		send(fd, h, h->nlmsg_len, 0);
		_exit(0);
	}
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double deadline = monotonic_ms() + NETNS_DESTROY_MS;
	while (!w->gone) {
		int left = (int)(deadline - monotonic_ms());
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p[2] = { { .fd = nl_socket_get_fd(events), .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		if (poll(p, pidfd >= 0 ? 2 : 1, left) < 0 && errno != EINTR)
			return -errno;
		if ((p[0].revents & POLLIN) && nl_recvmsgs_default(events) < 0) {
			if ((r = host_end_listed(v)) < 0)
				return r;
			w->gone = r == 0;
		}
		/* The child is done and said nothing we heard: ask. */
		if (!w->gone && pidfd >= 0 && (p[1].revents & POLLIN)) {
			waitid(P_PIDFD, (id_t)pidfd, &(siginfo_t){ 0 }, WEXITED | WNOHANG);
			if ((r = host_end_listed(v)) != 0)
				return r < 0 ? r : -EBUSY;
			w->gone = true;
		}
	}
	while (host_end_in_sysfs(v)) {
		if (monotonic_ms() > deadline)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 }, NULL);
	}
	return 0;
}

int netns_veth_teardown(struct netns_veth *v)
{
	_cleanup_nl_sock_ struct nl_sock *events = NULL;
	struct link_wait w = { .ifindex = v->host_ifindex };
	int r = 0;

	if (!v->created)
		goto out;
	/*
	 * Deleting the pair (RTM_DELLINK) returns only after the kernel's
	 * rcu_barrier() in netdev_run_todo(), which waits for the pending RCU
	 * callbacks of every CPU: 12-20 ms, most of what --net veth added to a
	 * start-up (41.9 ms against 8.1 ms without it in one make bench run on
	 * the 2-CPU machine). Leaving the pair to the kernel's destruction of
	 * the sandbox's netns saved little in back-to-back runs: its workqueue
	 * is serial and each netns costs it two rcu_barrier()s. So a child of
	 * ours sends the request and sits out the barrier, and we wait only
	 * until the host's end is unlisted (RTM_DELLINK on RTNLGRP_LINK,
	 * listening first, then looking, so the event cannot slip by).
	 */
	if (v->host_ifindex > 0 && link_events_open(&w, &events) == 0) {
		r = host_end_listed(v);
		if (r > 0)
			r = host_end_delete_detached(v, events, &w);
		if (r == 0) {
			v->created = false;
			goto out;
		}
	}
	r = veth_delete(v);
out:
	if (v->host_sk) {
		nl_socket_free(v->host_sk);
		v->host_sk = NULL;
	}
	return r;
}

const char *netns_veth_step_to_string(enum netns_veth_step step)
{
	switch (step) {
	case NETNS_VETH_OPEN:
		return "opening the sandbox's network namespace";
	case NETNS_VETH_CREATE:
		return "creating the veth pair";
	case NETNS_VETH_HOST_ADDR:
		return "adding HOSTADDR to the host's end";
	case NETNS_VETH_ENTER:
		return "opening an rtnetlink socket in the sandbox's network namespace";
	case NETNS_VETH_SANDBOX_UP:
		return "bringing " SANDBOX_IFNAME " up in the sandbox";
	case NETNS_VETH_SANDBOX_ADDR:
		return "adding SANDBOXADDR to " SANDBOX_IFNAME " in the sandbox";
	case NETNS_VETH_SANDBOX_ROUTE:
		return "adding the sandbox's default route via HOSTADDR";
	}
	return "setting up the veth pair";
}
