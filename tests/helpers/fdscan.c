// SPDX-License-Identifier: MIT
/*
 * fdscan: look for a seccomp user-notification listener among open fds.
 * Whoever holds one answers the sandbox's bind() calls.
 *
 * Usage: fdscan [all|self|parent|PID...]   (default all)
 *   all: every process in /proc; self, parent: this one or its parent
 * Every fd scanned is listed on stderr. Prints
 * "OK found /proc/PID/fd/N -> anon_inode:seccomp notify" for the first
 * listener seen, else "ERR none among N fds of M processes".
 * Exit 0 / 1 / 2 (see helper.h).
 */
#include <dirent.h>

#include "helper.h"

static int fds, procs;

/* Returns true (and prints the result line) if pid holds a listener. */
static bool scan(long pid)
{
	char dir[64], link[64 + 256], target[256];
	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "fdscan: %s: %s\n", dir, h_errname(errno));
		return false;
	}
	procs++;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		fds++;
		fprintf(stderr, "fdscan: %s -> %s\n", link, target);
		if (strstr(target, "seccomp notify")) {
			printf("OK found %s -> %s\n", link, target);
			closedir(d);
			return true;
		}
	}
	closedir(d);
	return false;
}

int main(int argc, char **argv)
{
	bool found = false;
	const char *what = argc > 1 ? argv[1] : "all";

	if (strcmp(what, "all") == 0) {
		DIR *d = opendir("/proc");
		if (!d)
			h_setup_fail("opendir /proc");
		struct dirent *e;
		while (!found && (e = readdir(d))) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);
			if (!*end && pid > 0)
				found = scan(pid);
		}
		closedir(d);
	} else if (strcmp(what, "self") == 0) {
		found = scan(getpid());
	} else if (strcmp(what, "parent") == 0) {
		found = scan(getppid());
	} else {
		for (int i = 1; i < argc && !found; i++)
			found = scan(atol(argv[i]));
	}
	if (found)
		return H_OK;
	printf("ERR none among %d fds of %d processes\n", fds, procs);
	return H_REFUSED;
}
