// SPDX-License-Identifier: MIT
/*
 * sigbind: pathname binds while a timer interrupts the process every
 * 500 us (SIGALRM, SA_RESTART). The kernel restarts an interrupted bind(),
 * so every bind must succeed: a gate whose notification wait a signal can
 * abort (no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) sends the restarted
 * call as a new notification after the first was already performed, and
 * it fails (EADDRINUSE: the file exists; EINVAL: the socket is bound).
 *
 * Usage: sigbind [-n BINDS] [-u USEC] DIR
 * Binds DIR/s-N for N < BINDS (default 300), each on a new socket.
 * Prints "OK binds=N signals=N" when all succeeded, else
 * "ERR ok=N failed=N first=ERRNO signals=N". Exit 0 / 1 / 2.
 */
#include <signal.h>
#include <sys/time.h>

#include "helper.h"

static volatile sig_atomic_t signals;

static void on_alarm(int sig)
{
	(void)sig;
	signals++;
}

int main(int argc, char **argv)
{
	long binds = 300, usec = 500, ok = 0, failed = 0;
	int first = 0, opt;

	while ((opt = getopt(argc, argv, "n:u:")) != -1) {
		switch (opt) {
		case 'n':
			binds = atol(optarg);
			break;
		case 'u':
			usec = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || usec <= 0 || usec >= 1000000)
		goto usage;
	const char *dir = argv[optind];

	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		h_setup_fail("sigaction");
	struct itimerval it = { .it_interval = { 0, usec }, .it_value = { 0, usec } };
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		h_setup_fail("setitimer");

	for (long i = 0; i < binds; i++) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s-%ld", dir, i) >= (int)sizeof(sun.sun_path))
			h_setup_fail("path too long");
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			h_setup_fail("socket");
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			ok++;
		} else {
			if (!failed++)
				first = errno;
		}
		close(fd);
	}
	struct itimerval off = { 0 };
	setitimer(ITIMER_REAL, &off, NULL);
	if (failed) {
		printf("ERR ok=%ld failed=%ld first=%s signals=%ld\n", ok, failed, h_errname(first), (long)signals);
		return H_REFUSED;
	}
	printf("OK binds=%ld signals=%ld\n", ok, (long)signals);
	return H_OK;
usage:
	fprintf(stderr, "usage: sigbind [-n BINDS] [-u USEC] DIR\n");
	return H_SETUP;
}
