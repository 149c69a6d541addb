// SPDX-License-Identifier: MIT
/*
 * --listen SPEC[,name=FDNAME][,mode=OCTAL][,backlog=N]: the sockaddr each
 * accepted form yields, and the exact message for each refused form.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "cleanup.h"
#include "listen_spec.h"

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

/* The caller frees with listen_spec_free(). */
static struct sj_listen_spec parse_ok(const char *text)
{
	struct sj_listen_spec spec;
	char err[256] = "";
	int r = listen_spec_parse(text, &spec, err, sizeof(err));
	if (r != 0)
		fail_msg("'%s' refused: %s", text, err);
	return spec;
}

/* Refused with exactly this message, and the output left untouched. */
static void assert_refused(const char *text, const char *message)
{
	struct sj_listen_spec spec, before;
	char err[256] = "";
	memset(&spec, 0xa5, sizeof(spec));
	before = spec;
	int r = listen_spec_parse(text, &spec, err, sizeof(err));
	if (r != -EINVAL)
		fail_msg("'%s' gave %d, expected -EINVAL", text, r);
	assert_string_equal(err, message);
	assert_memory_equal(&spec, &before, sizeof(spec));
}

static void test_unix(void **state)
{
	(void)state;
	struct sj_listen_spec s = parse_ok("unix:/run/app/http.sock");
	const struct sockaddr_un *un = (const struct sockaddr_un *)&s.addr;
	assert_int_equal(s.kind, SJ_LISTEN_UNIX);
	assert_string_equal(s.path, "/run/app/http.sock");
	assert_int_equal(un->sun_family, AF_UNIX);
	assert_string_equal(un->sun_path, "/run/app/http.sock");
	/* Pathname addresses count their terminating NUL. */
	assert_int_equal(s.addrlen, offsetof(struct sockaddr_un, sun_path) + strlen("/run/app/http.sock") + 1);
	assert_string_equal(s.fdname, "unknown"); /* what sd_listen_fds_with_names(3) reports */
	assert_int_equal(s.mode, -1);
	assert_int_equal(s.backlog, 128);
	listen_spec_free(&s);
	assert_null(s.path);
	listen_spec_free(&s); /* twice is harmless */
}

static void test_unix_longest_path(void **state)
{
	(void)state;
	char text[16 + SUN_PATH_MAX], path[SUN_PATH_MAX];
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0'; /* 107 bytes: the NUL still fits */
	snprintf(text, sizeof(text), "unix:%s", path);
	struct sj_listen_spec s = parse_ok(text);
	assert_string_equal(s.path, path);
	assert_int_equal(s.addrlen, sizeof(struct sockaddr_un));
	listen_spec_free(&s);
}

static void test_abstract(void **state)
{
	(void)state;
	struct sj_listen_spec s = parse_ok("@app/control");
	const struct sockaddr_un *un = (const struct sockaddr_un *)&s.addr;
	assert_int_equal(s.kind, SJ_LISTEN_ABSTRACT);
	assert_string_equal(s.path, "app/control");
	assert_int_equal(un->sun_family, AF_UNIX);
	assert_int_equal(un->sun_path[0], '\0');
	assert_memory_equal(un->sun_path + 1, "app/control", strlen("app/control"));
	/* Exactly the name's bytes, no trailing NUL. */
	assert_int_equal(s.addrlen, offsetof(struct sockaddr_un, sun_path) + 1 + strlen("app/control"));
	assert_int_equal(s.mode, -1);
	assert_string_equal(s.fdname, "unknown");
	listen_spec_free(&s);

	/* The longest name: 107 bytes after the leading NUL. */
	char text[SUN_PATH_MAX + 1];
	text[0] = '@';
	memset(text + 1, 'n', SUN_PATH_MAX - 1);
	text[SUN_PATH_MAX] = '\0';
	s = parse_ok(text);
	assert_int_equal(s.addrlen, sizeof(struct sockaddr_un));
	listen_spec_free(&s);

	/* Bytes that need no escaping on the command line are the name itself. */
	s = parse_ok("@ x:y=z");
	assert_string_equal(s.path, " x:y=z");
	listen_spec_free(&s);
}

