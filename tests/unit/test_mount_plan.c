// SPDX-License-Identifier: MIT
/* The mount plan, built from settings without touching the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mount_plan.h"
#include "settings.h"

static void apply(struct sj_settings *s, int id, const char *arg)
{
	char err[256];
	assert_int_equal(settings_apply(s, id, arg, err, sizeof(err)), 0);
}

/* The plan as text, one operation a line. */
static char *plan_text(const struct sj_settings *s)
{
	struct sj_mount_plan p;
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(mount_plan_build(s, &p), 0);
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	mount_plan_print(&p, f);
	fclose(f);
	mount_plan_free(&p);
	return buf;
}

static void test_default(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	char *t = plan_text(&s);
	assert_string_equal(t, "make-slave /\n"
			       "tmpfs /run mode=0755\n"
			       "remount-ro /run\n"
			       "sysfs /sys\n"
			       "proc /proc\n");
	free(t);
	settings_free(&s);
}

static void test_host_namespaces(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_NET, "host");
	apply(&s, SJ_OPT_PID, "host");
	char *t = plan_text(&s);
	/* The caller's /sys and /proc stay: they already describe these namespaces. */
	assert_string_equal(t, "make-slave /\ntmpfs /run mode=0755\nremount-ro /run\n");
	free(t);
	settings_free(&s);
}

/* --gate-only: no mount namespace, so no mount at all (not even make-slave). */
static void test_gate_only(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_GATE_ONLY, NULL);
	char *t = plan_text(&s);
	assert_string_equal(t, "");
	free(t);
	settings_free(&s);
}

static void test_run_paths_before_user_mounts(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_RO_BIND, "/etc:/mnt/etc");
	apply(&s, SJ_OPT_RUN_DIR, "/run/app");
	apply(&s, SJ_OPT_TMPFS, "/run/app/tmp");
	apply(&s, SJ_OPT_RUN_SOCKET, "/run/dbus/system_bus_socket");
	apply(&s, SJ_OPT_BIND, "/srv");
	char *t = plan_text(&s);
	/* /run/app is the host's directory: the tmpfs's mount point must exist there. */
	assert_string_equal(t, "make-slave /\n"
			       "tmpfs /run mode=0755\n"
			       "bind-ro /run/dbus/system_bus_socket -> /run/dbus/system_bus_socket (create)\n"
			       "bind /run/app -> /run/app (create)\n"
			       "bind-ro /etc -> /mnt/etc\n"
			       "tmpfs /run/app/tmp mode=0755\n"
			       "bind /srv -> /srv\n"
			       "remount-ro /run\n"
			       "sysfs /sys\n"
			       "proc /proc\n");
	free(t);
	settings_free(&s);
}

static void test_create_only_under_own_tmpfs(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_TMPFS, "/mnt");
	apply(&s, SJ_OPT_BIND, "/etc:/mnt/etc");
	apply(&s, SJ_OPT_BIND, "/etc:/opt/etc");
	apply(&s, SJ_OPT_TMPFS, "/mnt");
	char *t = plan_text(&s);
	/* /opt/etc is the caller's filesystem: never created, must exist. */
	assert_non_null(strstr(t, "bind /etc -> /mnt/etc (create)\n"));
	assert_non_null(strstr(t, "bind /etc -> /opt/etc\n"));
	/* A second tmpfs on the same point is not "beneath" the first: no create. */
	assert_non_null(strstr(t, "bind /etc -> /opt/etc\ntmpfs /mnt mode=0755\n"));
	free(t);
	settings_free(&s);
}

static void test_ops_fields(void **state)
{
	struct sj_settings s;
	struct sj_mount_plan p;
	settings_init(&s);
	apply(&s, SJ_OPT_RUN_SOCKET, "/run/a.sock");
	assert_int_equal(mount_plan_build(&s, &p), 0);
	assert_int_equal(p.ops[2].kind, SJ_MOP_BIND);
	assert_true(p.ops[2].readonly);
	assert_true(p.ops[2].create_dst);
	assert_string_equal(p.ops[2].origin, "--run-socket");
	assert_string_equal(p.ops[2].src, "/run/a.sock");
	assert_int_equal(p.ops[1].mode, 0755);
	mount_plan_free(&p);
	assert_null(p.ops);
	settings_free(&s);
}

