// SPDX-License-Identifier: MIT
/* Fault injection points for the tests: see include/fault.h. */
#include "fault.h"

#ifdef SJ_FAULT_INJECTION
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void fault_point(const char *name)
{
	const char *dir = getenv("SJ_FAULT_DIR");
	char path[4096];
	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.arm", dir, name);
	/* One shot: whoever removes the file first stops here. */
	if (unlink(path) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.reached", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/%s.go", dir, name);
	for (int i = 0; i < 6000 && access(path, F_OK) < 0; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
}
#endif
