// SPDX-License-Identifier: MIT
/*
 * The decisions --other-sockets and --exposure share: where a host socket
 * is in the sandbox's view and whether it is granted, left visible,
 * hidden or out of view, from the settings and the mount plan alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hide_plan.h"
#include "settings.h"

static void apply(struct sj_settings *s, int id, const char *arg)
{
	char err[256];
	assert_int_equal(settings_apply(s, id, arg, err, sizeof(err)), 0);
}

/* Decide host_path and check reach, origin, its argument and the sandbox path. */
static void expect(const struct sj_settings *s, const char *host_path, enum sj_reach reach, const char *origin,
		   const char *origin_arg, const char *sandbox_path)
{
	struct sj_mount_plan p;
	struct sj_sock_fate f;
	assert_int_equal(mount_plan_build(s, &p), 0);
	assert_int_equal(hide_decide_path(s, &p, host_path, &f), 0);
	assert_string_equal(hide_reach_name(f.reach), hide_reach_name(reach));
	assert_string_equal(f.origin, origin);
	if (origin_arg)
		assert_string_equal(f.origin_arg, origin_arg);
	else
		assert_null(f.origin_arg);
	if (sandbox_path)
		assert_string_equal(f.sandbox_path, sandbox_path);
	else
		assert_null(f.sandbox_path);
	hide_fate_free(&f);
	mount_plan_free(&p);
}

static void test_default_hides_outside_run(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	expect(&s, "/tmp/x/host.sock", SJ_REACH_HIDDEN, "--other-sockets", "hidden", "/tmp/x/host.sock");
	expect(&s, "/var/lib/kubelet/plugins/a.sock", SJ_REACH_HIDDEN, "--other-sockets", "hidden",
	       "/var/lib/kubelet/plugins/a.sock");
	/* /run is the sandbox's own tmpfs: nothing of the host's shows there. */
	expect(&s, "/run/docker.sock", SJ_REACH_COVERED, "/run", "/run", NULL);
	/* A name that only starts like /run is outside it. */
	expect(&s, "/runner.sock", SJ_REACH_HIDDEN, "--other-sockets", "hidden", "/runner.sock");
	settings_free(&s);
}

static void test_visible(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_OTHER_SOCKETS, "visible");
	expect(&s, "/tmp/x/host.sock", SJ_REACH_VISIBLE, "--other-sockets", "visible", "/tmp/x/host.sock");
	expect(&s, "/run/docker.sock", SJ_REACH_COVERED, "/run", "/run", NULL);
	settings_free(&s);
}

static void test_show_socket(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_SHOW_SOCKET, "/tmp/.X11-unix");
	apply(&s, SJ_OPT_SHOW_SOCKET, "/home/u/.gnupg/S.gpg-agent");
	expect(&s, "/tmp/.X11-unix/X0", SJ_REACH_GRANTED, "--show-socket", "/tmp/.X11-unix", "/tmp/.X11-unix/X0");
	expect(&s, "/home/u/.gnupg/S.gpg-agent", SJ_REACH_GRANTED, "--show-socket", "/home/u/.gnupg/S.gpg-agent",
	       "/home/u/.gnupg/S.gpg-agent");
	expect(&s, "/home/u/.gnupg/S.gpg-agent.ssh", SJ_REACH_HIDDEN, "--other-sockets", "hidden",
	       "/home/u/.gnupg/S.gpg-agent.ssh");
	expect(&s, "/tmp/.X11-unixx", SJ_REACH_HIDDEN, "--other-sockets", "hidden", "/tmp/.X11-unixx");
	/* --show-socket does not reach into /run: only --run-socket grants there. */
	apply(&s, SJ_OPT_SHOW_SOCKET, "/run/docker.sock");
	expect(&s, "/run/docker.sock", SJ_REACH_COVERED, "/run", "/run", NULL);
	settings_free(&s);
}

static void test_run_grants(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_RUN_SOCKET, "/run/dbus/system_bus_socket");
	apply(&s, SJ_OPT_RUN_DIR, "/run/app");
	expect(&s, "/run/dbus/system_bus_socket", SJ_REACH_GRANTED, "--run-socket", "/run/dbus/system_bus_socket",
	       "/run/dbus/system_bus_socket");
	expect(&s, "/run/app/ctl.sock", SJ_REACH_GRANTED, "--run-dir", "/run/app", "/run/app/ctl.sock");
	expect(&s, "/run/dbus/other", SJ_REACH_COVERED, "/run", "/run", NULL);
	/* Followed into its stub once it exists. */
	apply(&s, SJ_OPT_RUN_SOCKET_OPTIONAL, "/run/later/s.sock");
	expect(&s, "/run/later/s.sock", SJ_REACH_GRANTED, "--run-socket-optional", "/run/later/s.sock",
	       "/run/later/s.sock");
	settings_free(&s);
}

