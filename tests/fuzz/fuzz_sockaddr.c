// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the path a bind() takes through the supervisor:
 * classify the address, escape the name, match it, write the audit line.
 *
 * Input layout:
 *   byte 0      domain selector (low 3 bits) and flags (high bits)
 *   bytes 1..4  addrlen, little-endian int32 (the register's low half)
 *   byte 5      length of the comm that follows (taken mod 17)
 *   then        comm bytes, then the address bytes
 * The address is copied into a heap block of exactly min(addrlen, 128)
 * bytes, as the supervisor's copy would be, so ASan sees any overread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fuzz_check.h"
#include "audit.h"
#include "sockaddr.h"

static const int domains[8] = { AF_UNIX, AF_UNIX, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, -1 };

/* Every output byte is printable ASCII: valid inside JSON and harmless on a tty. */
static void check_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(s[i] >= 0x20 && s[i] <= 0x7e);
	CHECK(s[n] == '\0');
}

/* sockaddr_escape() must be reversible: equal strings mean equal bytes. */
static void check_round_trip(const unsigned char *name, size_t len, const char *esc)
{
	size_t n = 0;

	for (size_t i = 0; esc[i]; n++) {
		unsigned char c;

		if (i == 0 && esc[i] == '@') {
			c = 0;
			i++;
		} else if (esc[i] == '\\') {
			static const char hex[] = "0123456789abcdef";
			const char *hi, *lo;

			CHECK(esc[i + 1] == 'x');
			hi = memchr(hex, esc[i + 2], 16);
			lo = memchr(hex, esc[i + 3], 16);
			CHECK(hi && lo && esc[i + 2] && esc[i + 3]);
			c = (unsigned char)((hi - hex) << 4 | (lo - hex));
			i += 4;
		} else {
			c = (unsigned char)esc[i++];
		}
		CHECK(n < len && name[n] == c);
	}
	CHECK(n == len);
}

static void check_classification(const struct sj_addr *a, int domain, const unsigned char *copy, int addrlen)
{
	CHECK(a->domain == domain);
	switch (a->kind) {
	case SJ_ADDR_INVALID:
		CHECK(a->err < 0);
		CHECK(!a->name && a->port == -1);
		break;
	case SJ_ADDR_AUTOBIND:
		CHECK(domain == AF_UNIX && addrlen == 2 && !a->name);
		break;
	case SJ_ADDR_ABSTRACT:
		CHECK(domain == AF_UNIX && addrlen >= 3 && addrlen <= 110);
		CHECK(a->name == copy + 2 && a->name_len == (size_t)addrlen - 2);
		CHECK(a->name[0] == 0);
		break;
	case SJ_ADDR_PATHNAME:
		CHECK(domain == AF_UNIX && addrlen >= 3 && addrlen <= 110);
		CHECK(a->name == copy + 2 && a->name_len >= 1 && a->name_len <= (size_t)addrlen - 2);
		CHECK(!memchr(a->name, 0, a->name_len));
		/* The path ends at the first NUL or at addrlen, nowhere else. */
		CHECK(a->name_len == (size_t)addrlen - 2 || a->name[a->name_len] == 0);
		break;
	case SJ_ADDR_INET:
		CHECK(domain == AF_INET || domain == AF_INET6);
		CHECK(a->port >= -1 && a->port <= 65535 && !a->name);
		break;
	case SJ_ADDR_OTHER:
		CHECK(domain != AF_UNIX && domain != AF_INET && domain != AF_INET6 && !a->name);
		break;
	default:
		CHECK(0);
	}
	if (a->kind != SJ_ADDR_INVALID)
		CHECK(a->err == 0 && addrlen >= 0 && addrlen <= SJ_SOCKADDR_MAX);
}

