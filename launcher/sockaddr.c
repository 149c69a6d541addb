// SPDX-License-Identifier: MIT
/*
 * Pure classification of bind() addresses. Everything here runs on the
 * supervisor's private copy of the address, so nothing the sandbox does
 * after the copy can change the answer; and it must agree byte for byte
 * with what the kernel will do with the same bytes, or a name could be
 * judged as one thing and bound as another.
 */
#include "sockaddr.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* move_addr_to_kernel() copies into a struct sockaddr_storage. */
_Static_assert(sizeof(struct sockaddr_storage) == SJ_SOCKADDR_MAX, "sockaddr_storage size");
_Static_assert(offsetof(struct sockaddr_un, sun_path) == sizeof(sa_family_t), "sun_path offset");
_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) == 108, "sun_path size");
/* One port read serves both families only because the field sits at the same place. */
_Static_assert(offsetof(struct sockaddr_in, sin_port) == offsetof(struct sockaddr_in6, sin6_port),
	       "port offset");

/*
 * inet6_bind() accepts the RFC 2133 sockaddr_in6, which ends before
 * sin6_scope_id (SIN6_LEN_RFC2133 in the kernel), so 24 bytes carry a port.
 */
#define SJ_SIN6_LEN_RFC2133 offsetof(struct sockaddr_in6, sin6_scope_id)

static enum sj_addr_kind classify_invalid(struct sj_addr *out, int err)
{
	out->kind = SJ_ADDR_INVALID;
	out->err = err;
	return out->kind;
}

static sa_family_t read_family(const unsigned char *p)
{
	sa_family_t family;

	/* The copy has no alignment guarantee. */
	memcpy(&family, p, sizeof(family));
	return family;
}

/* Mirrors unix_bind() and unix_validate_addr() in net/unix/af_unix.c. */
static enum sj_addr_kind classify_unix(const unsigned char *p, size_t len, struct sj_addr *out)
{
	const size_t path_off = offsetof(struct sockaddr_un, sun_path);

	/*
	 * Autobind is tested before validation in the kernel, on exactly
	 * addrlen == sizeof(sa_family_t); any other short length is EINVAL
	 * without the family ever being looked at.
	 */
	if (len < path_off)
		return classify_invalid(out, -EINVAL);
	if (read_family(p) != AF_UNIX)
		return classify_invalid(out, -EINVAL);
	if (len == path_off) {
		out->kind = SJ_ADDR_AUTOBIND;
		return out->kind;
	}
	if (len > sizeof(struct sockaddr_un))
		return classify_invalid(out, -EINVAL);

	out->name = p + path_off;
	if (p[path_off] == '\0') {
		/*
		 * unix_bind_abstract() keeps all addrlen bytes: the name is
		 * exactly addrlen - 2 bytes, NULs and all. Comparing it as a C
		 * string would let "\0ok\0evil" pass for "\0ok".
		 */
		out->kind = SJ_ADDR_ABSTRACT;
		out->name_len = len - path_off;
	} else {
		/* unix_mkname_bsd() terminates at addrlen and stops at the first NUL. */
		out->kind = SJ_ADDR_PATHNAME;
		out->name_len = strnlen((const char *)out->name, len - path_off);
	}
	return out->kind;
}

/*
 * The port only; inet_bind()/inet6_bind() report every other problem
 * themselves when the bind is performed, so they are not guessed at here.
 */
static int inet_port(int domain, const unsigned char *p, size_t len)
{
	const size_t port_off = offsetof(struct sockaddr_in, sin_port);
	size_t need;
	uint16_t port;

	if (len < sizeof(sa_family_t))
		return -1;

	switch (read_family(p)) {
	case AF_INET:
		need = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		need = SJ_SIN6_LEN_RFC2133;
		break;
	case AF_UNSPEC:
		/*
		 * inet_bind() takes AF_UNSPEC with INADDR_ANY as AF_INET for
		 * old programs, so such a bind does claim this port: report
		 * it, or a privileged port could hide behind family 0.
		 */
		if (domain != AF_INET)
			return -1;
		need = sizeof(struct sockaddr_in);
		break;
	default:
		return -1;
	}
	if (len < need)
		return -1;

	memcpy(&port, p + port_off, sizeof(port));
	return ntohs(port);
}

