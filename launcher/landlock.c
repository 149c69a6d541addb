// SPDX-License-Identifier: MIT
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/*
 * Debian 12's headers describe ABI 1-2; the scopes came with ABI 6 (6.12).
 * The structure only grows, and the kernel takes its size, so we carry our
 * own copy of the current layout.
 */
struct sj_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};
#define SJ_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SJ_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#define SJ_LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#define SJ_LANDLOCK_ABI_SCOPES 6

int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

int landlock_check(const struct sj_settings *s, int abi, char *warn, size_t warnlen, char *err, size_t errlen)
{
	if (warnlen)
		warn[0] = '\0';
	/* With a private netns there is nothing outside to connect to. */
	if (s->net != SJ_NET_HOST || s->abstract_connect == SJ_ABSTRACT_CONNECT_ALLOW || abi >= SJ_LANDLOCK_ABI_SCOPES)
		return 0;
	if (s->abstract_connect_set) {
		snprintf(err, errlen,
			 "--abstract-connect deny: with --net host this needs Landlock ABI %d (Linux 6.12), the kernel has %d",
			 SJ_LANDLOCK_ABI_SCOPES, abi);
		return -EOPNOTSUPP;
	}
	snprintf(warn, warnlen,
		 "--net host: this kernel cannot stop connects to the host's abstract sockets "
		 "(Landlock ABI %d < %d); pass --abstract-connect allow to silence this",
		 abi, SJ_LANDLOCK_ABI_SCOPES);
	return 0;
}

bool landlock_scopes_abstract(const struct sj_settings *s, int abi)
{
	return abi >= SJ_LANDLOCK_ABI_SCOPES && s->abstract_connect == SJ_ABSTRACT_CONNECT_DENY;
}

int landlock_apply(const struct sj_settings *s, int abi, const char **step)
{
	struct sj_ruleset_attr attr = { 0 };
	size_t attr_size = sizeof(attr);

	if (abi <= 0) {
		/* No Landlock: the pathname rule is still enforced by the supervisor. */
		return 0;
	}
	if (abi >= SJ_LANDLOCK_ABI_SCOPES) {
		attr.scoped = SJ_LANDLOCK_SCOPE_SIGNAL;
		if (landlock_scopes_abstract(s, abi))
			attr.scoped |= SJ_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	} else {
		attr_size = offsetof(struct sj_ruleset_attr, handled_access_net);
	}
	if (s->pathname_bind == SJ_PATHNAME_BIND_RUN_DIRS)
		attr.handled_access_fs = SJ_LANDLOCK_ACCESS_FS_MAKE_SOCK;
	if (!attr.handled_access_fs && !attr.scoped)
		return 0;

	*step = "landlock_create_ruleset";
	_cleanup_close_ int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0)
		return -errno;
	if (attr.handled_access_fs) {
		for (size_t i = 0; i < s->run_dirs.n; i++) {
			struct landlock_path_beneath_attr pb = { .allowed_access = SJ_LANDLOCK_ACCESS_FS_MAKE_SOCK };
			*step = "landlock: open --run-dir";
			_cleanup_close_ int fd = open(s->run_dirs.v[i], O_PATH | O_CLOEXEC | O_DIRECTORY);
			if (fd < 0)
				return -errno;
			pb.parent_fd = fd;
			*step = "landlock_add_rule";
			if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
				return -errno;
		}
	}
	*step = "landlock_restrict_self";
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		return -errno;
	return 0;
}

int landlock_restrict_make_sock(int abi, const int *dir_fds, size_t n)
{
	/* Only MAKE_SOCK is handled: no scope, so nothing else changes for the bind. */
	struct sj_ruleset_attr attr = { .handled_access_fs = SJ_LANDLOCK_ACCESS_FS_MAKE_SOCK };
	if (abi <= 0)
		return 0; /* the executor's inode walk still decides */
	_cleanup_close_ int rs = (int)syscall(SYS_landlock_create_ruleset, &attr,
					      offsetof(struct sj_ruleset_attr, handled_access_net), 0);
	if (rs < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		struct landlock_path_beneath_attr pb = { .allowed_access = SJ_LANDLOCK_ACCESS_FS_MAKE_SOCK,
							 .parent_fd = dir_fds[i] };
		if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			return -errno;
	}
	return syscall(SYS_landlock_restrict_self, rs, 0) < 0 ? -errno : 0;
}

int landlock_restrict_with(int ruleset_fd)
{
	return syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0 ? -errno : 0;
}
