// SPDX-License-Identifier: MIT
/*
 * The id plan for each kind of caller (root, root without capabilities,
 * root with only CAP_SETFCAP, an ordinary user, a non-root user holding
 * CAP_SYS_ADMIN) and the start-up explanations: which clone call failed,
 * and the setting that refused it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "idmap.h"
#include "procfs.h"
#include "startup_errors.h"

static struct sj_id_plan plan_ok(struct sj_id_caller c, bool want_userns, bool none, uid_t uid, gid_t gid)
{
	struct sj_id_plan p;
	char err[256] = "";
	if (idmap_plan(&c, want_userns, none, uid, gid, &p, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	return p;
}

static const struct sj_id_caller root_all = { 0, 0, true, true, true, true };
static const struct sj_id_caller root_none = { 0, 0, false, false, false, false };
static const struct sj_id_caller root_setfcap = { 0, 0, false, false, false, true };
static const struct sj_id_caller podman_root = { 0, 0, false, true, true, true };
static const struct sj_id_caller user = { 1000, 1000, false, false, false, false };
static const struct sj_id_caller nobody_sysadmin = { 65534, 65534, true, false, false, false };

static void test_root_with_caps(void **state)
{
	struct sj_id_plan p = plan_ok(root_all, false, false, 0, 0);
	assert_false(p.userns);
	assert_true(p.set_groups);
	p = plan_ok(root_all, true, false, 1000, 100);
	assert_true(p.userns);
	assert_string_equal(p.uid_map, "0 0 1\n1000 1000 1\n");
	assert_string_equal(p.gid_map, "0 0 1\n100 100 1\n");
	assert_false(p.setgroups_deny);
	assert_true(p.set_groups);
}

static void test_podman_default_root(void **state)
{
	/* No CAP_SYS_ADMIN: a user namespace, maps as root. */
	struct sj_id_plan p = plan_ok(podman_root, false, false, 0, 0);
	assert_true(p.userns);
	assert_string_equal(p.uid_map, "0 0 1\n");
	assert_false(p.setgroups_deny);
}

static void test_root_without_caps(void **state)
{
	struct sj_id_plan p = plan_ok(root_none, false, false, 0, 0);
	assert_true(p.userns);
	assert_true(p.uid_unmapped);
	assert_true(p.setgroups_deny);
	assert_false(p.set_groups);
	assert_string_equal(p.gid_map, "0 0 1\n");
	char err[256] = "";
	struct sj_id_caller c = root_none;
	assert_int_equal(idmap_plan(&c, false, false, 65534, 0, &p, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "CAP_SETFCAP"));
	assert_non_null(strstr(idmap_explain(&c, "uid_map", -EPERM), "CAP_SETFCAP"));
}

static void test_root_with_setfcap_only(void **state)
{
	struct sj_id_plan p = plan_ok(root_setfcap, false, false, 65534, 65534);
	assert_false(p.uid_unmapped);
	assert_string_equal(p.uid_map, "65534 0 1\n");
	assert_string_equal(p.gid_map, "65534 0 1\n");
	assert_true(p.setgroups_deny);
}

static void test_rootless(void **state)
{
	struct sj_id_plan p = plan_ok(user, false, false, 1000, 1000);
	assert_true(p.userns);
	assert_string_equal(p.uid_map, "1000 1000 1\n");
	assert_true(p.setgroups_deny);
	assert_false(p.set_groups);
	assert_non_null(strstr(idmap_explain(&user, "gid_map", -EPERM), "setgroups"));
}

static void test_nonroot_sysadmin_and_gate_only(void **state)
{
	/* podman --cap-add SYS_ADMIN --user 65534: no user namespace, and no setgroups without CAP_SETGID. */
	struct sj_id_plan p = plan_ok(nobody_sysadmin, false, false, 65534, 65534);
	assert_false(p.userns);
	assert_false(p.set_groups);
	p = plan_ok(root_none, true, true, 0, 0);
	assert_false(p.userns);
	assert_false(p.set_groups);
}