enum sj_addr_kind sockaddr_classify(int domain, const void *addr, int addrlen, struct sj_addr *out)
{
	const unsigned char *p = addr;
	size_t len;

	*out = (struct sj_addr){
		.kind = SJ_ADDR_INVALID,
		.domain = domain,
		.port = -1,
	};

	/* move_addr_to_kernel(): checked before the socket's family matters. */
	if (addrlen < 0 || addrlen > SJ_SOCKADDR_MAX)
		return classify_invalid(out, -EINVAL);
	len = (size_t)addrlen;
	/* copy_from_user() of a NULL pointer; a zero length copies nothing. */
	if (len > 0 && !p)
		return classify_invalid(out, -EFAULT);

	switch (domain) {
	case AF_UNIX:
		return classify_unix(p, len, out);
	case AF_INET:
	case AF_INET6:
		out->kind = SJ_ADDR_INET;
		out->port = inet_port(domain, p, len);
		return out->kind;
	default:
		out->kind = SJ_ADDR_OTHER;
		return out->kind;
	}
}

/* Writes one byte's rendering into unit (at most 4 bytes); returns its length. */
static size_t escape_byte(unsigned char c, bool first, char unit[4])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\0' && first) {
		unit[0] = '@';
		return 1;
	}
	/*
	 * '\\' is escaped so that a literal "\x41" in a name cannot pass for
	 * 'A', and a leading '@' (a relative path "@x") so that it cannot pass
	 * for the abstract name "\0x": a leading '@' always means the NUL.
	 */
	if (c >= 0x20 && c <= 0x7e && c != '\\' && !(c == '@' && first)) {
		unit[0] = (char)c;
		return 1;
	}
	unit[0] = '\\';
	unit[1] = 'x';
	unit[2] = hex[c >> 4];
	unit[3] = hex[c & 0xf];
	return 4;
}

/*
 * A truncated result stops before the first byte's rendering that does not
 * fit, never inside an \xNN: a cut "\x4" would read as something else.
 */
size_t sockaddr_escape(const unsigned char *name, size_t len, char *out, size_t outlen)
{
	size_t need = 0, pos = 0;
	bool full = outlen == 0;

	for (size_t i = 0; i < len; i++) {
		char unit[4];
		size_t n = escape_byte(name[i], i == 0, unit);

		need += n;
		if (full)
			continue;
		/* Keep one byte for the terminating NUL. */
		if (n >= outlen - pos) {
			full = true;
			continue;
		}
		memcpy(out + pos, unit, n);
		pos += n;
	}
	if (outlen > 0)
		out[pos] = '\0';
	return need;
}

int sockaddr_match_abstract(const unsigned char *name, size_t len, char *const *patterns, size_t n_patterns)
{
	char escaped[SJ_ESCAPED_MAX];

	/*
	 * No abstract name from sockaddr_classify() is this long. A longer one
	 * would be matched on a truncated rendering, which could admit a name
	 * the pattern does not describe, so it matches nothing.
	 */
	if (sockaddr_escape(name, len, escaped, sizeof(escaped)) >= sizeof(escaped))
		return -1;

	/* The index is returned as an int: patterns past INT_MAX are not looked at. */
	for (size_t i = 0; i < n_patterns && i <= INT_MAX; i++) {
		if (!patterns[i])
			continue;
		/* No FNM_PATHNAME or FNM_PERIOD: '/' and '.' are ordinary bytes in a name. */
		if (fnmatch(patterns[i], escaped, FNM_NOESCAPE) == 0)
			return (int)i;
	}
	return -1;
}
