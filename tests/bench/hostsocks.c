// SPDX-License-Identifier: MIT
/*
 * The host's sockets for `make bench`'s --other-sockets rows:
 *
 *   hostsocks N DIR   create DIR, listen on N pathname sockets in it
 *                     (DIR/hs.I), print "ready", wait for a line or EOF
 *                     on stdin, then remove them and DIR
 *
 * Start-up lists and covers every one of them under the default
 * --other-sockets hidden, so the rows show what that costs per socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || atoi(argv[1]) < 0) {
		fprintf(stderr, "usage: hostsocks N DIR\n");
		return 2;
	}
	int n = atoi(argv[1]);
	const char *dir = argv[2];
	/* One fd per socket: 1000 of them pass the usual soft limit of 1024 with stdio. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + 16 ? rl.rlim_max : (rlim_t)n + 16;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (mkdir(dir, 0755) < 0) {
		fprintf(stderr, "hostsocks: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	int made = 0, rc = 0;
	for (; made < n; made++) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s/hs.%d", dir, made);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
			fprintf(stderr, "hostsocks: socket %d (%s): %s\n", made, a.sun_path, strerror(errno));
			rc = 1;
			break;
		}
	}
	if (rc == 0) {
		char line[16];
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			line[0] = '\0';
	}
	for (int i = 0; i < made; i++) {
		char p[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
		snprintf(p, sizeof(p), "%s/hs.%d", dir, i);
		unlink(p);
	}
	rmdir(dir);
	return rc;
}
