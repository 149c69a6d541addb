// SPDX-License-Identifier: MIT
/*
 * threadexec: a bind() after an exec() made by a thread that is not the
 * leader. The kernel hands the exec'ing thread the leader's tid (and the
 * struct pid with it), so the supervisor, which keeps a pidfd per tid,
 * sees a second call from a tid it knows, made by another program with
 * another fd table.
 *
 * Usage: threadexec FIRST -- CMD [ARG...]
 *   The leader binds FIRST (@name or a path; its result goes to stderr:
 *   it only makes the supervisor see the leader's tid), keeping the
 *   socket open; then a second thread execs CMD, whose output is this
 *   program's (exit 2 with "SETUP ..." if it cannot get that far).
 */
#include <pthread.h>

#include "helper.h"

static char **cmd;

static void *exec_cmd(void *arg)
{
	(void)arg;
	execvp(cmd[0], cmd);
	h_setup_fail("exec %s", cmd[0]);
}

int main(int argc, char **argv)
{
	unsigned char name[256];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	pthread_t t;

	cmd = h_split_cmd(&argc, argv);
	if (argc != 2 || !cmd) {
		fprintf(stderr, "usage: threadexec FIRST -- CMD [ARG...]\n");
		return H_SETUP;
	}
	size_t n = h_parse_name(argv[1], name);
	if (n > sizeof(sun.sun_path))
		h_setup_fail("name too long");
	memcpy(sun.sun_path, name, n);
	/* Not close-on-exec: the old fd table's socket stays open in CMD, under another number than CMD's own. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		h_setup_fail("socket");
	int r = bind(s, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	fprintf(stderr, "threadexec: first bind %s: %s\n", argv[1], r == 0 ? "OK" : h_errname(errno));
	fflush(stderr);
	if (pthread_create(&t, NULL, exec_cmd, NULL) != 0)
		h_setup_fail("pthread_create");
	pthread_join(t, NULL);
	h_setup_fail("the exec'ing thread returned");
}
