// SPDX-License-Identifier: MIT
/*
 * The --features report for made-up kernels: one line per feature, in a
 * fixed order, each starting with its name and what was found, and saying
 * what a missing feature costs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_features.h"

static const char *const names[] = { "kernel", "landlock", "pidfd-thread", "seccomp-sync-wake-up", "user-namespaces",
				     "io_uring", "i386-emulation", "legacy-tiocsti" };
#define N_LINES (sizeof(names) / sizeof(names[0]))

/* The report, split into its lines; checks the names and the count. */
static void report(const struct sj_features *f, char lines[N_LINES][1024])
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	features_format(f, m);
	assert_int_equal(fclose(m), 0);
	size_t n = 0;
	for (char *p = buf, *nl; *p; p = nl + 1, n++) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(n < N_LINES);
		snprintf(lines[n], 1024, "%.*s", (int)(nl - p), p);
		size_t k = strlen(names[n]);
		if (strncmp(lines[n], names[n], k) != 0 || lines[n][k] != ':')
			fail_msg("line %zu should start with '%s:': %s", n + 1, names[n], lines[n]);
	}
	assert_int_equal(n, N_LINES);
	free(buf);
}

static void expect_in(const char *line, const char *part)
{
	if (!strstr(line, part))
		fail_msg("[%s] does not say [%s]", line, part);
}

static const struct sj_features modern = {
	.kernel = "6.12.0",
	.landlock_abi = 6,
	.pidfd_thread = SJ_FEAT_YES,
	.sync_wake_up = SJ_FEAT_YES,
	.userns = SJ_FEAT_YES,
	.userns_unpriv = SJ_FEAT_YES,
	.max_user_namespaces = 1000,
	.unpriv_userns_clone = -1,
	.apparmor_restrict_userns = -1,
	.io_uring = SJ_FEAT_YES,
	.ia32 = SJ_FEAT_YES,
	.legacy_tiocsti = 0,
};

static void test_modern_kernel(void **state)
{
	char l[N_LINES][1024];
	(void)state;
	report(&modern, l);
	assert_string_equal(l[0], "kernel: 6.12.0");
	expect_in(l[1], "landlock: ABI 6, with the abstract-socket and signal scopes");
	expect_in(l[2], "pidfd-thread: yes;");
	expect_in(l[3], "seccomp-sync-wake-up: yes;");
	expect_in(l[4], "user-namespaces: yes, also for ordinary users");
	expect_in(l[5], "io_uring: yes; refused in the sandbox");
	expect_in(l[6], "i386-emulation: yes; i386 and x32 system calls are killed in the sandbox");
	expect_in(l[7], "legacy-tiocsti: no (dev.tty.legacy_tiocsti = 0)");
}

/* Debian 12's own kernel (6.1): what each missing piece costs. */
static void test_old_kernel(void **state)
{
	struct sj_features f = modern;
	char l[N_LINES][1024];
	(void)state;
	snprintf(f.kernel, sizeof(f.kernel), "6.1.0-18-amd64");
	f.landlock_abi = 3;
	f.pidfd_thread = SJ_FEAT_NO;
	f.sync_wake_up = SJ_FEAT_NO;
	f.userns_unpriv = SJ_FEAT_NO;
	f.unpriv_userns_clone = 0;
	f.legacy_tiocsti = -1;
	report(&f, l);
	expect_in(l[1], "landlock: ABI 3, no scopes (they need ABI 6, Linux 6.12)");
	expect_in(l[1], "with --net host the sandbox can connect to the host's abstract sockets");
	expect_in(l[2], "pidfd-thread: no; bind() from a thread other than a process's main thread is refused with EPERM");
	expect_in(l[3], "seccomp-sync-wake-up: no; each gated bind() takes a slower round trip (needs Linux 6.6)");
	expect_in(l[4], "user-namespaces: root only (kernel.unprivileged_userns_clone = 0); an ordinary user cannot");
	expect_in(l[7], "legacy-tiocsti: yes (before Linux 6.2, always)");
}

static void test_missing_everything(void **state)
{
	struct sj_features f = { .ia32 = SJ_FEAT_NO, .legacy_tiocsti = 1, .max_user_namespaces = 0,
				 .unpriv_userns_clone = -1, .apparmor_restrict_userns = -1 };
	char l[N_LINES][1024];
	(void)state;
	f.landlock_errno = EOPNOTSUPP;
	f.io_uring_errno = EPERM;
	report(&f, l);
	assert_string_equal(l[0], "kernel: unknown");
	expect_in(l[1], "landlock: no (disabled at boot: add landlock to lsm=)");
	expect_in(l[1], "--pathname-bind run-dirs is enforced by the supervisor alone");
	expect_in(l[4], "user-namespaces: no (user.max_user_namespaces = 0)");
	expect_in(l[5], "io_uring: no (kernel.io_uring_disabled); nothing lost");
	expect_in(l[6], "i386-emulation: no; nothing lost");
	expect_in(l[7], "legacy-tiocsti: yes (dev.tty.legacy_tiocsti = 1)");
	f.landlock_errno = ENOSYS;
	f.io_uring_errno = ENOSYS;
	f.ia32 = SJ_FEAT_UNKNOWN;
	f.pidfd_thread = SJ_FEAT_UNKNOWN;
	f.userns = SJ_FEAT_YES;
	f.userns_unpriv = SJ_FEAT_NO;
	f.apparmor_restrict_userns = 1;
	report(&f, l);
	expect_in(l[1], "landlock: no (not in this kernel)");
	expect_in(l[2], "pidfd-thread: unknown;");
	expect_in(l[4], "(kernel.apparmor_restrict_unprivileged_userns = 1)");
	expect_in(l[5], "io_uring: no (not in this kernel)");
	expect_in(l[6], "i386-emulation: unknown; not an x86-64 kernel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern_kernel),
		cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_missing_everything),
	};
	return cmocka_run_group_tests_name("features", tests, NULL, NULL);
}
