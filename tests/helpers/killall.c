// SPDX-License-Identifier: MIT
/*
 * killall: kill every process this one can see, then bind an abstract
 * name. Inside sockjail the supervisor is outside the PID namespace (and
 * behind Landlock's signal scope), so the bind must still be refused.
 *
 * Usage: killall ADDRESS [-- CMD...]
 SIGKILL to every /proc/<pid> but our own (pid 1 included), then
 * kill(-1, SIGKILL). Run it as sockjail's COMMAND itself: a shell around it
 * would be killed too. Prints "OK bound NAME after killing N" or
 * "ERR bind ERRNO after killing N" (N: the /proc pids whose kill() was
 * accepted). Exit 0 / 1 / 2 (see helper.h).
 */
#include <dirent.h>
#include <signal.h>

#include "helper.h"

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	struct sockaddr_un sun;
	int killed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: killall ADDRESS [-- CMD...]\n");
		return H_SETUP;
	}
	DIR *d = opendir("/proc");
	if (!d)
		h_setup_fail("opendir /proc");
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == getpid())
			continue;
		if (kill((pid_t)pid, SIGKILL) == 0) {
			killed++;
			fprintf(stderr, "killall: SIGKILL %ld accepted\n", pid);
		} else {
			fprintf(stderr, "killall: SIGKILL %ld: %s\n", pid, h_errname(errno));
		}
	}
	closedir(d);
	/* Then whatever /proc did not show. */
	if (kill(-1, SIGKILL) < 0)
		fprintf(stderr, "killall: kill(-1): %s\n", h_errname(errno));
	/* Give the kernel time to deliver what it accepted. */
	usleep(100 * 1000);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	size_t n = h_parse_name(argv[1], (unsigned char *)sun.sun_path);
	if (n > sizeof(sun.sun_path))
		h_setup_fail("name too long");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");
	if (bind(fd, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0) {
		printf("ERR bind %s after killing %d\n", h_errname(errno), killed);
		h_finish(cmd, H_REFUSED);
	}
	char name[512];
	h_sockname(fd, name, sizeof(name));
	printf("OK bound %s after killing %d\n", name, killed);
	h_finish(cmd, H_OK);
}
