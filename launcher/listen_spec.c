// SPDX-License-Identifier: MIT
#include "listen_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "cleanup.h"

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Only decimal digits: strtoul() would also take white space, '+' and '-'. */
static bool all_digits(const char *s, const char *digits)
{
	return *s && s[strspn(s, digits)] == '\0';
}

/* IPV4:PORT or [IPV6]:PORT; an IPv6 address without brackets is ambiguous. */
static int parse_inet(const char *s, struct sj_listen_spec *out, char *err, size_t errlen)
{
	_cleanup_free_ char *host = NULL;
	const char *port_s;
	bool v6 = s[0] == '[';
	if (v6) {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return bad(err, errlen, "expected [IPV6]:PORT");
		host = strndup(s + 1, (size_t)(close - s - 1));
		port_s = close + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (!colon)
			return bad(err, errlen, "expected ADDR:PORT");
		host = strndup(s, (size_t)(colon - s));
		port_s = colon + 1;
	}
	if (!host)
		return -ENOMEM;
	errno = 0;
	unsigned long port = all_digits(port_s, "0123456789") ? strtoul(port_s, NULL, 10) : 0;
	if (errno || port < 1 || port > 65535)
		return bad(err, errlen, "bad port '%s' (1-65535)", port_s);

	struct sockaddr_in *in = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	if (!v6 && inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in);
	} else if (v6 && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		out->addrlen = sizeof(*in6);
	} else if (v6) {
		return bad(err, errlen, "bad IPv6 address '%s'", host);
	} else {
		return bad(err, errlen, "bad IPv4 address '%s' (IPv6 goes in brackets)", host);
	}
	return 0;
}

/* LISTEN_FDNAMES is ':'-separated; systemd allows printable ASCII only. */
static bool fdname_is_valid(const char *v)
{
	size_t len = strlen(v);
	if (len == 0 || len > 255)
		return false;
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == ':')
			return false;
	return true;
}

int listen_spec_parse(const char *text, struct sj_listen_spec *out, char *err, size_t errlen)
{
	struct sj_listen_spec spec = { .mode = -1, .backlog = 128 };
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_free_ char *path = NULL;
	bool have_name = false;
	int r;

	if (!copy)
		return -ENOMEM;
	/* Options follow the first comma; a unix path with a comma is refused. */
	char *opts = strchr(copy, ',');
	if (opts)
		*opts++ = '\0';

	if (strncmp(copy, "unix:", 5) == 0) {
		const char *p = copy + 5;
		struct sockaddr_un *un = (struct sockaddr_un *)&spec.addr;
		if (p[0] != '/')
			return bad(err, errlen, "unix:PATH needs an absolute path");
		if (strlen(p) >= sizeof(un->sun_path))
			return bad(err, errlen, "socket path longer than %zu bytes", sizeof(un->sun_path) - 1);
		spec.kind = SJ_LISTEN_UNIX;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, p, strlen(p) + 1);
		spec.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1);
		path = strdup(p);
	} else if (copy[0] == '@') {
		const char *name = copy + 1;
		struct sockaddr_un *un = (struct sockaddr_un *)&spec.addr;
		if (name[0] == '\0')
			return bad(err, errlen, "empty abstract name");
		if (strlen(name) > sizeof(un->sun_path) - 1)
			return bad(err, errlen, "abstract name longer than %zu bytes", sizeof(un->sun_path) - 1);
		spec.kind = SJ_LISTEN_ABSTRACT;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path + 1, name, strlen(name));
		/* The name is exactly its bytes: no trailing NUL, as most programs do. */
		spec.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
		path = strdup(name);
	} else if (strncmp(copy, "tcp:", 4) == 0 || strncmp(copy, "udp:", 4) == 0) {
		spec.kind = copy[0] == 't' ? SJ_LISTEN_TCP : SJ_LISTEN_UDP;
		if ((r = parse_inet(copy + 4, &spec, err, errlen)) < 0)
			return r;
	} else {
		return bad(err, errlen, "expected unix:PATH, @NAME, tcp:ADDR:PORT or udp:ADDR:PORT");
	}
	if ((spec.kind == SJ_LISTEN_UNIX || spec.kind == SJ_LISTEN_ABSTRACT) && !path)
		return -ENOMEM;

	/* strsep(), not strtok(): an empty option ("a,,b", "a,") is an error. */
	for (char *tok; opts && (tok = strsep(&opts, ","));) {
		char *eq = strchr(tok, '=');
		if (!eq)
			return bad(err, errlen, "expected KEY=VALUE, got '%s'", tok);
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(tok, "name") == 0) {
			/* sd_listen_fds_with_names(3): names are separated by ':'. */
			if (!fdname_is_valid(v))
				return bad(err, errlen, "name= must be 1-255 printable ASCII bytes without ':' or spaces");
			snprintf(spec.fdname, sizeof(spec.fdname), "%s", v);
			have_name = true;
		} else if (strcmp(tok, "mode") == 0) {
			if (spec.kind != SJ_LISTEN_UNIX)
				return bad(err, errlen, "mode= applies to unix: sockets only");
			errno = 0;
			long m = all_digits(v, "01234567") ? strtol(v, NULL, 8) : -1;
			if (errno || m < 0 || m > 07777)
				return bad(err, errlen, "mode= expects an octal mode");
			spec.mode = (int)m;
		} else if (strcmp(tok, "backlog") == 0) {
			if (spec.kind == SJ_LISTEN_UDP)
				return bad(err, errlen, "backlog= does not apply to udp:");
			errno = 0;
			long b = all_digits(v, "0123456789") ? strtol(v, NULL, 10) : 0;
			if (errno || b < 1 || b > 65535)
				return bad(err, errlen, "backlog= expects 1-65535");
			spec.backlog = (int)b;
		} else {
			return bad(err, errlen, "unknown option '%s' (name=, mode=, backlog=)", tok);
		}
	}
	/* systemd names unnamed sockets "unknown". */
	if (!have_name)
		snprintf(spec.fdname, sizeof(spec.fdname), "unknown");
	spec.path = TAKE_PTR(path);
	*out = spec;
	return 0;
}

void listen_spec_free(struct sj_listen_spec *spec)
{
	free(spec->path);
	spec->path = NULL;
}
