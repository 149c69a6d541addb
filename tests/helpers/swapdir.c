// SPDX-License-Identifier: MIT
/*
 * swapdir: the mkdir -> chown race on a host path. Run by the owner of
 * DIR while root runs `sockjail --run-dir DIR/NAME` again and again: the
 * moment DIR/NAME exists, exchange it (renameat2 RENAME_EXCHANGE, atomic)
 * with a symlink to TARGET, so that a chown() or chmod() by path that
 * comes after the mkdir() lands on TARGET. The directory swapped out is
 * moved aside (DIR/swapped.N) and a fresh symlink made for the next try.
 *
 * With -f (flip), NAME is something that stays (a socket): it is
 * exchanged with the symlink and back, again and again, so that whoever
 * resolves DIR/NAME twice may find a different object each time.
 *
 * Usage: swapdir [-f] DIR NAME TARGET STOPFILE
 *   spins until STOPFILE exists, then prints "OK swaps=N" when it swapped
 *   a directory (with -f: anything) at least once (the race is real: the
 *   test has teeth), else "ERR swaps=0". Exit 0 / 1 / 2 (see helper.h).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"

int main(int argc, char **argv)
{
	bool flip = argc > 1 && strcmp(argv[1], "-f") == 0;
	if (flip) {
		argc--;
		argv++;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: swapdir [-f] DIR NAME TARGET STOPFILE\n");
		return H_SETUP;
	}
	const char *name = argv[2], *target = argv[3], *stop = argv[4];
	/* Never outlive the test that started it, nor spin on in a removed directory. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		h_setup_fail("PR_SET_PDEATHSIG");
	int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		h_setup_fail("open %s", argv[1]);
	const char *lnk = "swapdir.lnk";
	unlinkat(dfd, lnk, 0);
	if (symlinkat(target, dfd, lnk) < 0)
		h_setup_fail("symlink %s", target);
	unsigned long swaps = 0;
	for (unsigned long i = 0;; i++) {
		if (flip) {
			swaps += renameat2(dfd, lnk, dfd, name, RENAME_EXCHANGE) == 0;
		} else if (renameat2(dfd, lnk, dfd, name, RENAME_EXCHANGE) == 0) {
			struct stat st;
			/* Only a directory swapped out counts: NAME may be an earlier symlink. */
			if (fstatat(dfd, lnk, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
				char aside[64];
				swaps++;
				snprintf(aside, sizeof(aside), "swapped.%lu", swaps);
				renameat(dfd, lnk, dfd, aside);
			} else {
				unlinkat(dfd, lnk, 0);
			}
			symlinkat(target, dfd, lnk);
		}
		struct stat dst;
		if ((i & 1023) == 0 && (access(stop, F_OK) == 0 || fstat(dfd, &dst) < 0 || dst.st_nlink == 0))
			break;
	}
	printf("%s swaps=%lu\n", swaps ? "OK" : "ERR", swaps);
	return swaps ? H_OK : H_REFUSED;
}
