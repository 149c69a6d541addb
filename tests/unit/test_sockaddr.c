// SPDX-License-Identifier: MIT
/*
 * sockaddr_classify() must agree with the kernel on every length and byte
 * pattern the acceptance suite throws at bind(). Each address is copied
 * into a heap block of exactly the bytes the supervisor would have read,
 * so ASan catches any read past addrlen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sockaddr.h"

/* The copy the supervisor would make: min(addrlen, 128) bytes, no more. */
static unsigned char *copy_exact(const void *src, int addrlen)
{
	size_t n = addrlen <= 0 ? 0 : addrlen > SJ_SOCKADDR_MAX ? SJ_SOCKADDR_MAX : (size_t)addrlen;
	unsigned char *p = malloc(n ? n : 1);

	assert_non_null(p);
	if (n)
		memcpy(p, src, n);
	return p;
}

static enum sj_addr_kind classify(int domain, const void *src, int addrlen, struct sj_addr *out)
{
	unsigned char *p = copy_exact(src, addrlen);
	enum sj_addr_kind kind = sockaddr_classify(domain, p, addrlen, out);

	/* name points into the copy: check it now, then keep only its bytes' verdict. */
	if (out->name) {
		assert_true(out->name >= p && out->name + out->name_len <= p + addrlen);
		out->name = (const unsigned char *)src + (out->name - p);
	}
	free(p);
	return kind;
}

/* Room for any length the classifier may read, even past sockaddr_un. */
union addr_buf {
	struct sockaddr_un un;
	unsigned char raw[SJ_SOCKADDR_MAX];
};

/* A sockaddr_un with sun_family set, the path bytes given, junk after them. */
static union addr_buf sun_with(const void *path, size_t n)
{
	union addr_buf sun;

	memset(&sun, 'Z', sizeof(sun));
	sun.un.sun_family = AF_UNIX;
	memcpy(sun.un.sun_path, path, n);
	return sun;
}

static void assert_invalid(int domain, const void *addr, int addrlen, int err)
{
	struct sj_addr a;

	assert_int_equal(classify(domain, addr, addrlen, &a), SJ_ADDR_INVALID);
	assert_int_equal(a.kind, SJ_ADDR_INVALID);
	assert_int_equal(a.err, err);
	assert_int_equal(a.domain, domain);
	assert_null(a.name);
	assert_int_equal(a.name_len, 0);
	assert_int_equal(a.port, -1);
}

static char *escape_alloc(const unsigned char *name, size_t len)
{
	size_t need = sockaddr_escape(name, len, NULL, 0);
	char *out = malloc(need + 1);

	assert_non_null(out);
	assert_int_equal(sockaddr_escape(name, len, out, need + 1), need);
	assert_int_equal(strlen(out), need);
	return out;
}

/* The inverse of sockaddr_escape(), to show that the rendering loses nothing. */
static size_t unescape(const char *s, unsigned char *out)
{
	size_t n = 0;

	for (size_t i = 0; s[i]; n++) {
		if (i == 0 && s[i] == '@') {
			out[n] = 0;
			i++;
		} else if (s[i] == '\\') {
			unsigned v;

			assert_int_equal(s[i + 1], 'x');
			assert_int_equal(sscanf(s + i + 2, "%2x", &v), 1);
			out[n] = (unsigned char)v;
			i += 4;
		} else {
			out[n] = (unsigned char)s[i];
			i++;
		}
	}
	return n;
}

/* ---- lengths rejected before the family matters ---- */

static void test_length_limits_any_domain(void **state)
{
	(void)state;
	unsigned char buf[256];
	const int domains[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, 12345 };

	memset(buf, 0, sizeof(buf));
	((struct sockaddr *)buf)->sa_family = AF_UNIX;
	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		assert_invalid(domains[i], buf, -1, -EINVAL);
		assert_invalid(domains[i], buf, INT_MIN, -EINVAL);
		assert_invalid(domains[i], buf, 129, -EINVAL);
		assert_invalid(domains[i], buf, 200, -EINVAL);
		assert_invalid(domains[i], buf, INT_MAX, -EINVAL);
	}
}