static void test_clone_messages(void **state)
{
	char buf[1024];
	struct sj_startup_probe pr = { .seccomp_filtered = true, .max_user_namespaces = 100,
				       .unprivileged_userns = 1, .in_userns_clone = true };
	startup_explain_clone(&pr, true, true, -EPERM, buf, sizeof(buf));
	assert_non_null(strstr(buf, "clone(2)"));
	assert_non_null(strstr(buf, "seccomp profile refuses namespace flags"));
	assert_non_null(strstr(buf, "--gate-only"));
	pr.seccomp_filtered = false;
	startup_explain_clone(&pr, false, true, -ENOSPC, buf, sizeof(buf));
	assert_non_null(strstr(buf, "(clone3)"));
	assert_non_null(strstr(buf, "user.max_user_namespaces, 100 here"));
	pr.max_user_namespaces = 0;
	startup_explain_clone(&pr, false, true, -ENOSPC, buf, sizeof(buf));
	assert_non_null(strstr(buf, "disabled"));
	pr.unprivileged_userns = 0;
	startup_explain_clone(&pr, false, true, -EPERM, buf, sizeof(buf));
	assert_non_null(strstr(buf, "kernel.unprivileged_userns_clone=0"));
	pr.in_userns_clone = false;
	startup_explain_clone(&pr, false, true, -EPERM, buf, sizeof(buf));
	assert_non_null(strstr(buf, "CAP_SYS_ADMIN"));
}

static void test_netns_messages(void **state)
{
	char buf[1024];
	struct sj_startup_probe pr = { .seccomp_filtered = true };
	startup_explain_netns(&pr, -EPERM, buf, sizeof(buf));
	assert_non_null(strstr(buf, "network namespace (unshare): Operation not permitted"));
	assert_non_null(strstr(buf, "seccomp profile refuses unshare(CLONE_NEWNET)"));
	assert_non_null(strstr(buf, "--net host"));
	pr.seccomp_filtered = false;
	startup_explain_netns(&pr, -EPERM, buf, sizeof(buf));
	assert_non_null(strstr(buf, "security module"));
	startup_explain_netns(&pr, -ENOSPC, buf, sizeof(buf));
	assert_non_null(strstr(buf, "user.max_net_namespaces"));
	startup_explain_netns(&pr, -ENOMEM, buf, sizeof(buf));
	assert_string_equal(buf, "creating the sandbox's network namespace (unshare): Cannot allocate memory");
}

static void test_mount_messages(void **state)
{
	char buf[1024];
	assert_true(startup_explain_mount(true, -EPERM, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "unmask=/proc/*"));
	assert_non_null(strstr(buf, "systempaths=unconfined"));
	assert_non_null(strstr(buf, "procMount: Unmasked"));
	assert_non_null(strstr(buf, "--pid host"));
	assert_true(startup_explain_mount(false, -EPERM, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "/sys"));
	assert_false(startup_explain_mount(true, -ENOENT, buf, sizeof(buf)));
}

static void test_procfs_fdinfo(void **state)
{
	long pid;
	int levels;
	/* Our own /proc: one level. */
	assert_int_equal(procfs_parse_fdinfo("\npos:\t0\nflags:\t02000002\nPid:\t4242\nNSpid:\t4242\n", &pid, &levels), 0);
	assert_int_equal(pid, 4242);
	assert_int_equal(levels, 1);
	assert_int_equal(procfs_mode_of(pid, levels), SJ_PROCFS_SAME);
	/* unshare -pf without --mount-proc: the host's /proc sees us as 28000, we are 1. */
	assert_int_equal(procfs_parse_fdinfo("\nPid:\t28000\nNSpid:\t28000\t1\n", &pid, &levels), 0);
	assert_int_equal(pid, 28000);
	assert_int_equal(levels, 2);
	assert_int_equal(procfs_mode_of(pid, levels), SJ_PROCFS_ANCESTOR);
	/* A /proc that cannot see the process. */
	assert_int_equal(procfs_parse_fdinfo("\nPid:\t0\nNSpid:\t0\n", &pid, &levels), 0);
	assert_int_equal(procfs_mode_of(pid, levels), SJ_PROCFS_FOREIGN);
	/* Kernels before NSpid in fdinfo (5.3-5.x): one level assumed. */
	assert_int_equal(procfs_parse_fdinfo("\nPid:\t7\n", &pid, &levels), 0);
	assert_int_equal(levels, 1);
	assert_int_equal(procfs_parse_fdinfo("\npos:\t0\n", &pid, &levels), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_with_caps),
		cmocka_unit_test(test_podman_default_root),
		cmocka_unit_test(test_root_without_caps),
		cmocka_unit_test(test_root_with_setfcap_only),
		cmocka_unit_test(test_rootless),
		cmocka_unit_test(test_nonroot_sysadmin_and_gate_only),
		cmocka_unit_test(test_clone_messages),
		cmocka_unit_test(test_netns_messages),
		cmocka_unit_test(test_mount_messages),
		cmocka_unit_test(test_procfs_fdinfo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
