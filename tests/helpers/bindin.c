// SPDX-License-Identifier: MIT
/*
 * bindin: bind an AF_INET or AF_INET6 socket.
 *
 * Usage: bindin [-t tcp|udp] ADDR PORT [-- CMD...]
 *   ADDR  an IPv4 or IPv6 literal (127.0.0.1, ::1, 0.0.0.0)
 * Prints "OK bound ADDR:PORT" or "ERR bind ERRNO" (EACCES for a privileged
 * port without CAP_NET_BIND_SERVICE). Exit 0 / 1 / 2 (see helper.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "helper.h"

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	int type = SOCK_STREAM, opt;
	struct sockaddr_storage ss;
	socklen_t len;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		type = strcmp(optarg, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	}
	if (optind != argc - 2)
		goto usage;
	memset(&ss, 0, sizeof(ss));
	uint16_t port = htons((uint16_t)atoi(argv[optind + 1]));
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, argv[optind], &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = port;
		len = sizeof(*in);
	} else if (inet_pton(AF_INET6, argv[optind], &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = port;
		len = sizeof(*in6);
	} else {
		goto usage;
	}
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		printf("ERR bind %s\n", h_errname(errno));
		h_finish(cmd, H_REFUSED);
	}
	printf("OK bound %s:%s\n", argv[optind], argv[optind + 1]);
	h_finish(cmd, H_OK);
usage:
	fprintf(stderr, "usage: bindin [-t tcp|udp] ADDR PORT [-- CMD...]\n");
	return H_SETUP;
}