static void assert_in4(const struct sj_listen_spec *s, const char *addr, unsigned port)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)&s->addr;
	struct in_addr want;
	assert_int_equal(inet_pton(AF_INET, addr, &want), 1);
	assert_int_equal(in->sin_family, AF_INET);
	assert_int_equal(ntohs(in->sin_port), port);
	assert_memory_equal(&in->sin_addr, &want, sizeof(want));
	assert_int_equal(s->addrlen, sizeof(struct sockaddr_in));
	assert_null(s->path);
	assert_int_equal(s->mode, -1);
}

static void assert_in6(const struct sj_listen_spec *s, const char *addr, unsigned port)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->addr;
	struct in6_addr want;
	assert_int_equal(inet_pton(AF_INET6, addr, &want), 1);
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), port);
	assert_memory_equal(&in6->sin6_addr, &want, sizeof(want));
	assert_int_equal(in6->sin6_flowinfo, 0);
	assert_int_equal(in6->sin6_scope_id, 0);
	assert_int_equal(s->addrlen, sizeof(struct sockaddr_in6));
	assert_null(s->path);
}

static void test_tcp_udp(void **state)
{
	(void)state;
	struct sj_listen_spec s = parse_ok("tcp:127.0.0.1:8080");
	assert_int_equal(s.kind, SJ_LISTEN_TCP);
	assert_in4(&s, "127.0.0.1", 8080);
	assert_int_equal(s.backlog, 128);
	assert_string_equal(s.fdname, "unknown");
	listen_spec_free(&s);

	s = parse_ok("udp:0.0.0.0:53");
	assert_int_equal(s.kind, SJ_LISTEN_UDP);
	assert_in4(&s, "0.0.0.0", 53);
	listen_spec_free(&s);

	s = parse_ok("tcp:10.1.2.3:1");
	assert_in4(&s, "10.1.2.3", 1);
	s = parse_ok("tcp:10.1.2.3:65535");
	assert_in4(&s, "10.1.2.3", 65535);
	s = parse_ok("tcp:10.1.2.3:00080");
	assert_in4(&s, "10.1.2.3", 80);
}

static void test_ipv6_in_brackets(void **state)
{
	(void)state;
	struct sj_listen_spec s = parse_ok("tcp:[::1]:443");
	assert_int_equal(s.kind, SJ_LISTEN_TCP);
	assert_in6(&s, "::1", 443);

	s = parse_ok("tcp:[::]:80");
	assert_in6(&s, "::", 80);

	s = parse_ok("udp:[fd00:1:2::abcd]:5353,name=mdns");
	assert_int_equal(s.kind, SJ_LISTEN_UDP);
	assert_in6(&s, "fd00:1:2::abcd", 5353);
	assert_string_equal(s.fdname, "mdns");

	s = parse_ok("tcp:[::ffff:192.0.2.1]:8443");
	assert_in6(&s, "::ffff:192.0.2.1", 8443);
}

static void test_options(void **state)
{
	(void)state;
	struct sj_listen_spec s = parse_ok("unix:/run/app/s,name=web,mode=0660,backlog=16");
	assert_string_equal(s.fdname, "web");
	assert_int_equal(s.mode, 0660);
	assert_int_equal(s.backlog, 16);
	listen_spec_free(&s);

	/* Any order; the last of a repeated key wins. */
	s = parse_ok("unix:/run/app/s,backlog=1,mode=600,name=a,name=b,mode=7777");
	assert_string_equal(s.fdname, "b");
	assert_int_equal(s.mode, 07777);
	assert_int_equal(s.backlog, 1);
	listen_spec_free(&s);

	s = parse_ok("unix:/run/app/s,mode=0");
	assert_int_equal(s.mode, 0);
	listen_spec_free(&s);

	s = parse_ok("tcp:1.2.3.4:80,backlog=65535,name=http");
	assert_int_equal(s.backlog, 65535);
	assert_string_equal(s.fdname, "http");

	s = parse_ok("@ctl,name=control,backlog=4");
	assert_string_equal(s.path, "ctl");
	assert_string_equal(s.fdname, "control");
	assert_int_equal(s.backlog, 4);
	listen_spec_free(&s);

	s = parse_ok("udp:1.2.3.4:53,name=dns");
	assert_string_equal(s.fdname, "dns");

	/* name= takes every printable ASCII byte but ':' and space, 255 of them. */
	char text[300], name[256];
	memset(name, 'x', 255);
	name[255] = '\0';
	name[0] = '~';
	name[1] = '!';
	name[2] = '=';
	snprintf(text, sizeof(text), "tcp:1.2.3.4:80,name=%s", name);
	s = parse_ok(text);
	assert_string_equal(s.fdname, name);
}

