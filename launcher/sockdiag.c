// SPDX-License-Identifier: MIT
/*
 * Listing the Unix sockets of our network namespace with sock_diag rather
 * than parsing /proc/net/unix: the kernel gives the bound name as bytes
 * (abstract names may hold NULs and newlines, which the text file cannot
 * show unambiguously), the socket file's inode and device, and the uid.
 */
#include "sockdiag.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"

static inline void sd_nl_socket_freep(struct nl_sock **s)
{
	if (*s)
		nl_socket_free(*s);
}
#define _cleanup_nl_sock_ _cleanup_(sd_nl_socket_freep)

struct collect {
	struct sj_unix_sock_list *out;
	int err; /* first failure inside the callback */
};

static int push(struct sj_unix_sock_list *l, const struct sj_unix_sock *s)
{
	struct sj_unix_sock *n = realloc(l->v, (l->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->v = n;
	l->v[l->n++] = *s;
	return 0;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[UNIX_DIAG_MAX + 1];

	if (c->err || nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return NL_SKIP;
	if (nlmsg_parse(nlh, sizeof(struct unix_diag_msg), tb, UNIX_DIAG_MAX, NULL) < 0)
		return NL_SKIP;
	const struct unix_diag_msg *m = nlmsg_data(nlh);
	/* Unnamed sockets cannot be reached by an address; nor connected datagram ones. */
	if (!tb[UNIX_DIAG_NAME] || nla_len(tb[UNIX_DIAG_NAME]) == 0)
		return NL_OK;
	if (m->udiag_state != TCP_LISTEN && m->udiag_type != SOCK_DGRAM)
		return NL_OK;

	struct sj_unix_sock s = {
		.ino = m->udiag_ino,
		.type = m->udiag_type,
		.state = m->udiag_state,
		.name_len = (size_t)nla_len(tb[UNIX_DIAG_NAME]),
	};
	if (!(s.name = malloc(s.name_len + 1))) {
		c->err = -ENOMEM;
		return NL_STOP;
	}
	memcpy(s.name, nla_data(tb[UNIX_DIAG_NAME]), s.name_len);
	s.name[s.name_len] = '\0';
	s.abstract = s.name[0] == '\0';
	/* A path ends at its first NUL, which the binder may have counted in addrlen. */
	if (!s.abstract)
		s.name_len = strnlen((const char *)s.name, s.name_len);
	if (tb[UNIX_DIAG_VFS] && nla_len(tb[UNIX_DIAG_VFS]) >= (int)sizeof(struct unix_diag_vfs)) {
		const struct unix_diag_vfs *v = nla_data(tb[UNIX_DIAG_VFS]);
		s.has_vfs = true;
		s.vfs_ino = v->udiag_vfs_ino;
		s.vfs_dev = v->udiag_vfs_dev;
	}
	if (tb[UNIX_DIAG_UID] && nla_len(tb[UNIX_DIAG_UID]) >= (int)sizeof(uint32_t)) {
		s.has_uid = true;
		s.uid = (uid_t)nla_get_u32(tb[UNIX_DIAG_UID]);
	}
	if ((c->err = push(c->out, &s)) < 0) {
		free(s.name);
		return NL_STOP;
	}
	return NL_OK;
}

static int nle_to_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PROTO_MISMATCH:
	case NLE_OPNOTSUPP:
	case NLE_AF_NOSUPPORT:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

int sockdiag_list_unix(struct sj_unix_sock_list *out)
{
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = (1U << TCP_LISTEN) | (1U << TCP_CLOSE),
		.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_UID,
	};
	struct sj_unix_sock_list l = { 0 };
	struct collect c = { .out = &l };
	int r;

	_cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	/* A dump answers with NLMSG_DONE; an extra ACK would only be one more message to read. */
	nl_socket_disable_auto_ack(sk);
	if ((r = nl_connect(sk, NETLINK_SOCK_DIAG)) < 0)
		return nle_to_errno(r);
	if ((r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &c)) < 0)
		return nle_to_errno(r);
	if ((r = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &req, sizeof(req))) < 0)
		return nle_to_errno(r);
	/* Until NLMSG_DONE: nl_recvmsgs() reads every part of a multi-part dump. */
	r = nl_recvmsgs_default(sk);
	if (c.err < 0 || r < 0) {
		sockdiag_list_free(&l);
		return c.err < 0 ? c.err : nle_to_errno(r);
	}
	*out = l;
	return 0;
}

void sockdiag_list_free(struct sj_unix_sock_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	*l = (struct sj_unix_sock_list){ 0 };
}

const char *sockdiag_type_name(int type, char *buf, size_t len)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		snprintf(buf, len, "type-%d", type);
		return buf;
	}
}
