// SPDX-License-Identifier: MIT
/*
 * racebind: the time-of-check race a CONTINUE-answering supervisor loses.
 * One thread flips sun_path[0] between '/' and '\0' without pause while the
 * main thread binds fresh sockets to that address: a check that reads the
 * memory and lets the kernel read it again sees a path, and the kernel
 * binds an abstract name "\0run/...".
 *
 * Usage: racebind [-n BINDS] [-T SECONDS] [-k KEEP] PATH [-- CMD...]
 *   PATH  absolute, in a writable directory (a --run-dir); each bind uses
 *         PATH-NNNNN so that every name is new
 *   -n    binds to try (default 20000); -T stop after SECONDS (default 20)
 *   -k    abstract sockets kept open for CMD to see (default 64)
 * Every successful bind is classified by getsockname(); pathname sockets
 * are closed and unlinked. Prints
 *   "OK abstract=N pathname=N denied=N other=N binds=N"      (N > 0), or
 *   "ERR abstract=0 pathname=N denied=N other=N binds=N"
 * so "abstract=" counts the names the race created. Exit 0 / 1 / 2.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "helper.h"

static struct sockaddr_un addr;
static atomic_int stop;

static void *flipper(void *arg)
{
	volatile char *first = &addr.sun_path[0];
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*first = '/';
		*first = '\0';
	}
	*first = '/';
	return NULL;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	long binds = 20000, keep = 64, seconds = 20;
	long abstract = 0, pathname = 0, denied = 0, other = 0, done = 0;
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
	if (optind != argc - 1 || argv[optind][0] != '/')
		goto usage;
	const char *path = argv[optind];
	/* Room for "-NNNNN". */
	if (strlen(path) + 7 > sizeof(addr.sun_path))
		goto usage;

	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
	size_t base = strlen(path);
	/* No terminating NUL in the length: the abstract twin is exactly the same bytes. */
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + base + 6);

	pthread_t t;
	if (pthread_create(&t, NULL, flipper, NULL) != 0)
		h_setup_fail("pthread_create");

	time_t deadline = time(NULL) + seconds;
	char file[sizeof(addr.sun_path) + 1];
	for (done = 0; done < binds && time(NULL) < deadline; done++) {
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			h_setup_fail("socket");
		/* Only the tail is ours to write; byte 0 belongs to the flipper. */
		char tail[8];
		snprintf(tail, sizeof(tail), "-%05ld", done % 100000);
		memcpy(addr.sun_path + base, tail, 6);
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
		if (name[0] == '@') {
			abstract++;
			if (abstract > keep)
				close(fd);
			continue;
		}
		pathname++;
		snprintf(file, sizeof(file), "%s%s", path, tail);
		unlink(file);
		close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);

	printf("%s abstract=%ld pathname=%ld denied=%ld other=%ld binds=%ld\n", abstract ? "OK" : "ERR", abstract,
	       pathname, denied, other, done);
	h_finish(cmd, abstract ? H_OK : H_REFUSED);
usage:
	fprintf(stderr, "usage: racebind [-n BINDS] [-T SECONDS] [-k KEEP] /ABS/PATH [-- CMD...]\n");
	return H_SETUP;
}