static void check_format(const struct sj_audit_event *ev, size_t cut)
{
	size_t need = audit_format_json(NULL, 0, ev);
	char *json = malloc(need + 1), *denial;
	char small[64];
	size_t got;

	CHECK(json);
	CHECK(audit_format_json(json, need + 1, ev) == need);
	check_ascii(json, need);
	CHECK(json[0] == '{' && json[need - 1] == '}');

	/* Truncated: the same length needed, a NUL-terminated prefix. */
	cut %= sizeof(small);
	CHECK(audit_format_json(small, cut, ev) == need);
	if (cut) {
		got = strlen(small);
		CHECK(got < cut && memcmp(small, json, got) == 0);
	}
	free(json);

	need = audit_format_denial(NULL, 0, ev);
	denial = malloc(need + 1);
	CHECK(denial);
	CHECK(audit_format_denial(denial, need + 1, ev) == need);
	check_ascii(denial, need);
	free(denial);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const patterns[] = { "@ok-*", "@[*]*", "*\\x00*", "@/tmp/.X11-unix/X[0-9]" };
	char comm[17], esc[SJ_ESCAPED_MAX];
	struct sj_audit_event ev;
	unsigned char *copy = NULL;
	size_t comm_n, copy_n, need;
	struct sj_addr a;
	int32_t addrlen;
	int domain;

	if (size < 6)
		return 0;
	domain = domains[data[0] & 7];
	/* Assembled by hand so the harness does not depend on the host's byte order. */
	addrlen = (int32_t)((uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
			    (uint32_t)data[4] << 24);
	/* Mostly short lengths, so the fuzzer spends its time where kinds change. */
	if (!(data[0] & 0x80))
		addrlen = (int32_t)(data[1] % 136) - 2;
	comm_n = data[5] % 17;
	data += 6;
	size -= 6;
	if (comm_n > size)
		comm_n = size;
	memcpy(comm, data, comm_n);
	comm[comm_n] = '\0';
	data += comm_n;
	size -= comm_n;

	/* The supervisor's copy: min(addrlen, 128) bytes; what the input lacks reads as 0. */
	copy_n = addrlen <= 0 ? 0 : addrlen > SJ_SOCKADDR_MAX ? SJ_SOCKADDR_MAX : (size_t)addrlen;
	if (copy_n || (data[-1] & 1)) {
		copy = calloc(1, copy_n ? copy_n : 1);
		CHECK(copy);
		memcpy(copy, data, size < copy_n ? size : copy_n);
	}

	sockaddr_classify(domain, copy, addrlen, &a);
	check_classification(&a, domain, copy, addrlen);

	esc[0] = '\0';
	if (a.kind == SJ_ADDR_ABSTRACT || a.kind == SJ_ADDR_PATHNAME) {
		need = sockaddr_escape(a.name, a.name_len, esc, sizeof(esc));
		CHECK(need < SJ_ESCAPED_MAX);
		check_ascii(esc, need);
		check_round_trip(a.name, a.name_len, esc);
		if (a.kind == SJ_ADDR_ABSTRACT) {
			int m = sockaddr_match_abstract(a.name, a.name_len, patterns, 4);

			CHECK(m >= -1 && m < 4);
		}
	}

	ev = (struct sj_audit_event){
		.ts = { .tv_sec = (time_t)addrlen * 977, .tv_nsec = (long)(size * 7919) },
		.pid = (pid_t)addrlen,
		.comm = comm,
		.syscall = "bind",
		.family = a.kind == SJ_ADDR_INVALID ? -1 : domain,
		.kind = "abstract",
		.address = esc,
		.verdict = (enum sj_verdict)(data[-1] % 3),
		.rule = "abstract deny",
	};
	check_format(&ev, (size_t)data[-1]);

	/* The raw address bytes as an address too: JSON must hold for anything. */
	if (size) {
		char *raw = malloc(size + 1);

		CHECK(raw);
		memcpy(raw, data, size);
		raw[size] = '\0';
		ev.address = raw;
		ev.rule = raw;
		check_format(&ev, size);
		free(raw);
	}

	free(copy);
	return 0;
}
