// SPDX-License-Identifier: MIT
/*
 * Audit lines are read by programs (jq, log shippers) and by people on a
 * terminal, and comm and names are chosen by the sandbox: every output must
 * stay valid JSON / plain ASCII whatever bytes come in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"

#define KNOWN_JSON                                                                       \
	"{\"ts\":\"2026-11-24T21:13:40.123456Z\",\"pid\":42,\"comm\":\"server\","         \
	"\"syscall\":\"bind\",\"family\":\"AF_UNIX\",\"kind\":\"abstract\","             \
	"\"address\":\"@name\",\"decision\":\"deny\",\"rule\":\"abstract deny\"}"

static struct sj_audit_event known_event(void)
{
	return (struct sj_audit_event){
		/* date -u -d 2026-11-24T21:13:40Z +%s */
		.ts = { .tv_sec = 1795554820, .tv_nsec = 123456789 },
		.pid = 42,
		.comm = "server",
		.syscall = "bind",
		.family = AF_UNIX,
		.kind = "abstract",
		.address = "@name",
		.verdict = SJ_VERDICT_DENY,
		.rule = "abstract deny",
	};
}

/* ---- a strict JSON checker (RFC 8259), enough for one audit line ---- */

struct json {
	const char *p;
};

static void json_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool json_string(struct json *j)
{
	if (*j->p != '"')
		return false;
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return true;
		}
		/* Raw control characters, and (for us) anything non-ASCII, are errors. */
		if (c < 0x20 || c >= 0x7f)
			return false;
		if (c == '\\') {
			j->p++;
			switch (*j->p) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				j->p++;
				break;
			case 'u':
				for (int i = 1; i <= 4; i++)
					if (!is_hex(j->p[i]))
						return false;
				j->p += 5;
				break;
			default:
				return false;
			}
			continue;
		}
		j->p++;
	}
}

static bool json_number(struct json *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0') {
		j->p++;
	} else if (*j->p >= '1' && *j->p <= '9') {
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	} else {
		return false;
	}
	/* Audit lines only carry integers. */
	return *j->p != '.' && *j->p != 'e' && *j->p != 'E';
}

static bool json_value(struct json *j)
{
	if (*j->p == '"')
		return json_string(j);
	if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
		return true;
	}
	return json_number(j);
}

/* One flat object of string keys; returns the number of members, or -1. */
static int json_object(const char *s)
{
	struct json j = { s };
	int members = 0;

	json_ws(&j);
	if (*j.p++ != '{')
		return -1;
	json_ws(&j);
	if (*j.p == '}')
		return *++j.p ? -1 : 0;
	for (;;) {
		json_ws(&j);
		if (!json_string(&j))
			return -1;
		json_ws(&j);
		if (*j.p++ != ':')
			return -1;
		json_ws(&j);
		if (!json_value(&j))
			return -1;
		members++;
		json_ws(&j);
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != '}')
			return -1;
		return *j.p ? -1 : members;
	}
}

/* Decodes the JSON string value of key into out (bytes, \u00XX as one byte). */
static size_t json_get(const char *obj, const char *key, unsigned char *out)
{
	char needle[64];
	const char *p;
	size_t n = 0;

	snprintf(needle, sizeof(needle), "\"%s\":\"", key);
	p = strstr(obj, needle);
	assert_non_null(p);
	for (p += strlen(needle); *p != '"'; n++) {
		if (*p == '\\' && p[1] == 'u') {
			unsigned v;

			assert_int_equal(sscanf(p + 2, "%4x", &v), 1);
			assert_true(v <= 0xff);
			out[n] = (unsigned char)v;
			p += 6;
		} else if (*p == '\\') {
			out[n] = (unsigned char)p[1];
			p += 2;
		} else {
			out[n] = (unsigned char)*p++;
		}
	}
	return n;
}

static char *format_json_alloc(const struct sj_audit_event *ev)
{
	size_t need = audit_format_json(NULL, 0, ev);
	char *buf = malloc(need + 1);

	assert_non_null(buf);
	assert_int_equal(audit_format_json(buf, need + 1, ev), need);
	assert_int_equal(strlen(buf), need);
	return buf;
}

