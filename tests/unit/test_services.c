// SPDX-License-Identifier: MIT
/*
 * The pure parts of running services: the notify relay's filter and
 * addresses (sdnotify_msg.c), which signals are passed on and --wait all's
 * exit status (proc_policy.c), and the --info-fd object (info_fd.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "info_fd.h"
#include "log.h"
#include "proc_policy.h"
#include "sdnotify_msg.h"

static void expect_filter(const char *in, const char *want, bool want_fdstore)
{
	char out[256];
	bool fdstore = !want_fdstore;
	int n = sdnotify_msg_filter(in, strlen(in), out, sizeof(out), &fdstore);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
	assert_int_equal(fdstore, want_fdstore);
}

static void test_filter(void **state)
{
	(void)state;
	expect_filter("READY=1", "READY=1\n", false);
	expect_filter("READY=1\nSTATUS=Ready to accept connections\n", "READY=1\nSTATUS=Ready to accept connections\n",
		      false);
	/* MAINPID= never: sockjail stays the main pid. */
	expect_filter("MAINPID=42\nREADY=1", "READY=1\n", false);
	expect_filter("MAINPID=42", "", false);
	expect_filter("RELOADING=1\nMONOTONIC_USEC=123", "RELOADING=1\nMONOTONIC_USEC=123\n", false);
	expect_filter("STOPPING=1\nERRNO=2\nWATCHDOG=1\nEXTEND_TIMEOUT_USEC=5", "STOPPING=1\nERRNO=2\nWATCHDOG=1\nEXTEND_TIMEOUT_USEC=5\n",
		      false);
	expect_filter("FDSTORE=1\nFDNAME=db", "FDSTORE=1\nFDNAME=db\n", true);
	/* Not relayed: the watchdog's period, fd store removal, barriers, unknown keys, near misses. */
	expect_filter("WATCHDOG_USEC=1\nFDSTOREREMOVE=1\nBARRIER=1\nX=1\nREADY=0\nREADY=11\nREADY\nready=1\n", "", false);
	expect_filter("WATCHDOG=trigger", "", false);
	expect_filter("\n\nREADY=1\n\n", "READY=1\n", false);
	expect_filter("", "", false);

	char out[16];
	bool fdstore;
	assert_int_equal(sdnotify_msg_filter("READY=1\0MAINPID=1", 17, out, sizeof(out), &fdstore), -EINVAL);
	assert_int_equal(sdnotify_msg_filter("STATUS=a long line that does not fit", 36, out, sizeof(out), &fdstore),
			 -ENOSPC);
}

static void test_address(void **state)
{
	(void)state;
	struct sockaddr_un a;
	socklen_t len;
	assert_int_equal(sdnotify_msg_address("/run/systemd/notify", &a, &len), 0);
	assert_string_equal(a.sun_path, "/run/systemd/notify");
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + strlen("/run/systemd/notify") + 1);
	assert_int_equal(sdnotify_msg_address("@sd/notify", &a, &len), 0);
	assert_int_equal(a.sun_path[0], '\0');
	assert_memory_equal(a.sun_path + 1, "sd/notify", 9);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 10);
	static const char *const bad[] = { "", "@", "/", "run/notify", "vsock:2:5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sdnotify_msg_address(bad[i], &a, &len), -EINVAL);
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(sdnotify_msg_address(longp, &a, &len), -EINVAL);
	assert_int_equal(sdnotify_msg_address(NULL, &a, &len), -EINVAL);
}

static void test_forward_signal(void **state)
{
	(void)state;
	/* The terminal's signal reached a target in our group already. */
	assert_false(proc_policy_forward_signal(SI_KERNEL, true));
	assert_true(proc_policy_forward_signal(SI_KERNEL, false));
	/* kill(2), sigqueue(3), tgkill(2): always passed on. */
	assert_true(proc_policy_forward_signal(SI_USER, true));
	assert_true(proc_policy_forward_signal(SI_QUEUE, true));
	assert_true(proc_policy_forward_signal(SI_TKILL, true));
}

#define EXITED(n) ((n) << 8)
#define KILLED(s) (s)

static void test_wait_all_status(void **state)
{
	(void)state;
	assert_int_equal(proc_policy_exit_status(EXITED(0)), 0);
	assert_int_equal(proc_policy_exit_status(EXITED(3)), 3);
	assert_int_equal(proc_policy_exit_status(KILLED(SIGTERM)), 128 + SIGTERM);
	assert_int_equal(proc_policy_exit_status(0x137f), SJ_EXIT_FAILURE); /* stopped */
	/* COMMAND's failure wins; else the last process's status. */
	assert_int_equal(proc_policy_wait_all_status(EXITED(2), EXITED(0)), 2);
	assert_int_equal(proc_policy_wait_all_status(KILLED(SIGKILL), EXITED(0)), 128 + SIGKILL);
	assert_int_equal(proc_policy_wait_all_status(EXITED(0), EXITED(4)), 4);
	assert_int_equal(proc_policy_wait_all_status(EXITED(0), KILLED(SIGTERM)), 128 + SIGTERM);
	assert_int_equal(proc_policy_wait_all_status(EXITED(0), EXITED(0)), 0);
}

static void test_info_format(void **state)
{
	(void)state;
	char buf[512];
	struct sj_info info = { .fd = 5, .init_pid = 100, .net_ns = 4026532244, .mnt_ns = 1, .pid_ns = 4026531836 };
	int n = info_fd_format(&info, 102, 99, buf, sizeof(buf));
	const char *want = "{\"pid\": 102, \"init-pid\": 100, \"supervisor-pid\": 99, \"net-namespace\": 4026532244, "
			   "\"mnt-namespace\": 1, \"pid-namespace\": 4026531836}\n";
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
	info.init_pid = 0; /* --pid host */
	assert_true(info_fd_format(&info, 102, 99, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"init-pid\": null,"));
	assert_int_equal(info_fd_format(&info, 102, 99, buf, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),        cmocka_unit_test(test_address),
		cmocka_unit_test(test_forward_signal), cmocka_unit_test(test_wait_all_status),
		cmocka_unit_test(test_info_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