/* Pinning: only the binds of that option and source, nothing else. */
static void test_pin(void **state)
{
	struct sj_settings s;
	struct sj_mount_plan p;
	settings_init(&s);
	apply(&s, SJ_OPT_RUN_SOCKET, "/run/a.sock");
	apply(&s, SJ_OPT_RUN_DIR, "/run/d");
	apply(&s, SJ_OPT_BIND, "/run/d:/mnt");
	assert_int_equal(mount_plan_build(&s, &p), 0);
	for (size_t i = 0; i < p.n; i++)
		assert_null(p.ops[i].pinned);
	assert_int_equal(mount_plan_pin(&p, "--run-dir", "/run/d", "/srv/real/d", 7, 42), 1);
	assert_int_equal(mount_plan_pin(&p, "--run-socket", "/run/d", "/x", 1, 1), 0);
	assert_int_equal(mount_plan_pin(&p, "--run-dir", "/run/nope", "/x", 1, 1), 0);
	size_t pinned = 0;
	for (size_t i = 0; i < p.n; i++) {
		if (!p.ops[i].pinned)
			continue;
		pinned++;
		assert_string_equal(p.ops[i].origin, "--run-dir");
		assert_string_equal(p.ops[i].pinned, "/srv/real/d");
		assert_int_equal(p.ops[i].pinned_dev, 7);
		assert_int_equal(p.ops[i].pinned_ino, 42);
	}
	assert_int_equal(pinned, 1);
	mount_plan_free(&p);
	settings_free(&s);
}

/*
 * --learn shows the host's /run read-only instead of an empty tmpfs: a
 * read-only bind, which mount_apply() makes read-only recursively (the
 * later remount-ro of /run alone would leave the host's submounts of
 * /run writable inside).
 */
static void test_learn(void **state)
{
	struct sj_settings s;
	struct sj_mount_plan p;
	settings_init(&s);
	apply(&s, SJ_OPT_LEARN, "/tmp/learned.profile");
	char *t = plan_text(&s);
	assert_string_equal(t, "make-slave /\n"
			       "bind-ro /run -> /run\n"
			       "remount-ro /run\n"
			       "sysfs /sys\n"
			       "proc /proc\n");
	free(t);
	assert_int_equal(mount_plan_build(&s, &p), 0);
	assert_int_equal(p.ops[1].kind, SJ_MOP_BIND);
	assert_true(p.ops[1].readonly);
	/* /run is the host's own: never created, and nothing is made beneath it. */
	assert_false(p.ops[1].create_dst);
	assert_string_equal(p.ops[1].origin, "--learn");
	mount_plan_free(&p);
	settings_free(&s);
}

/* --learn with run paths and user mounts: the same order as without it. */
static void test_learn_with_run_paths(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_LEARN, "/tmp/learned.profile");
	apply(&s, SJ_OPT_RUN_SOCKET, "/run/dbus/system_bus_socket");
	apply(&s, SJ_OPT_RUN_DIR, "/run/app");
	apply(&s, SJ_OPT_TMPFS, "/run/app/tmp");
	apply(&s, SJ_OPT_NET, "host");
	char *t = plan_text(&s);
	assert_string_equal(t, "make-slave /\n"
			       "bind-ro /run -> /run\n"
			       "bind-ro /run/dbus/system_bus_socket -> /run/dbus/system_bus_socket (create)\n"
			       "bind /run/app -> /run/app (create)\n"
			       "tmpfs /run/app/tmp mode=0755\n"
			       "remount-ro /run\n"
			       "proc /proc\n");
	free(t);
	settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_gate_only),
		cmocka_unit_test(test_run_paths_before_user_mounts),
		cmocka_unit_test(test_create_only_under_own_tmpfs),
		cmocka_unit_test(test_ops_fields),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_learn_with_run_paths),
	};
	return cmocka_run_group_tests_name("mount_plan", tests, NULL, NULL);
}