static char *format_denial_alloc(const struct sj_audit_event *ev)
{
	size_t need = audit_format_denial(NULL, 0, ev);
	char *buf = malloc(need + 1);

	assert_non_null(buf);
	assert_int_equal(audit_format_denial(buf, need + 1, ev), need);
	assert_int_equal(strlen(buf), need);
	return buf;
}

static void assert_printable_ascii(const char *s)
{
	for (; *s; s++)
		assert_true(*s >= 0x20 && *s <= 0x7e);
}

/* ---- names ---- */

static void test_verdict_names(void **state)
{
	(void)state;

	assert_string_equal(audit_verdict_name(SJ_VERDICT_ALLOW), "allow");
	assert_string_equal(audit_verdict_name(SJ_VERDICT_DENY), "deny");
	assert_string_equal(audit_verdict_name(SJ_VERDICT_LOG), "log");
	assert_string_equal(audit_verdict_name((enum sj_verdict)99), "unknown");
}

static void test_family_names(void **state)
{
	(void)state;
	char buf[16];

	assert_string_equal(audit_family_name(AF_UNIX, buf, sizeof(buf)), "AF_UNIX");
	assert_string_equal(audit_family_name(AF_INET, buf, sizeof(buf)), "AF_INET");
	assert_string_equal(audit_family_name(AF_INET6, buf, sizeof(buf)), "AF_INET6");
	assert_string_equal(audit_family_name(AF_NETLINK, buf, sizeof(buf)), "AF_NETLINK");
	assert_string_equal(audit_family_name(AF_PACKET, buf, sizeof(buf)), "AF_PACKET");
	assert_string_equal(audit_family_name(AF_VSOCK, buf, sizeof(buf)), "AF_VSOCK");
	assert_string_equal(audit_family_name(-1, buf, sizeof(buf)), "unknown");
	assert_ptr_equal(audit_family_name(AF_CAN, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "AF_29");
	assert_string_equal(audit_family_name(12345, buf, sizeof(buf)), "AF_12345");
	assert_string_equal(audit_family_name(-7, buf, sizeof(buf)), "AF_-7");
	/* Known names need no buffer; a number without one is unknown. */
	assert_string_equal(audit_family_name(AF_UNIX, NULL, 0), "AF_UNIX");
	assert_string_equal(audit_family_name(12345, NULL, 0), "unknown");
	/* A short buffer is cut, never overrun. */
	assert_string_equal(audit_family_name(12345, buf, 5), "AF_1");
}

/* ---- JSON ---- */

static void test_json_known_event(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char buf[512];

	assert_int_equal(audit_format_json(buf, sizeof(buf), &ev), strlen(KNOWN_JSON));
	assert_string_equal(buf, KNOWN_JSON);
	assert_int_equal(json_object(buf), 9);
}

static void test_json_fields(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char *s;

	ev.verdict = SJ_VERDICT_LOG;
	ev.family = AF_INET6;
	ev.kind = "inet";
	ev.address = "[::1]:8080";
	ev.rule = "abstract log";
	ev.pid = 2147483647;
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"pid\":2147483647,"));
	assert_non_null(strstr(s, "\"family\":\"AF_INET6\","));
	assert_non_null(strstr(s, "\"address\":\"[::1]:8080\","));
	assert_non_null(strstr(s, "\"decision\":\"log\","));
	free(s);

	ev.family = -1;
	ev.verdict = SJ_VERDICT_ALLOW;
	ev.family = 4242;
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"family\":\"AF_4242\","));
	assert_non_null(strstr(s, "\"decision\":\"allow\","));
	free(s);

	ev.family = -1;
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"family\":\"unknown\","));
	assert_int_equal(json_object(s), 9);
	free(s);
}

