/* SPDX-License-Identifier: MIT */
/*
 * The Unix sockets bound in the caller's network namespace, as the kernel
 * lists them over NETLINK_SOCK_DIAG (libnl's core does the netlink
 * plumbing). Only sockets someone could connect or send to: listening
 * stream and seqpacket sockets, and bound datagram sockets that are not
 * connected.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sj_unix_sock {
	uint32_t ino;   /* the socket's own inode (socket:[ino] in /proc/PID/fd) */
	uint8_t type;   /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t state;  /* TCP_LISTEN or TCP_CLOSE */
	/*
	 * The address as bound: sun_path bytes, not NUL-terminated; an
	 * abstract name starts with its NUL. A path is the one given to
	 * bind(), possibly relative, in the binder's mount namespace.
	 */
	unsigned char *name;
	size_t name_len;
	bool abstract;
	bool has_vfs; /* pathname: the socket file's inode and device */
	uint32_t vfs_ino, vfs_dev;
	bool has_uid; /* UNIX_DIAG_UID (Linux 5.3+): the creator's uid */
	uid_t uid;
};

struct sj_unix_sock_list {
	struct sj_unix_sock *v;
	size_t n;
};

/* Fill *out (zeroed by the caller). Returns 0 or a negative errno. */
int sockdiag_list_unix(struct sj_unix_sock_list *out);
void sockdiag_list_free(struct sj_unix_sock_list *l);

/* "stream", "dgram", "seqpacket" or "type-N" (static or buf). */
const char *sockdiag_type_name(int type, char *buf, size_t len);