static void test_bad_kind(void **state)
{
	(void)state;
	static const char *const forms[] = {
		"", "sctp:1.2.3.4:80", "UNIX:/run/x", "TCP:1.2.3.4:80", "/run/x", "unix", "tcp", "x:y", ",name=a",
	};
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++)
		assert_refused(forms[i], "expected unix:PATH, @NAME, tcp:ADDR:PORT or udp:ADDR:PORT");
}

static void test_bad_unix(void **state)
{
	(void)state;
	assert_refused("unix:", "unix:PATH needs an absolute path");
	assert_refused("unix:run/app/s", "unix:PATH needs an absolute path");
	assert_refused("unix:@x", "unix:PATH needs an absolute path");

	char text[16 + SUN_PATH_MAX + 1], path[SUN_PATH_MAX + 1];
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0'; /* 108 bytes: no room for the NUL */
	snprintf(text, sizeof(text), "unix:%s", path);
	assert_refused(text, "socket path longer than 107 bytes");

	/* A comma always starts the options. */
	assert_refused("unix:/run/a,b", "expected KEY=VALUE, got 'b'");
}

static void test_bad_abstract(void **state)
{
	(void)state;
	assert_refused("@", "empty abstract name");
	assert_refused("@,name=x", "empty abstract name");
	char text[SUN_PATH_MAX + 2];
	text[0] = '@';
	memset(text + 1, 'n', SUN_PATH_MAX);
	text[SUN_PATH_MAX + 1] = '\0'; /* 108 bytes after the NUL that marks it */
	assert_refused(text, "abstract name longer than 107 bytes");
}

static void test_bad_inet(void **state)
{
	(void)state;
	assert_refused("tcp:", "expected ADDR:PORT");
	assert_refused("tcp:127.0.0.1", "expected ADDR:PORT");
	assert_refused("udp:[::1]", "expected [IPV6]:PORT");
	assert_refused("tcp:[::1", "expected [IPV6]:PORT");
	assert_refused("tcp:[::1]80", "expected [IPV6]:PORT");
	assert_refused("tcp:[::1]:", "bad port '' (1-65535)");
	assert_refused("tcp:127.0.0.1:", "bad port '' (1-65535)");
	static const char *const ports[] = { "0", "65536", "-1", "+80", " 80", "80 ", "80x", "0x50", "1e3",
					     "99999999999999999999999", "4294967376" };
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		char text[64], message[64];
		snprintf(text, sizeof(text), "tcp:127.0.0.1:%s", ports[i]);
		snprintf(message, sizeof(message), "bad port '%s' (1-65535)", ports[i]);
		assert_refused(text, message);
		snprintf(text, sizeof(text), "udp:[::1]:%s", ports[i]);
		assert_refused(text, message);
	}

	/* IPv6 needs brackets: "tcp:::1:80" could be :: port 1, or ::1 port 80. */
	assert_refused("tcp:::1:80", "bad IPv4 address '::1' (IPv6 goes in brackets)");
	assert_refused("tcp:fd00::1:80", "bad IPv4 address 'fd00::1' (IPv6 goes in brackets)");
	assert_refused("tcp:[127.0.0.1]:80", "bad IPv6 address '127.0.0.1'");
	assert_refused("tcp:[]:80", "bad IPv6 address ''");
	assert_refused("tcp:[fe80::1%eth0]:80", "bad IPv6 address 'fe80::1%eth0'");
	assert_refused("tcp::80", "bad IPv4 address '' (IPv6 goes in brackets)");
	assert_refused("tcp:localhost:80", "bad IPv4 address 'localhost' (IPv6 goes in brackets)");
	assert_refused("udp:1.2.3:80", "bad IPv4 address '1.2.3' (IPv6 goes in brackets)");
	assert_refused("udp:1.2.3.256:80", "bad IPv4 address '1.2.3.256' (IPv6 goes in brackets)");
	assert_refused("tcp:*:80", "bad IPv4 address '*' (IPv6 goes in brackets)");
}