/* The kernel reads addrlen as an int: a 64-bit register's low half, sign included. */
static void test_length_upper_bits(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("\0x", 2);
	uint64_t reg = 0xdeadbeef00000004ULL;
	struct sj_addr a;

	assert_int_equal(classify(AF_UNIX, &sun, (int)(uint32_t)reg, &a), SJ_ADDR_ABSTRACT);
	assert_int_equal(a.name_len, 2);
	assert_invalid(AF_UNIX, &sun, (int)(uint32_t)0xffffffffU, -EINVAL);
	assert_invalid(AF_UNIX, &sun, (int)(uint32_t)0x80000004U, -EINVAL);
}

static void test_null_address(void **state)
{
	(void)state;
	struct sj_addr a;

	/* A zero length copies nothing, so NULL is fine and bind() itself says EINVAL. */
	assert_invalid(AF_UNIX, NULL, 0, -EINVAL);
	assert_int_equal(sockaddr_classify(AF_INET, NULL, 0, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, -1);
	assert_int_equal(sockaddr_classify(AF_NETLINK, NULL, 0, &a), SJ_ADDR_OTHER);
	/* copy_from_user(NULL, n > 0) faults. */
	assert_int_equal(sockaddr_classify(AF_UNIX, NULL, 2, &a), SJ_ADDR_INVALID);
	assert_int_equal(a.err, -EFAULT);
	assert_int_equal(sockaddr_classify(AF_INET, NULL, 16, &a), SJ_ADDR_INVALID);
	assert_int_equal(a.err, -EFAULT);
	/* The length check comes first. */
	assert_int_equal(sockaddr_classify(AF_UNIX, NULL, 129, &a), SJ_ADDR_INVALID);
	assert_int_equal(a.err, -EINVAL);
}

/* ---- AF_UNIX ---- */

static void test_unix_short(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("", 0);

	assert_invalid(AF_UNIX, &sun, 0, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 1, -EINVAL);
}

static void test_unix_autobind(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("", 0);
	struct sj_addr a;

	assert_int_equal(classify(AF_UNIX, &sun, 2, &a), SJ_ADDR_AUTOBIND);
	assert_int_equal(a.domain, AF_UNIX);
	assert_int_equal(a.err, 0);
	assert_null(a.name);
	assert_int_equal(a.name_len, 0);
	assert_int_equal(a.port, -1);
}

static void test_unix_wrong_family(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("\0abc", 4);

	sun.un.sun_family = AF_INET;
	assert_invalid(AF_UNIX, &sun, 2, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 3, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 6, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 110, -EINVAL);
	sun.un.sun_family = AF_UNSPEC;
	assert_invalid(AF_UNIX, &sun, 2, -EINVAL);
	sun.un.sun_family = 0x0100 | AF_UNIX; /* only the whole sa_family_t counts */
	assert_invalid(AF_UNIX, &sun, 6, -EINVAL);
}

static void test_unix_empty_abstract(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("", 1);
	struct sj_addr a;
	char *esc;

	assert_int_equal(classify(AF_UNIX, &sun, 3, &a), SJ_ADDR_ABSTRACT);
	assert_int_equal(a.name_len, 1);
	assert_ptr_equal(a.name, (unsigned char *)sun.un.sun_path);
	esc = escape_alloc(a.name, a.name_len);
	assert_string_equal(esc, "@");
	free(esc);
}

static void test_unix_all_nul_abstract(void **state)
{
	(void)state;
	unsigned char zero[108] = { 0 };
	union addr_buf sun = sun_with(zero, sizeof(zero));
	struct sj_addr a;
	char expect[SJ_ESCAPED_MAX], *esc;
	size_t pos = 0;

	assert_int_equal(classify(AF_UNIX, &sun, 110, &a), SJ_ADDR_ABSTRACT);
	assert_int_equal(a.name_len, 108);

	expect[pos++] = '@';
	for (int i = 1; i < 108; i++)
		pos += (size_t)sprintf(expect + pos, "\\x00");
	esc = escape_alloc(a.name, a.name_len);
	assert_string_equal(esc, expect);
	assert_int_equal(strlen(esc), 1 + 107 * 4);
	assert_true(strlen(esc) < SJ_ESCAPED_MAX);
	free(esc);
}

static void test_unix_abstract_lengths(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("\0name", 5);
	struct sj_addr a;

	/* The name is exactly addrlen - 2 bytes, whatever follows in the buffer. */
	for (int len = 3; len <= 110; len++) {
		assert_int_equal(classify(AF_UNIX, &sun, len, &a), SJ_ADDR_ABSTRACT);
		assert_int_equal(a.name_len, (size_t)len - 2);
		assert_int_equal(a.err, 0);
		assert_int_equal(a.port, -1);
	}
	assert_invalid(AF_UNIX, &sun, 111, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 128, -EINVAL);
	assert_invalid(AF_UNIX, &sun, 129, -EINVAL);
}

/* Two names differing only after an embedded NUL are two different sockets. */
static void test_unix_embedded_nul(void **state)
{
	(void)state;
	union addr_buf s1 = sun_with("\0ok\0evil", 8);
	union addr_buf s2 = sun_with("\0ok\0good", 8);
	union addr_buf s3 = sun_with("\0ok", 3);
	struct sj_addr a1, a2, a3;
	char *e1, *e2, *e3;

	assert_int_equal(classify(AF_UNIX, &s1, 10, &a1), SJ_ADDR_ABSTRACT);
	assert_int_equal(classify(AF_UNIX, &s2, 10, &a2), SJ_ADDR_ABSTRACT);
	assert_int_equal(classify(AF_UNIX, &s3, 5, &a3), SJ_ADDR_ABSTRACT);
	assert_int_equal(a1.name_len, 8);
	assert_int_equal(a3.name_len, 3);
	e1 = escape_alloc(a1.name, a1.name_len);
	e2 = escape_alloc(a2.name, a2.name_len);
	e3 = escape_alloc(a3.name, a3.name_len);
	assert_string_equal(e1, "@ok\\x00evil");
	assert_string_equal(e2, "@ok\\x00good");
	assert_string_equal(e3, "@ok");
	assert_string_not_equal(e1, e2);
	assert_string_not_equal(e1, e3);
	free(e1);
	free(e2);
	free(e3);

	/* A trailing NUL makes a different name too. */
	assert_int_equal(classify(AF_UNIX, &s1, 6, &a1), SJ_ADDR_ABSTRACT);
	e1 = escape_alloc(a1.name, a1.name_len);
	assert_string_equal(e1, "@ok\\x00");
	free(e1);
}

static void test_unix_pathname(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("/run/x.sock", 12);
	struct sj_addr a;

	assert_int_equal(classify(AF_UNIX, &sun, 2 + 12, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 11);
	assert_memory_equal(a.name, "/run/x.sock", 11);
	/* The common SUN_LEN-less call: the whole struct. */
	assert_int_equal(classify(AF_UNIX, &sun, sizeof(sun.un), &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 11);
}

/* The kernel stops at addrlen even without a NUL; the bytes after it are not the path. */
static void test_unix_pathname_unterminated(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("abcde", 5);
	char path[108];
	struct sj_addr a;

	assert_int_equal(classify(AF_UNIX, &sun, 2 + 5, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 5);
	assert_int_equal(classify(AF_UNIX, &sun, 2 + 3, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 3);
	assert_int_equal(classify(AF_UNIX, &sun, 3, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 1);

	/* 108 bytes, no room for a NUL: unix_mkname_bsd() still takes it. */
	memset(path, 'p', sizeof(path));
	sun = sun_with(path, sizeof(path));
	assert_int_equal(classify(AF_UNIX, &sun, 110, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 108);
	assert_invalid(AF_UNIX, &sun, 111, -EINVAL);
}

/* Pathname and abstract renderings never collide. */
static void test_unix_pathname_at_sign(void **state)
{
	(void)state;
	union addr_buf p = sun_with("@x", 2), q = sun_with("\0x", 2);
	struct sj_addr a, b;
	char *ea, *eb;

	assert_int_equal(classify(AF_UNIX, &p, 4, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(classify(AF_UNIX, &q, 4, &b), SJ_ADDR_ABSTRACT);
	ea = escape_alloc(a.name, a.name_len);
	eb = escape_alloc(b.name, b.name_len);
	assert_string_equal(ea, "\\x40x");
	assert_string_equal(eb, "@x");
	free(ea);
	free(eb);
}

static void test_unix_pathname_inner_nul(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("ab\0cd", 5);
	struct sj_addr a;
	char *esc;

	assert_int_equal(classify(AF_UNIX, &sun, 2 + 5, &a), SJ_ADDR_PATHNAME);
	assert_int_equal(a.name_len, 2);
	esc = escape_alloc(a.name, a.name_len);
	assert_string_equal(esc, "ab");
	free(esc);
}

/* ---- AF_INET / AF_INET6 ---- */

static void test_inet(void **state)
{
	(void)state;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(8080) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sj_addr a;

	assert_int_equal(classify(AF_INET, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 8080);
	assert_int_equal(a.domain, AF_INET);
	assert_null(a.name);
	assert_int_equal(classify(AF_INET6, &sin6, sizeof(sin6), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 443);
	/* RFC 2133 length: no sin6_scope_id, accepted by inet6_bind(). */
	assert_int_equal(classify(AF_INET6, &sin6, 24, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 443);
	/* The whole storage is fine too: only too short is refused by the kernel. */
	unsigned char big[128] = { 0 };
	memcpy(big, &sin, sizeof(sin));
	assert_int_equal(classify(AF_INET, big, 128, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 8080);
	sin.sin_port = htons(0);
	assert_int_equal(classify(AF_INET, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 0);
	sin.sin_port = htons(65535);
	assert_int_equal(classify(AF_INET, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 65535);
}

static void test_inet_short(void **state)
{
	(void)state;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(22) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(22) };
	struct sj_addr a;

	/* Still INET: bind() itself answers EINVAL; only the port is unknown. */
	for (int len = 0; len < 16; len++) {
		assert_int_equal(classify(AF_INET, &sin, len, &a), SJ_ADDR_INET);
		assert_int_equal(a.port, -1);
		assert_int_equal(a.err, 0);
	}
	for (int len = 0; len < 24; len++) {
		assert_int_equal(classify(AF_INET6, &sin6, len, &a), SJ_ADDR_INET);
		assert_int_equal(a.port, -1);
	}
}

/* The length that counts is that of the family written in the buffer. */
static void test_inet_buffer_family(void **state)
{
	(void)state;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	union addr_buf sun = sun_with("x", 1);
	struct sj_addr a;

	assert_int_equal(classify(AF_INET6, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 53);
	assert_int_equal(classify(AF_INET, &sin6, 16, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, -1);
	assert_int_equal(classify(AF_INET, &sin6, 24, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 53);
	assert_int_equal(classify(AF_INET, &sun, sizeof(sun.un), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, -1);

	/* inet_bind() takes AF_UNSPEC + INADDR_ANY as AF_INET; inet6_bind() does not. */
	sin.sin_family = AF_UNSPEC;
	assert_int_equal(classify(AF_INET, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, 53);
	assert_int_equal(classify(AF_INET, &sin, 15, &a), SJ_ADDR_INET);
	assert_int_equal(a.port, -1);
	assert_int_equal(classify(AF_INET6, &sin, sizeof(sin), &a), SJ_ADDR_INET);
	assert_int_equal(a.port, -1);
}

/* ---- other domains ---- */

static void test_other(void **state)
{
	(void)state;
	unsigned char buf[128] = { 0 };
	const int domains[] = { AF_NETLINK, AF_PACKET, AF_VSOCK, AF_UNSPEC, -1, 4242 };
	struct sj_addr a;

	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		for (int len = 0; len <= 128; len++) {
			assert_int_equal(classify(domains[i], buf, len, &a), SJ_ADDR_OTHER);
			assert_int_equal(a.domain, domains[i]);
			assert_int_equal(a.err, 0);
			assert_null(a.name);
			assert_int_equal(a.port, -1);
		}
	}
}

/* *out is filled whatever it held before. */
static void test_out_overwritten(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("", 0);
	struct sj_addr a;

	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(classify(AF_UNIX, &sun, 2, &a), SJ_ADDR_AUTOBIND);
	assert_null(a.name);
	assert_int_equal(a.name_len, 0);
	assert_int_equal(a.err, 0);
	assert_int_equal(a.port, -1);
	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(classify(AF_NETLINK, &sun, 12, &a), SJ_ADDR_OTHER);
	assert_null(a.name);
	assert_int_equal(a.err, 0);
}

/* ---- escaping ---- */

static void test_escape_every_byte(void **state)
{
	(void)state;

	for (int b = 0; b < 256; b++) {
		unsigned char name[2] = { 'n', (unsigned char)b };
		char expect[8], out[16];
		size_t n;

		/* At index 0, where '@' stands for the NUL and so is itself escaped. */
		if (b == 0)
			strcpy(expect, "@");
		else if (b >= 0x20 && b <= 0x7e && b != '\\' && b != '@')
			snprintf(expect, sizeof(expect), "%c", b);
		else
			snprintf(expect, sizeof(expect), "\\x%02x", b);
		n = sockaddr_escape(name + 1, 1, out, sizeof(out));
		assert_string_equal(out, expect);
		assert_int_equal(n, strlen(expect));

		/* Anywhere else, NUL is an ordinary unprintable byte. */
		if (b == 0)
			strcpy(expect, "n\\x00");
		else if (b >= 0x20 && b <= 0x7e && b != '\\')
			snprintf(expect, sizeof(expect), "n%c", b);
		else
			snprintf(expect, sizeof(expect), "n\\x%02x", b);
		n = sockaddr_escape(name, 2, out, sizeof(out));
		assert_string_equal(out, expect);
		assert_int_equal(n, strlen(expect));
	}
}

static void test_escape_specific(void **state)
{
	(void)state;
	char out[64];

	assert_int_equal(sockaddr_escape((const unsigned char *)"\0/tmp/.X11-unix/X0", 18, out, sizeof(out)), 18);
	assert_string_equal(out, "@/tmp/.X11-unix/X0");
	/* A literal "\x41" cannot pass for 'A', nor a literal '@' for a NUL elsewhere. */
	assert_int_equal(sockaddr_escape((const unsigned char *)"\0\\x41", 5, out, sizeof(out)), 8);
	assert_string_equal(out, "@\\x5cx41");
	assert_int_equal(sockaddr_escape((const unsigned char *)"\0@\0", 3, out, sizeof(out)), 6);
	assert_string_equal(out, "@@\\x00");
	assert_int_equal(sockaddr_escape((const unsigned char *)"\0\xff\x7f\n ~", 6, out, sizeof(out)), 15);
	assert_string_equal(out, "@\\xff\\x7f\\x0a ~");
	/* A relative path "@x" must not read as the abstract name "\0x". */
	assert_int_equal(sockaddr_escape((const unsigned char *)"@x@", 3, out, sizeof(out)), 6);
	assert_string_equal(out, "\\x40x@");
	/* Empty input: empty string. */
	memset(out, 'X', sizeof(out));
	assert_int_equal(sockaddr_escape((const unsigned char *)"", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(sockaddr_escape(NULL, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_escape_truncation(void **state)
{
	(void)state;
	const unsigned char name[] = { 0, 'a', 0x01, 'b', '\\' };
	const char *full = "@a\\x01b\\x5c";
	const size_t full_len = strlen(full);
	char out[32];

	/* outlen 0: nothing written, out may be NULL. */
	assert_int_equal(sockaddr_escape(name, sizeof(name), NULL, 0), full_len);
	memset(out, 'X', sizeof(out));
	assert_int_equal(sockaddr_escape(name, sizeof(name), out, 0), full_len);
	assert_int_equal(out[0], 'X');

	for (size_t outlen = 1; outlen <= full_len + 2; outlen++) {
		size_t got;

		memset(out, 'X', sizeof(out));
		assert_int_equal(sockaddr_escape(name, sizeof(name), out, outlen), full_len);
		got = strlen(out);
		/* NUL-terminated, within outlen, a prefix of the full rendering. */
		assert_true(got < outlen);
		assert_memory_equal(out, full, got);
		/* Never stops inside an \xNN. */
		const size_t cuts[] = { 0, 1, 2, 6, 7, 11 };
		bool at_cut = false;
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
			at_cut |= got == cuts[i];
		assert_true(at_cut);
		/* And takes as much as fits. */
		if (outlen > full_len)
			assert_string_equal(out, full);
	}
	/* Exact: outlen 3 holds "@a", not "@a\". */
	sockaddr_escape(name, sizeof(name), out, 3);
	assert_string_equal(out, "@a");
	sockaddr_escape(name, sizeof(name), out, 6);
	assert_string_equal(out, "@a");
	sockaddr_escape(name, sizeof(name), out, 7);
	assert_string_equal(out, "@a\\x01");
}

/* The rendering is unambiguous: it decodes back to exactly the bytes. */
static void test_escape_round_trip(void **state)
{
	(void)state;
	uint32_t x = 2463534242u;

	for (int round = 0; round < 2000; round++) {
		unsigned char name[108], back[108];
		char out[SJ_ESCAPED_MAX];
		size_t len;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		len = 1 + x % 108;
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* Bias towards the interesting bytes. */
			name[i] = (x & 3) == 0 ? 0 : (x & 3) == 1 ? '\\' : (unsigned char)(x >> 8);
		}
		/* Abstract names, and pathnames that start with '@'. */
		name[0] = round % 2 ? 0 : '@';
		assert_true(sockaddr_escape(name, len, out, sizeof(out)) < SJ_ESCAPED_MAX);
		assert_int_equal(unescape(out, back), len);
		assert_memory_equal(back, name, len);
	}
}

/* ---- matching ---- */

static int match(const void *name, size_t len, const char *p0, const char *p1)
{
	char *patterns[] = { (char *)p0, (char *)p1 };

	return sockaddr_match_abstract(name, len, patterns, p1 ? 2 : 1);
}

static void test_match_glob(void **state)
{
	(void)state;

	assert_int_equal(match("\0ok-1", 5, "@ok-*", NULL), 0);
	assert_int_equal(match("\0ok-", 4, "@ok-*", NULL), 0);
	assert_int_equal(match("\0bad", 4, "@ok-*", NULL), -1);
	assert_int_equal(match("\0bad", 4, "@ok-*", "@bad"), 1);
	/* First match wins. */
	assert_int_equal(match("\0ok-1", 5, "@ok-?", "@ok-*"), 0);
	/* '@' is the leading NUL: a pathname-looking pattern does not match. */
	assert_int_equal(match("\0ok-1", 5, "ok-*", NULL), -1);
	/* '/' and a leading '.' are ordinary: no FNM_PATHNAME or FNM_PERIOD. */
	assert_int_equal(match("\0/tmp/.X11-unix/X0", 18, "@/tmp/*", NULL), 0);
	assert_int_equal(match("\0/tmp/.X11-unix/X0", 18, "@/tmp/?X11-unix/X[0-9]", NULL), 0);
	assert_int_equal(match("\0.hidden", 8, "@*", NULL), 0);
	/* Whole-name match, not a prefix. */
	assert_int_equal(match("\0ok-1x", 6, "@ok-?", NULL), -1);
}

static void test_match_no_patterns(void **state)
{
	(void)state;
	char *none[] = { NULL };

	assert_int_equal(sockaddr_match_abstract((const unsigned char *)"\0a", 2, NULL, 0), -1);
	assert_int_equal(sockaddr_match_abstract((const unsigned char *)"\0a", 2, none, 1), -1);
	assert_int_equal(match("\0a", 2, NULL, "@a"), 1);
}

/* Patterns are written as audit lines show names: \xNN literally. */
static void test_match_escapes(void **state)
{
	(void)state;

	assert_int_equal(match("\0\0x", 3, "@\\x00x", NULL), 0);
	assert_int_equal(match("\0\0x", 3, "@x", NULL), -1);
	assert_int_equal(match("\0\0x", 3, "@", NULL), -1);
	/* The tail after an embedded NUL is part of the name. */
	assert_int_equal(match("\0ok\0evil", 8, "@ok", NULL), -1);
	assert_int_equal(match("\0ok\0evil", 8, "@ok*", NULL), 0);
	assert_int_equal(match("\0ok\0evil", 8, "@ok\\x00evil", NULL), 0);
	/* FNM_NOESCAPE: a backslash in a pattern is only itself. */
	assert_int_equal(match("\0a\\b", 4, "@a\\x5cb", NULL), 0);
	assert_int_equal(match("\0a*", 3, "@a\\*", NULL), -1);
	assert_int_equal(match("\0\xff", 2, "@\\xff", NULL), 0);
	assert_int_equal(match("\0\xff", 2, "@\\xFF", NULL), -1);
	/* Empty name. */
	assert_int_equal(match("", 1, "@", NULL), 0);
	assert_int_equal(match("", 1, "@?*", NULL), -1);
}

static void test_match_brackets(void **state)
{
	(void)state;

	/* "[*]" is the way to name a literal '*' without escapes. */
	assert_int_equal(match("\0*", 2, "@[*]", NULL), 0);
	assert_int_equal(match("\0a", 2, "@[*]", NULL), -1);
	assert_int_equal(match("\0a*b", 4, "@a[*]b", NULL), 0);
	assert_int_equal(match("\0axb", 4, "@a[*]b", NULL), -1);
	assert_int_equal(match("\0?", 2, "@[?]", NULL), 0);
	assert_int_equal(match("\0x", 2, "@[?]", NULL), -1);
	assert_int_equal(match("\0b", 2, "@[!a]", NULL), 0);
	assert_int_equal(match("\0a", 2, "@[!a]", NULL), -1);
}

/* A name longer than any kernel name is never matched on a cut rendering. */
static void test_match_too_long(void **state)
{
	(void)state;
	unsigned char name[200];

	memset(name, 0xff, sizeof(name));
	name[0] = 0;
	assert_int_equal(match(name, 108, "@*", NULL), 0);
	assert_int_equal(match(name, 109, "@*", NULL), -1);
	assert_int_equal(match(name, sizeof(name), "*", NULL), -1);
}

/* From the classifier to the matcher, the way the supervisor does it. */
static void test_classify_then_match(void **state)
{
	(void)state;
	union addr_buf sun = sun_with("\0ok-1\0", 6);
	char *patterns[] = { "@ok-1" };
	struct sj_addr a;

	assert_int_equal(classify(AF_UNIX, &sun, 2 + 5, &a), SJ_ADDR_ABSTRACT);
	assert_int_equal(sockaddr_match_abstract(a.name, a.name_len, patterns, 1), 0);
	assert_int_equal(classify(AF_UNIX, &sun, 2 + 6, &a), SJ_ADDR_ABSTRACT);
	assert_int_equal(sockaddr_match_abstract(a.name, a.name_len, patterns, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_limits_any_domain),
		cmocka_unit_test(test_length_upper_bits),
		cmocka_unit_test(test_null_address),
		cmocka_unit_test(test_unix_short),
		cmocka_unit_test(test_unix_autobind),
		cmocka_unit_test(test_unix_wrong_family),
		cmocka_unit_test(test_unix_empty_abstract),
		cmocka_unit_test(test_unix_all_nul_abstract),
		cmocka_unit_test(test_unix_abstract_lengths),
		cmocka_unit_test(test_unix_embedded_nul),
		cmocka_unit_test(test_unix_pathname),
		cmocka_unit_test(test_unix_pathname_unterminated),
		cmocka_unit_test(test_unix_pathname_at_sign),
		cmocka_unit_test(test_unix_pathname_inner_nul),
		cmocka_unit_test(test_inet),
		cmocka_unit_test(test_inet_short),
		cmocka_unit_test(test_inet_buffer_family),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_out_overwritten),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_escape_specific),
		cmocka_unit_test(test_escape_truncation),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_match_glob),
		cmocka_unit_test(test_match_no_patterns),
		cmocka_unit_test(test_match_escapes),
		cmocka_unit_test(test_match_brackets),
		cmocka_unit_test(test_match_too_long),
		cmocka_unit_test(test_classify_then_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
