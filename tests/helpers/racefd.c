// SPDX-License-Identifier: MIT
/*
 * racefd: the fd-number race. A fixed fd number holds an AF_INET socket;
 * one thread keeps dup2()-ing a fresh unbound AF_UNIX socket over it and
 * the AF_INET one back, while the main thread calls bind() on that number
 * with an address that is an abstract AF_UNIX name of inet size (16
 * bytes). A supervisor that looks at the fd, sees AF_INET, and lets the
 * kernel resume the call can have the AF_UNIX socket bound instead.
 *
 * Usage: racefd [-n ROUNDS] [-T SECONDS] [-s] NAME [-- CMD...]
 *   NAME  at most 7 bytes; round i binds "@NAME-iiiii" (16 bytes of address)
 *   -n    rounds (default 5000); -T stop after SECONDS (default 20)
 *   -s    stop at the first bind that succeeds (for a control)
 * A successful bind() can only have named an AF_UNIX socket (an AF_INET
 * one refuses the AF_UNIX family), so abstract= counts the calls that
 * returned 0. Sometimes that is an earlier round's socket that the swapper
 * put back late, so the round's own socket is also asked (getsockname())
 * and kept open (up to 64) for CMD when it got the name.
 * Prints "OK abstract=N inet=N denied=N other=N rounds=N" when some bind
 * succeeded, else "ERR abstract=0 ...". inet: EAFNOSUPPORT from the AF_INET
 * socket; other: mostly EINVAL, an earlier round's socket, already bound.
 * Exit 0 / 1 / 2 (see helper.h).
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "helper.h"

#define RACE_FD 100

static atomic_int cur_unix = -1;
static atomic_int stop;
static int inet_fd;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int u = atomic_load_explicit(&cur_unix, memory_order_relaxed);
		if (u >= 0)
			dup2(u, RACE_FD);
		dup2(inet_fd, RACE_FD);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	long rounds = 5000, seconds = 20, done;
	long abstract = 0, inet = 0, denied = 0, other = 0;
	int opt, first_other = 0, kept = 0;
	bool stop_at_first = false;

	while ((opt = getopt(argc, argv, "n:T:s")) != -1) {
		if (opt == 'n')
			rounds = atol(optarg);
		else if (opt == 'T')
			seconds = atol(optarg);
		else if (opt == 's')
			stop_at_first = true;
		else
			goto usage;
	}
	if (optind != argc - 1 || strlen(argv[optind]) > 7)
		goto usage;
	const char *prefix = argv[optind];

	inet_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (inet_fd < 0)
		h_setup_fail("socket AF_INET");
	if (dup2(inet_fd, RACE_FD) < 0)
		h_setup_fail("dup2");

	pthread_t t;
	if (pthread_create(&t, NULL, swapper, NULL) != 0)
		h_setup_fail("pthread_create");

	/* Exactly sizeof(struct sockaddr_in) bytes: family AF_UNIX, then "\0NAME-iiiii" padded with NULs. */
	unsigned char addr[sizeof(struct sockaddr_in)];
	_Static_assert(sizeof(addr) == 16, "inet-sized");
	time_t deadline = time(NULL) + seconds;
	for (done = 0; done < rounds && time(NULL) < deadline && !(stop_at_first && abstract); done++) {
		int u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (u < 0)
			h_setup_fail("socket AF_UNIX");
		memset(addr, 0, sizeof(addr));
		sa_family_t fam = AF_UNIX;
		memcpy(addr, &fam, sizeof(fam));
		snprintf((char *)addr + 3, sizeof(addr) - 3, "%s-%05ld", prefix, done % 100000);
		atomic_store(&cur_unix, u);
		int r = bind(RACE_FD, (struct sockaddr *)addr, sizeof(addr));
		int e = errno;
		atomic_store(&cur_unix, -1);
		if (r == 0)
			abstract++;
		else if (e == EPERM)
			denied++;
		else if (e == EAFNOSUPPORT)
			inet++; /* the AF_INET socket refused an AF_UNIX address */
		else if (other++ == 0)
			first_other = e;
		char name[512];
		if (kept < 64 && h_sockname(u, name, sizeof(name)) && name[0] == '@') {
			kept++;
			continue; /* kept open for CMD */
		}
		close(u);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);

	if (other)
		fprintf(stderr, "racefd: first other errno: %s\n", h_errname(first_other));
	printf("%s abstract=%ld inet=%ld denied=%ld other=%ld rounds=%ld\n", abstract ? "OK" : "ERR", abstract, inet,
	       denied, other, done);
	h_finish(cmd, abstract ? H_OK : H_REFUSED);
usage:
	fprintf(stderr, "usage: racefd [-n ROUNDS] [-T SECONDS] [-s] NAME(<=7 bytes) [-- CMD...]\n");
	return H_SETUP;
}
