/* SPDX-License-Identifier: MIT */
/*
 * Pure classification of a bind() address, decided on the supervisor's own
 * copy of exactly addrlen bytes and on the socket object's domain, never on
 * the target's memory.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sj_addr_kind {
	SJ_ADDR_INVALID,  /* the kernel would fail the call; see err */
	SJ_ADDR_AUTOBIND, /* AF_UNIX, addrlen == sizeof(sa_family_t) */
	SJ_ADDR_ABSTRACT, /* AF_UNIX, sun_path[0] == '\0' */
	SJ_ADDR_PATHNAME, /* AF_UNIX, a filesystem path */
	SJ_ADDR_INET,     /* AF_INET or AF_INET6 socket */
	SJ_ADDR_OTHER,    /* any other socket domain */
};

struct sj_addr {
	enum sj_addr_kind kind;
	int err; /* SJ_ADDR_INVALID: the negative errno the kernel returns */
	int domain;
	/*
	 * ABSTRACT: the name, sun_path[0..name_len), leading NUL included, may
	 * hold further NULs. PATHNAME: the path up to the first NUL (the
	 * kernel's view), not NUL-terminated. Points into the caller's buffer.
	 */
	const unsigned char *name;
	size_t name_len;
	/* INET: the port in host order, or -1 if the address is too short. */
	int port;
};

/* sizeof(struct sockaddr_storage): the kernel's move_addr_to_kernel() limit. */
#define SJ_SOCKADDR_MAX 128

/*
 * Classify a bind() of addrlen bytes at addr on a socket of the given
 * domain (from SO_DOMAIN). addrlen is the register value as the kernel
 * reads it: (int), so callers pass the low 32 bits. The buffer holds
 * min(addrlen, SJ_SOCKADDR_MAX) bytes; addr may be NULL when addrlen is 0.
 * Always fills *out; returns out->kind.
 */
enum sj_addr_kind sockaddr_classify(int domain, const void *addr, int addrlen, struct sj_addr *out);

/*
 * Render an abstract name (leading NUL included) or a path for humans and
 * patterns: a leading NUL as '@', printable ASCII other than '\\' as is,
 * every other byte as \xNN (lower-case hex). A leading '@' byte (a relative
 * path "@x") is written \x40, so '@' first always means the NUL. The result
 * is unambiguous: equal strings mean equal bytes. Writes at most outlen
 * bytes including the terminating NUL, never part of an \xNN; returns the
 * full length it needed (like snprintf).
 */
size_t sockaddr_escape(const unsigned char *name, size_t len, char *out, size_t outlen);

/* Longest escaped name: 108 bytes, 4 characters each, plus NUL. */
#define SJ_ESCAPED_MAX (108 * 4 + 1)

/*
 * Does the abstract name match one of the patterns? Each pattern is an
 * fnmatch(3) glob (FNM_NOESCAPE: write \xNN as shown in audit lines) on the
 * escaped name. Returns the index of the first matching pattern, or -1.
 */
int sockaddr_match_abstract(const unsigned char *name, size_t len, char *const *patterns, size_t n_patterns);