static void test_json_timestamps(void **state)
{
	(void)state;
	const struct {
		time_t sec;
		long nsec;
		const char *ts;
	} cases[] = {
		{ 0, 0, "1970-01-01T00:00:00.000000Z" },
		{ 0, 999, "1970-01-01T00:00:00.000000Z" },
		{ 0, 1000, "1970-01-01T00:00:00.000001Z" },
		{ 951782400, 999999999, "2000-02-29T00:00:00.999999Z" },
		{ 2147483647, 0, "2038-01-19T03:14:07.000000Z" },
		{ 253402300799, 500000, "9999-12-31T23:59:59.000500Z" },
		/* Values CLOCK_REALTIME never gives still make RFC 3339. */
		{ 1795554820, -1, "2026-11-24T21:13:40.000000Z" },
		{ 1795554820, 1000000000, "2026-11-24T21:13:40.000000Z" },
		{ 253402300800, 0, "1970-01-01T00:00:00.000000Z" },
		{ -1, 0, "1969-12-31T23:59:59.000000Z" },
		{ -62167219200, 0, "0000-01-01T00:00:00.000000Z" },
		{ -62167219201, 0, "1970-01-01T00:00:00.000000Z" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sj_audit_event ev = known_event();
		char expect[64], buf[512];

		ev.ts.tv_sec = cases[i].sec;
		ev.ts.tv_nsec = cases[i].nsec;
		audit_format_json(buf, sizeof(buf), &ev);
		snprintf(expect, sizeof(expect), "{\"ts\":\"%s\",", cases[i].ts);
		assert_memory_equal(buf, expect, strlen(expect));
	}
}

static void test_json_escaping(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char *s;

	ev.comm = "a\"b\\c\n\x7f\xc3\xa9";
	ev.address = "@x\\x00y\"";
	ev.rule = "\x1b[31m";
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"comm\":\"a\\\"b\\\\c\\u000a\\u007f\\u00c3\\u00a9\","));
	assert_non_null(strstr(s, "\"address\":\"@x\\\\x00y\\\"\","));
	assert_non_null(strstr(s, "\"rule\":\"\\u001b[31m\"}"));
	assert_int_equal(json_object(s), 9);
	free(s);
}

/* comm is read as at most 16 bytes: the kernel's comm array need not end in NUL. */
static void test_json_comm_unterminated(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char *comm = malloc(16), *s;

	assert_non_null(comm);
	memcpy(comm, "0123456789abcdef", 16);
	ev.comm = comm;
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"comm\":\"0123456789abcdef\","));
	free(s);
	s = format_denial_alloc(&ev);
	assert_string_equal(s, "denied bind @name (pid 42, comm \"0123456789abcdef\")");
	free(s);
	free(comm);

	ev.comm = "0123456789abcdefTAIL";
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"comm\":\"0123456789abcdef\","));
	free(s);
}

static void test_json_null_fields(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char *s;

	ev.comm = NULL;
	ev.syscall = NULL;
	ev.kind = NULL;
	ev.address = NULL;
	ev.rule = NULL;
	s = format_json_alloc(&ev);
	assert_string_equal(s, "{\"ts\":\"2026-11-24T21:13:40.123456Z\",\"pid\":42,\"comm\":null,"
			       "\"syscall\":null,\"family\":\"AF_UNIX\",\"kind\":null,"
			       "\"address\":null,\"decision\":\"deny\",\"rule\":null}");
	assert_int_equal(json_object(s), 9);
	free(s);
	ev.comm = "";
	s = format_json_alloc(&ev);
	assert_non_null(strstr(s, "\"comm\":\"\","));
	free(s);
}

/* Random bytes everywhere the sandbox has a say: always one valid ASCII object. */
static void test_json_random_bytes(void **state)
{
	(void)state;
	uint32_t x = 88172645u;

	for (int round = 0; round < 5000; round++) {
		unsigned char comm[17], addr[300], back[300];
		struct sj_audit_event ev = known_event();
		size_t comm_n, addr_n;
		char *s;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		comm_n = x % 17;
		addr_n = (x >> 8) % sizeof(addr);
		for (size_t i = 0; i < comm_n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			comm[i] = (unsigned char)(1 + x % 255);
		}
		comm[comm_n] = 0;
		for (size_t i = 0; i < addr_n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			addr[i] = (unsigned char)(1 + x % 255);
		}
		addr[addr_n] = 0;
		ev.comm = (const char *)comm;
		ev.address = (const char *)addr;
		ev.pid = (pid_t)x;
		ev.family = (int)(x >> 3) % 64 - 1;
		ev.verdict = (enum sj_verdict)(x % 3);

		s = format_json_alloc(&ev);
		assert_printable_ascii(s);
		assert_int_equal(json_object(s), 9);
		/* And it decodes back to the very bytes. */
		assert_int_equal(json_get(s, "comm", back), comm_n);
		assert_memory_equal(back, comm, comm_n);
		assert_int_equal(json_get(s, "address", back), addr_n);
		assert_memory_equal(back, addr, addr_n);
		free(s);

		s = format_denial_alloc(&ev);
		assert_printable_ascii(s);
		free(s);
	}
}

