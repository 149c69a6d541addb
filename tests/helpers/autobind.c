// SPDX-License-Identifier: MIT
/*
 * autobind: get the kernel to give a socket a random abstract name.
 *
 * Usage: autobind [-o passcred|passpidfd|none] METHOD [-- CMD...]
 *   bind      bind() with addrlen == sizeof(sa_family_t) (-o is not used)
 *   connect   SO_PASS* on an unbound datagram socket, then connect() to a
 *             pathname peer (made here, in the cwd, as autobind-peer.sock)
 *   sendto    the same, then sendto() that peer without connecting
 *   write     SO_PASS* on one end of a datagram socketpair, then write()
 *   sendmsg   the same with sendmsg()
 * With SO_PASSCRED or SO_PASSPIDFD set, unix_dgram_connect() and
 * unix_dgram_sendmsg() autobind an unbound socket: no bind() is involved.
 * A refused setsockopt() is reported and the method is tried anyway.
 * Prints "OK autobound @XXXXX (setsockopt ok)" or
 * "ERR unbound (setsockopt EPERM)". Exit 0 / 1 / 2 (see helper.h).
 */
#include <stdint.h>
#include <sys/syscall.h>

#include "helper.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif

#define PEER "autobind-peer.sock"

static int make_peer(struct sockaddr_un *sun, socklen_t *len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, PEER);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(PEER) + 1);
	unlink(PEER);
	if (bind(fd, (struct sockaddr *)sun, *len) < 0)
		h_setup_fail("bind %s", PEER);
	return fd;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	const char *optname = "passcred", *method;
	char sso[64] = "not tried";
	int opt, fd, pair[2], peer = -1;
	struct sockaddr_un sun;
	socklen_t sunlen;

	while ((opt = getopt(argc, argv, "o:")) != -1) {
		if (opt != 'o')
			goto usage;
		optname = optarg;
	}
	if (optind != argc - 1)
		goto usage;
	method = argv[optind];

	if (strcmp(method, "bind") == 0) {
		sa_family_t fam = AF_UNIX;
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			h_setup_fail("socket");
		if (bind(fd, (struct sockaddr *)&fam, sizeof(fam)) < 0)
			snprintf(sso, sizeof(sso), "bind %s", h_errname(errno));
		else
			snprintf(sso, sizeof(sso), "bind ok");
		goto report;
	}

	bool on_pair = strcmp(method, "write") == 0 || strcmp(method, "sendmsg") == 0;
	if (on_pair) {
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0)
			h_setup_fail("socketpair");
		fd = pair[0];
	} else if (strcmp(method, "connect") == 0 || strcmp(method, "sendto") == 0) {
		peer = make_peer(&sun, &sunlen);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			h_setup_fail("socket");
	} else {
		goto usage;
	}

	if (strcmp(optname, "none") != 0) {
		int one = 1;
		int o = strcmp(optname, "passpidfd") == 0 ? SO_PASSPIDFD : SO_PASSCRED;
		/* Raw syscall, garbage in the upper halves: the filter must compare 32 bits. */
		long r = syscall(SYS_setsockopt, fd, (UINT64_C(0xbad) << 32) | SOL_SOCKET,
				 (UINT64_C(0xbad) << 32) | (uint32_t)o, &one, sizeof(one));
		snprintf(sso, sizeof(sso), "setsockopt %s", r < 0 ? h_errname(errno) : "ok");
	}

	ssize_t sent = 0;
	if (strcmp(method, "connect") == 0) {
		if (connect(fd, (struct sockaddr *)&sun, sunlen) < 0)
			h_setup_fail("connect");
	} else if (strcmp(method, "sendto") == 0) {
		sent = sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, sunlen);
	} else if (strcmp(method, "write") == 0) {
		sent = write(fd, "x", 1);
	} else {
		struct iovec iov = { .iov_base = "x", .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		sent = sendmsg(fd, &mh, 0);
	}
	if (sent < 0)
		h_setup_fail("%s", method);

report:;
	char name[512];
	if (h_sockname(fd, name, sizeof(name)) && name[0] == '@') {
		printf("OK autobound %s (%s)\n", name, sso);
		h_finish(cmd, H_OK);
	}
	printf("ERR %s (%s)\n", name, sso);
	(void)peer;
	h_finish(cmd, H_REFUSED);
usage:
	fprintf(stderr, "usage: autobind [-o passcred|passpidfd|none] bind|connect|sendto|write|sendmsg [-- CMD...]\n");
	return H_SETUP;
}
