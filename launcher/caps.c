// SPDX-License-Identifier: MIT
/* Capabilities: the only file that uses libcap. */
#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

static inline void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}
#define _cleanup_cap_ _cleanup_(cap_freep)

int caps_last_cap(void)
{
	/* libcap asks the kernel (prctl PR_CAPBSET_READ probing). */
	return (int)cap_max_bits() - 1;
}

int caps_parse_list(const char *list, uint64_t *mask, char *err, size_t errlen)
{
	_cleanup_free_ char *copy = strdup(list);
	uint64_t m = 0;

	if (!copy)
		return -ENOMEM;
	if (!*copy) {
		snprintf(err, errlen, "empty capability list");
		return -EINVAL;
	}
	/* strsep, not strtok: an empty item ("a,,b", ",") is an error, not skipped. */
	for (char *rest = copy, *tok; (tok = strsep(&rest, ",")) != NULL;) {
		if (!*tok) {
			snprintf(err, errlen, "empty capability name");
			return -EINVAL;
		}
		char name[64];
		cap_value_t v;
		for (char *c = tok; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		/* cap_from_name() wants the cap_ prefix; accept it optional. */
		snprintf(name, sizeof(name), "%s%s", strncmp(tok, "cap_", 4) == 0 ? "" : "cap_", tok);
		if (cap_from_name(name, &v) < 0 || v < 0 || v > 63 || isdigit((unsigned char)name[4])) {
			snprintf(err, errlen, "unknown capability '%s'", tok);
			return -EINVAL;
		}
		m |= UINT64_C(1) << v;
	}
	*mask = m;
	return 0;
}

int caps_format_list(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		if (!(mask & (UINT64_C(1) << i)))
			continue;
		char *n = cap_to_name(i);
		if (!n)
			return -ENOMEM;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", n);
		cap_free(n);
		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return 0;
}

/*
 * The sets themselves go through capget(2) and capset(2), as libcap's
 * cap_get_proc() and cap_set_proc() do, but without a malloc'd cap_t:
 * caps_restrict() runs in COMMAND's process, which borrows the sandbox's
 * new address space (vfork), where each first malloc and each first call
 * into another part of libcap faults in pages, about 70 µs of every
 * start-up on the benchmark machine (README.md, "Benchmarks"). libcap
 * still names the capabilities and tells the last one.
 */
struct cap_sets {
	uint64_t effective, permitted, inheritable;
};

static int sets_get(struct cap_sets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	c->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	c->permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inheritable = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int sets_set(const struct cap_sets *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)c->effective, (uint32_t)c->permitted, (uint32_t)c->inheritable },
		{ (uint32_t)(c->effective >> 32), (uint32_t)(c->permitted >> 32), (uint32_t)(c->inheritable >> 32) },
	};
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int caps_set(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
	return sets_set(&(struct cap_sets){ effective, permitted, inheritable });
}

int caps_restrict(uint64_t keep, bool ambient)
{
	struct cap_sets c;
	int r;

	/*
	 * setresuid() away from 0 under PR_SET_KEEPCAPS keeps the permitted
	 * set but clears the effective one; CAP_SETPCAP must be effective to
	 * shrink the bounding set.
	 */
	if ((r = sets_get(&c)) < 0)
		return r;
	c.effective = c.permitted;
	if ((r = sets_set(&c)) < 0)
		return r;

	/*
	 * Bounding set first: dropping from it needs CAP_SETPCAP, which goes
	 * next. A caller without it (--gate-only in a container that dropped
	 * it, or as a non-root --user) keeps its bounding set: under
	 * no_new_privs, which every sandbox gets, execve() cannot raise a
	 * capability from it (no file capabilities, no setuid root). The
	 * kernel's last capability is the one after which PR_CAPBSET_DROP
	 * fails with EINVAL: one more system call, where libcap's
	 * cap_max_bits() would be one more page of code to fault in, in the
	 * sandbox's every start.
	 */
	bool can_drop_bounding = c.effective & (UINT64_C(1) << CAP_SETPCAP);
	for (int i = 0; i < 64 && can_drop_bounding; i++) {
		if (keep & (UINT64_C(1) << i))
			continue;
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break;
		return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	if ((r = caps_set(keep, keep, ambient ? keep : 0)) < 0)
		return r;
	if (!ambient)
		return 0;
	/*
	 * A non-root uid loses permitted capabilities at execve() unless they
	 * are ambient; ambient needs them permitted and inheritable (set above).
	 */
	int last = caps_last_cap();
	for (int i = 0; i <= last; i++)
		if ((keep & (UINT64_C(1) << i)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			return -errno;
	return 0;
}

bool caps_effective_has(int cap)
{
	struct cap_sets c;
	return cap >= 0 && cap < 64 && sets_get(&c) == 0 && (c.effective & (UINT64_C(1) << cap));
}
