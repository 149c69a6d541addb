// SPDX-License-Identifier: MIT
/*
 * nsbind: in a user and mount namespace of its own (as an unprivileged
 * process makes one: its own uid and gid mapped to themselves, setgroups
 * denied), optionally chrooted, bind one AF_UNIX pathname socket.
 *
 * Usage: nsbind [-r NEWROOT] PATH [-- CMD...]
 *   -r  chroot(NEWROOT) first: PATH is then resolved in a root the
 *       program picked (a made-up /run tree, say)
 * Prints "OK bound PATH" or "ERR bind ERRNO". Exit 0 / 1 / 2 (see helper.h).
 */
#include <fcntl.h>
#include <sched.h>

#include "helper.h"

static void write_proc(const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		h_setup_fail("write %s", path);
	close(fd);
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	const char *newroot = NULL;
	char map[64];
	int opt;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r')
			goto usage;
		newroot = optarg;
	}
	if (optind != argc - 1)
		goto usage;
	const char *path = argv[optind];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		h_setup_fail("unshare");
	write_proc("setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	write_proc("uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	write_proc("gid_map", map);
	if (newroot && (chroot(newroot) < 0 || chdir("/") < 0))
		h_setup_fail("chroot %s", newroot);

	struct sockaddr_un un = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(un.sun_path))
		goto usage;
	strcpy(un.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		h_setup_fail("socket");
	if (bind(s, (struct sockaddr *)&un, sizeof(un)) < 0) {
		printf("ERR bind %s\n", h_errname(errno));
		h_finish(cmd, H_REFUSED);
	}
	printf("OK bound %s\n", path);
	h_finish(cmd, H_OK);
usage:
	fprintf(stderr, "usage: nsbind [-r NEWROOT] PATH [-- CMD...]\n");
	return H_SETUP;
}