static void test_bind_sources_stay(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_BIND, "/srv/sockets:/mnt/s");
	apply(&s, SJ_OPT_RO_BIND, "/tmp/.X11-unix");
	/* Seen at the destination; still the user's grant at its own path. */
	expect(&s, "/srv/sockets/a.sock", SJ_REACH_GRANTED, "--bind", "/srv/sockets", "/mnt/s/a.sock");
	expect(&s, "/tmp/.X11-unix/X0", SJ_REACH_GRANTED, "--ro-bind", "/tmp/.X11-unix", "/tmp/.X11-unix/X0");
	/* What the bind's destination covers is out of view. */
	expect(&s, "/mnt/s/host.sock", SJ_REACH_COVERED, "--bind", "/srv/sockets", NULL);
	settings_free(&s);
}

static void test_bind_of_run_to_elsewhere(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_BIND, "/run/user/1000:/home/u/rt");
	expect(&s, "/run/user/1000/bus", SJ_REACH_GRANTED, "--bind", "/run/user/1000", "/home/u/rt/bus");
	/* The whole tree through a bind of /. */
	settings_free(&s);
	settings_init(&s);
	apply(&s, SJ_OPT_RO_BIND, "/:/mnt/host");
	expect(&s, "/tmp/a.sock", SJ_REACH_GRANTED, "--ro-bind", "/", "/mnt/host/tmp/a.sock");
	settings_free(&s);
}

static void test_tmpfs_covers(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_TMPFS, "/tmp");
	expect(&s, "/tmp/x/host.sock", SJ_REACH_COVERED, "--tmpfs", "/tmp", NULL);
	expect(&s, "/var/tmp/host.sock", SJ_REACH_HIDDEN, "--other-sockets", "hidden", "/var/tmp/host.sock");
	settings_free(&s);
}

static void test_later_mount_on_top(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	/* The tmpfs comes after the bind and hides it: the grant shows nowhere. */
	apply(&s, SJ_OPT_BIND, "/srv/s:/opt/s");
	apply(&s, SJ_OPT_TMPFS, "/opt");
	expect(&s, "/srv/s/a.sock", SJ_REACH_GRANTED, "--bind", "/srv/s", "/srv/s/a.sock");
	settings_free(&s);
	/* A tmpfs first, then a bind into it: the bind is on top. */
	settings_init(&s);
	apply(&s, SJ_OPT_TMPFS, "/opt");
	apply(&s, SJ_OPT_BIND, "/srv/s:/opt/s");
	expect(&s, "/srv/s/a.sock", SJ_REACH_GRANTED, "--bind", "/srv/s", "/opt/s/a.sock");
	expect(&s, "/opt/other.sock", SJ_REACH_COVERED, "--tmpfs", "/opt", NULL);
	settings_free(&s);
}

static void test_learn_shows_run(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_LEARN, "/tmp/learned.profile");
	expect(&s, "/run/dbus/system_bus_socket", SJ_REACH_GRANTED, "--learn", "/run", "/run/dbus/system_bus_socket");
	settings_free(&s);
}

static void test_gate_only_hides_nothing(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_GATE_ONLY, NULL);
	expect(&s, "/tmp/x/host.sock", SJ_REACH_VISIBLE, "--gate-only", NULL, "/tmp/x/host.sock");
	expect(&s, "/run/docker.sock", SJ_REACH_VISIBLE, "--gate-only", NULL, "/run/docker.sock");
	settings_free(&s);
}

static void test_abstract(void **state)
{
	struct sj_settings s;
	struct sj_sock_fate f;
	settings_init(&s);
	hide_decide_abstract(&s, true, &f);
	assert_int_equal(f.reach, SJ_REACH_PRIVATE_NETNS);
	assert_string_equal(f.origin_arg, "none");
	apply(&s, SJ_OPT_NET, "host");
	hide_decide_abstract(&s, true, &f);
	assert_int_equal(f.reach, SJ_REACH_LANDLOCK);
	/* No Landlock scope on this kernel: the host's listeners are reachable. */
	hide_decide_abstract(&s, false, &f);
	assert_int_equal(f.reach, SJ_REACH_VISIBLE);
	apply(&s, SJ_OPT_ABSTRACT_CONNECT, "allow");
	hide_decide_abstract(&s, false, &f);
	assert_int_equal(f.reach, SJ_REACH_VISIBLE);
	assert_string_equal(f.origin, "--abstract-connect");
	assert_null(f.sandbox_path);
	assert_true(hide_reach_reachable(f.reach));
	assert_false(hide_reach_reachable(SJ_REACH_HIDDEN));
	settings_free(&s);
}

static void test_hide_list(void **state)
{
	struct sj_hide_list l = { 0 };
	assert_int_equal(hide_list_add(&l, "/tmp/a.sock", 42), 0);
	assert_int_equal(hide_list_add(&l, "/tmp/b.sock", 43), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].path, "/tmp/b.sock");
	assert_int_equal(l.v[1].ino, 43);
	hide_list_free(&l);
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_hides_outside_run),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_show_socket),
		cmocka_unit_test(test_run_grants),
		cmocka_unit_test(test_bind_sources_stay),
		cmocka_unit_test(test_bind_of_run_to_elsewhere),
		cmocka_unit_test(test_tmpfs_covers),
		cmocka_unit_test(test_later_mount_on_top),
		cmocka_unit_test(test_learn_shows_run),
		cmocka_unit_test(test_gate_only_hides_nothing),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_hide_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