/* Like snprintf: the length needed, a NUL-terminated prefix, no escape cut in half. */
static void test_json_truncation(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	size_t full_len;
	char full[512], buf[512];

	ev.comm = "\x01\"x";
	full_len = audit_format_json(full, sizeof(full), &ev);
	assert_int_equal(full_len, strlen(full));

	assert_int_equal(audit_format_json(NULL, 0, &ev), full_len);
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(audit_format_json(buf, 0, &ev), full_len);
	assert_int_equal(buf[0], 'X');

	for (size_t len = 1; len <= full_len + 1; len++) {
		size_t got;

		memset(buf, 'X', sizeof(buf));
		assert_int_equal(audit_format_json(buf, len, &ev), full_len);
		got = strlen(buf);
		assert_true(got < len);
		assert_memory_equal(buf, full, got);
		/* Nothing written past the terminating NUL. */
		for (size_t i = got + 1; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 'X');
		/* Never inside an escape: no dangling '\\' or partial \u00XX. */
		const char *u = got >= 1 ? strrchr(buf, '\\') : NULL;
		if (u && u[1] == 'u')
			assert_true(strlen(u) >= 6);
		else if (u)
			assert_true(strlen(u) >= 2);
	}
	audit_format_json(buf, full_len + 1, &ev);
	assert_string_equal(buf, full);
	audit_format_json(buf, full_len, &ev);
	assert_int_equal(strlen(buf), full_len - 1);
}

/* ---- the stderr line ---- */

static void test_denial_known_event(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char buf[128];

	assert_int_equal(audit_format_denial(buf, sizeof(buf), &ev),
			 strlen("denied bind @name (pid 42, comm \"server\")"));
	assert_string_equal(buf, "denied bind @name (pid 42, comm \"server\")");
}

static void test_denial_escaping(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	char *s;

	/* comm: as sockaddr_escape() does it, and '"' so the quotes cannot be closed early. */
	ev.comm = "a\"b\\c\n\x1b\xff";
	ev.address = "@x\\x00y";
	s = format_denial_alloc(&ev);
	assert_string_equal(s, "denied bind @x\\x00y (pid 42, comm \"a\\x22b\\x5cc\\x0a\\x1b\\xff\")");
	free(s);

	/* A raw address (a caller that forgot to escape) still cannot reach the terminal. */
	ev.comm = "srv";
	ev.address = "@\x1b]0;pwned\x07";
	s = format_denial_alloc(&ev);
	assert_string_equal(s, "denied bind @\\x1b]0;pwned\\x07 (pid 42, comm \"srv\")");
	free(s);

	ev.comm = NULL;
	ev.address = NULL;
	ev.syscall = NULL;
	ev.pid = -1;
	s = format_denial_alloc(&ev);
	assert_string_equal(s, "denied bind ? (pid -1, comm \"\")");
	free(s);
}

static void test_denial_truncation(void **state)
{
	(void)state;
	struct sj_audit_event ev = known_event();
	const char *full = "denied bind @name (pid 42, comm \"\\x01\")";
	char buf[128];

	ev.comm = "\x01";
	assert_int_equal(audit_format_denial(NULL, 0, &ev), strlen(full));
	for (size_t len = 1; len <= strlen(full) + 1; len++) {
		size_t got;

		memset(buf, 'X', sizeof(buf));
		assert_int_equal(audit_format_denial(buf, len, &ev), strlen(full));
		got = strlen(buf);
		assert_true(got < len);
		assert_memory_equal(buf, full, got);
		/* The \x01 goes in whole or not at all. */
		assert_true(got <= 33 || got >= 37);
	}
	audit_format_denial(buf, strlen(full) + 1, &ev);
	assert_string_equal(buf, full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_json_known_event),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_json_timestamps),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_comm_unterminated),
		cmocka_unit_test(test_json_null_fields),
		cmocka_unit_test(test_json_random_bytes),
		cmocka_unit_test(test_json_truncation),
		cmocka_unit_test(test_denial_known_event),
		cmocka_unit_test(test_denial_escaping),
		cmocka_unit_test(test_denial_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
