// SPDX-License-Identifier: MIT
/* What the notify relay passes on, and where to. Pure. */
#include "sdnotify_msg.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Whole-line values ("READY=1") or prefixes ("STATUS="). */
static const char *const kept_exact[] = { "READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1", "FDSTORE=1", NULL };
static const char *const kept_prefix[] = { "STATUS=", "ERRNO=", "FDNAME=", "MONOTONIC_USEC=", "EXTEND_TIMEOUT_USEC=",
					   NULL };

static bool line_kept(const char *line, size_t n)
{
	for (size_t i = 0; kept_exact[i]; i++)
		if (strlen(kept_exact[i]) == n && memcmp(line, kept_exact[i], n) == 0)
			return true;
	for (size_t i = 0; kept_prefix[i]; i++) {
		size_t p = strlen(kept_prefix[i]);
		if (n >= p && memcmp(line, kept_prefix[i], p) == 0)
			return true;
	}
	return false;
}

int sdnotify_msg_filter(const char *msg, size_t len, char *out, size_t outlen, bool *fdstore)
{
	size_t used = 0;
	bool store = false;

	/* systemd refuses messages with NUL bytes; so does the relay. */
	if (memchr(msg, '\0', len))
		return -EINVAL;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(msg + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (msg + start)) : len - start;
		const char *line = msg + start;
		start += n + 1;
		if (n == 0 || !line_kept(line, n))
			continue;
		if (used + n + 2 > outlen)
			return -ENOSPC;
		memcpy(out + used, line, n);
		used += n;
		out[used++] = '\n';
		store = store || (n == 9 && memcmp(line, "FDSTORE=1", 9) == 0);
	}
	if (outlen)
		out[used] = '\0';
	*fdstore = store;
	return (int)used;
}

int sdnotify_msg_address(const char *value, struct sockaddr_un *addr, socklen_t *len)
{
	size_t n = value ? strlen(value) : 0;
	if (n < 2 || n >= sizeof(addr->sun_path) || (value[0] != '/' && value[0] != '@'))
		return -EINVAL;
	*addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	memcpy(addr->sun_path, value, n);
	if (value[0] == '@') {
		/* An abstract name: a leading NUL, no terminator, length exact. */
		addr->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}
