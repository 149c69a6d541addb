// SPDX-License-Identifier: MIT
/*
 * raceabstract: the time-of-check race between an allowed and a refused
 * abstract name of the same length. One thread flips one byte of the name
 * between ALLOWED's and REFUSED's without pause while the main thread binds
 * fresh sockets to it. A gate that checks one read of the memory and binds
 * another (CONTINUE, which lets the kernel read it again, or a second copy)
 * binds refused names now and then.
 *
 * Usage: raceabstract [-n BINDS] [-T SECONDS] [-k KEEP] ALLOWED REFUSED [-- CMD...]
 *   ALLOWED, REFUSED  abstract names ("@..."), the same length, differing
 *                     in exactly one byte; each bind appends "-NNNNN"
 *   -n  binds to try (default 20000); -T stop after SECONDS (default 20)
 *   -k  sockets of each kind kept open for CMD to see (default 64)
 * Every successful bind is classified by getsockname(), the name the kernel
 * actually bound. Prints
 *   "OK allowed=N refused=N denied=N other=N binds=N"   (refused > 0), or
 *   "ERR allowed=N refused=0 denied=N other=N binds=N"
 * so "refused=" counts refused names that got bound. Exit 0 / 1 / 2.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "helper.h"

static struct sockaddr_un addr;
static atomic_int stop;
static size_t flip_at;
static unsigned char flip_a, flip_b;

static void *flipper(void *arg)
{
	volatile unsigned char *p = (unsigned char *)&addr.sun_path[flip_at];
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*p = flip_b;
		*p = flip_a;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	long binds = 20000, keep = 64, seconds = 20;
	long allowed = 0, refused = 0, denied = 0, other = 0, done = 0;
	unsigned char a[256], b[256];
	int opt;

	while ((opt = getopt(argc, argv, "n:T:k:")) != -1) {
		switch (opt) {
		case 'n':
			binds = atol(optarg);
			break;
		case 'T':
			seconds = atol(optarg);
			break;
		case 'k':
			keep = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 2 || argv[optind][0] != '@' || argv[optind + 1][0] != '@')
		goto usage;
	size_t na = h_parse_name(argv[optind], a), nb = h_parse_name(argv[optind + 1], b);
	if (na != nb || na + 6 > sizeof(addr.sun_path))
		goto usage;
	size_t diff = 0;
	for (size_t i = 0; i < na; i++)
		if (a[i] != b[i]) {
			diff++;
			flip_at = i;
		}
	if (diff != 1)
		goto usage;
	flip_a = a[flip_at];
	flip_b = b[flip_at];

	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, a, na);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + na + 6);
	char want_a[512], want_b[512];
	h_escape(a, na, want_a, sizeof(want_a));
	h_escape(b, nb, want_b, sizeof(want_b));

	pthread_t t;
	if (pthread_create(&t, NULL, flipper, NULL) != 0)
		h_setup_fail("pthread_create");

	time_t deadline = time(NULL) + seconds;
	for (done = 0; done < binds && time(NULL) < deadline; done++) {
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			h_setup_fail("socket");
		/* Only the tail is ours to write; byte flip_at belongs to the flipper. */
		char tail[8];
		snprintf(tail, sizeof(tail), "-%05ld", done % 100000);
		memcpy(addr.sun_path + na, tail, 6);
		if (bind(fd, (struct sockaddr *)&addr, len) < 0) {
			if (errno == EPERM)
				denied++;
			else
				other++;
			close(fd);
			continue;
		}
		char name[512];
		h_sockname(fd, name, sizeof(name));
		long *count = &other;
		if (strncmp(name, want_a, strlen(want_a)) == 0)
			count = &allowed;
		else if (strncmp(name, want_b, strlen(want_b)) == 0)
			count = &refused;
		if (++*count > keep)
			close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);

	printf("%s allowed=%ld refused=%ld denied=%ld other=%ld binds=%ld\n", refused ? "OK" : "ERR", allowed,
	       refused, denied, other, done);
	h_finish(cmd, refused ? H_OK : H_REFUSED);
usage:
	fprintf(stderr, "usage: raceabstract [-n BINDS] [-T SECONDS] [-k KEEP] @ALLOWED @REFUSED [-- CMD...]\n"
			"(the same length, one byte apart)\n");
	return H_SETUP;
}