static void test_bad_options(void **state)
{
	(void)state;
	assert_refused("unix:/run/x,", "expected KEY=VALUE, got ''");
	assert_refused("unix:/run/x,,name=a", "expected KEY=VALUE, got ''");
	assert_refused("tcp:1.2.3.4:80,name=a,", "expected KEY=VALUE, got ''");
	assert_refused("unix:/run/x,name", "expected KEY=VALUE, got 'name'");
	assert_refused("unix:/run/x,foo=bar", "unknown option 'foo' (name=, mode=, backlog=)");
	assert_refused("unix:/run/x,NAME=a", "unknown option 'NAME' (name=, mode=, backlog=)");
	assert_refused("unix:/run/x,=a", "unknown option '' (name=, mode=, backlog=)");

	assert_refused("tcp:1.2.3.4:80,mode=0600", "mode= applies to unix: sockets only");
	assert_refused("udp:1.2.3.4:80,mode=0600", "mode= applies to unix: sockets only");
	assert_refused("@x,mode=0600", "mode= applies to unix: sockets only");
	static const char *const modes[] = { "", "8", "0800", "10000", "-1", "+644", " 644", "0x1ff", "rw",
					     "777777777777777777777777" };
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		char text[64];
		snprintf(text, sizeof(text), "unix:/run/x,mode=%s", modes[i]);
		assert_refused(text, "mode= expects an octal mode");
	}

	assert_refused("udp:1.2.3.4:53,backlog=5", "backlog= does not apply to udp:");
	assert_refused("udp:[::]:53,backlog=5", "backlog= does not apply to udp:");
	static const char *const backlogs[] = { "", "0", "65536", "-1", "+5", " 5", "1k", "0x10",
						"99999999999999999999999" };
	for (size_t i = 0; i < ARRAY_SIZE(backlogs); i++) {
		char text[64];
		snprintf(text, sizeof(text), "@x,backlog=%s", backlogs[i]);
		assert_refused(text, "backlog= expects 1-65535");
	}

	static const char *const names[] = { "", "a:b", "a b", "a\tb", "a\nb", "\x01", "\x7f", "caf\xc3\xa9" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char text[64];
		snprintf(text, sizeof(text), "unix:/run/x,name=%s", names[i]);
		assert_refused(text, "name= must be 1-255 printable ASCII bytes without ':' or spaces");
	}
	char text[300], name[257];
	memset(name, 'x', 256);
	name[256] = '\0';
	snprintf(text, sizeof(text), "unix:/run/x,name=%s", name);
	assert_refused(text, "name= must be 1-255 printable ASCII bytes without ':' or spaces");
}

/* Library-style: no message buffer is fine, nothing leaks on failure. */
static void test_no_err_buffer(void **state)
{
	(void)state;
	struct sj_listen_spec s;
	assert_int_equal(listen_spec_parse("unix:/run/x,bogus=1", &s, NULL, 0), -EINVAL);
	assert_int_equal(listen_spec_parse("@x,mode=1", &s, NULL, 0), -EINVAL);
	assert_int_equal(listen_spec_parse("unix:/run/x", &s, NULL, 0), 0);
	listen_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_unix_longest_path),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_tcp_udp),
		cmocka_unit_test(test_ipv6_in_brackets),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad_kind),
		cmocka_unit_test(test_bad_unix),
		cmocka_unit_test(test_bad_abstract),
		cmocka_unit_test(test_bad_inet),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_no_err_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
