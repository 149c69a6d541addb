// SPDX-License-Identifier: MIT
/* The gate's pure decisions (policy.c): bind() verdicts and the connect() routes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "policy.h"
#include "settings.h"

static socklen_t abstract(struct sockaddr_un *un, const char *name)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static socklen_t pathname(struct sockaddr_un *un, const char *path)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, path, strlen(path));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void test_bind_abstract(void **state)
{
	struct sj_settings s;
	struct sj_bind_decision d;
	struct sockaddr_un un;
	(void)state;
	settings_init(&s);
	socklen_t len = abstract(&un, "svc");
	policy_bind(&s, 1024, AF_UNIX, &un, (int)len, &d);
	assert_int_equal(d.route, SJ_ROUTE_DENY);
	assert_string_equal(d.address, "@svc");
	assert_string_equal(d.rule, "abstract deny");
	assert_true(d.needs_own_netns);
	assert_int_equal(strv_push(&s.abstract_allow, "@sv*"), 0);
	policy_bind(&s, 1024, AF_UNIX, &un, (int)len, &d);
	assert_int_equal(d.route, SJ_ROUTE_DIRECT);
	assert_int_equal(d.verdict, SJ_VERDICT_ALLOW);
	assert_string_equal(d.rule, "abstract-allow @sv*");
	/* The family is the socket's, not the address's: an inet socket with a unix address. */
	policy_bind(&s, 1024, AF_INET, &un, (int)len, &d);
	assert_int_not_equal(d.kind, SJ_ADDR_ABSTRACT);
	settings_free(&s);
}

static void test_bind_pathname_and_inet(void **state)
{
	struct sj_settings s;
	struct sj_bind_decision d;
	struct sockaddr_un un;
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(80) };
	(void)state;
	settings_init(&s);
	s.pathname_bind = SJ_PATHNAME_BIND_RUN_DIRS;
	socklen_t len = pathname(&un, "/run/x.sock");
	policy_bind(&s, 1024, AF_UNIX, &un, (int)len, &d);
	assert_int_equal(d.route, SJ_ROUTE_EXECUTOR);
	assert_true(d.check_run_dirs);
	assert_string_equal(d.rule, "pathname-bind run-dirs");
	policy_bind(&s, 1024, AF_INET, &in, sizeof(in), &d);
	assert_int_equal(d.route, SJ_ROUTE_EXECUTOR); /* privileged: the executor, with the target's caps */
	in.sin_port = htons(8080);
	policy_bind(&s, 1024, AF_INET, &in, sizeof(in), &d);
	assert_int_equal(d.route, SJ_ROUTE_DIRECT);
	assert_string_equal(d.address, "0.0.0.0:8080");
	policy_bind(&s, 1024, AF_UNIX, &un, 1, &d);
	assert_int_equal(d.route, SJ_ROUTE_INVALID);
	assert_int_equal(d.err, -EINVAL);
	settings_free(&s);
}

static void test_connect_notified(void **state)
{
	struct sj_settings s;
	(void)state;
	settings_init(&s);
	assert_false(policy_connect_notified(&s)); /* --net none, no bridge: no round trip */
	s.net = SJ_NET_HOST;
	s.abstract_connect = SJ_ABSTRACT_CONNECT_ALLOW;
	assert_false(policy_connect_notified(&s));
	s.abstract_connect = SJ_ABSTRACT_CONNECT_DENY;
	assert_true(policy_connect_notified(&s));
	s.net = SJ_NET_NONE;
	assert_int_equal(strv_push(&s.abstract_bridge, "@x"), 0);
	assert_true(policy_connect_notified(&s));
	settings_free(&s);
}

static void test_connect_routes(void **state)
{
	struct sj_settings s;
	struct sj_connect_decision d;
	struct sockaddr_un un;
	struct sj_strv own = { 0 };
	(void)state;
	settings_init(&s);
	assert_int_equal(strv_push(&s.abstract_bridge, "@/org/kernel/*"), 0);
	socklen_t len = abstract(&un, "/org/kernel/linux/storage/multipathd");
	policy_connect(&s, AF_UNIX, &un, (int)len, NULL, &d);
	assert_int_equal(d.route, SJ_CONNECT_BRIDGE);
	assert_int_equal(d.pattern, 0);
	assert_string_equal(d.rule, "abstract-bridge @/org/kernel/*");
	assert_string_equal(d.address, "@/org/kernel/linux/storage/multipathd");
	/* Not bridged, private netns: the kernel's own answer. */
	len = abstract(&un, "/tmp/.X11-unix/X0");
	policy_connect(&s, AF_UNIX, &un, (int)len, NULL, &d);
	assert_int_equal(d.route, SJ_CONNECT_CONTINUE);
	/* --net host + abstract-connect deny: refused as if absent, unless the sandbox's own. */
	s.net = SJ_NET_HOST;
	policy_connect(&s, AF_UNIX, &un, (int)len, &own, &d);
	assert_int_equal(d.route, SJ_CONNECT_REFUSE);
	assert_int_equal(strv_push(&own, "@/tmp/.X11-unix/X0"), 0);
	policy_connect(&s, AF_UNIX, &un, (int)len, &own, &d);
	assert_int_equal(d.route, SJ_CONNECT_CONTINUE);
	s.abstract_connect = SJ_ABSTRACT_CONNECT_ALLOW;
	len = abstract(&un, "elsewhere");
	policy_connect(&s, AF_UNIX, &un, (int)len, &own, &d);
	assert_int_equal(d.route, SJ_CONNECT_CONTINUE);
	/* Pathnames and other families always go on. */
	s.abstract_connect = SJ_ABSTRACT_CONNECT_DENY;
	len = pathname(&un, "/tmp/.X11-unix/X0");
	policy_connect(&s, AF_UNIX, &un, (int)len, &own, &d);
	assert_int_equal(d.route, SJ_CONNECT_CONTINUE);
	len = abstract(&un, "/org/kernel/x");
	policy_connect(&s, AF_INET, &un, (int)len, &own, &d);
	assert_int_equal(d.route, SJ_CONNECT_CONTINUE);
	strv_free(&own);
	settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_abstract),
		cmocka_unit_test(test_bind_pathname_and_inet),
		cmocka_unit_test(test_connect_notified),
		cmocka_unit_test(test_connect_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
