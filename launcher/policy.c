// SPDX-License-Identifier: MIT
/* The gate's decisions: see policy.h. */
#include "policy.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

const char *policy_kind_name(enum sj_addr_kind k)
{
	switch (k) {
	case SJ_ADDR_AUTOBIND:
		return "autobind";
	case SJ_ADDR_ABSTRACT:
		return "abstract";
	case SJ_ADDR_PATHNAME:
		return "pathname";
	case SJ_ADDR_INET:
		return "inet";
	case SJ_ADDR_OTHER:
		return "other";
	case SJ_ADDR_INVALID:
		break;
	}
	return "invalid";
}

static void format_inet(const void *buf, int len, char *out, size_t outlen)
{
	const struct sockaddr *sa = buf;
	char a[64] = "?";
	if (len >= (int)sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = buf;
		const unsigned char *b = (const unsigned char *)&in->sin_addr;
		snprintf(out, outlen, "%u.%u.%u.%u:%u", b[0], b[1], b[2], b[3], ntohs(in->sin_port));
		return;
	}
	if (len >= (int)sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = buf;
		const unsigned char *b = in6->sin6_addr.s6_addr;
		int k = 0;
		for (int i = 0; i < 16; i += 2)
			k += snprintf(a + k, sizeof(a) - (size_t)k, "%s%x", i ? ":" : "", (b[i] << 8) | b[i + 1]);
		snprintf(out, outlen, "[%s]:%u", a, ntohs(in6->sin6_port));
		return;
	}
	snprintf(out, outlen, "family %d", len >= 2 ? sa->sa_family : -1);
}

void policy_bind(const struct sj_settings *s, int unpriv_port_start, int domain, const void *buf, int addrlen,
		 struct sj_bind_decision *d)
{
	struct sj_addr a;
	memset(d, 0, sizeof(*d));
	d->route = SJ_ROUTE_EXECUTOR;

	enum sj_addr_kind kind = sockaddr_classify(domain, addrlen > 0 ? buf : NULL, addrlen, &a);
	d->kind = kind;
	switch (kind) {
	case SJ_ADDR_INVALID:
		d->err = a.err;
		d->route = SJ_ROUTE_INVALID;
		return;
	case SJ_ADDR_AUTOBIND:
		snprintf(d->address, sizeof(d->address), "@");
		snprintf(d->rule, sizeof(d->rule), "autobind %s", s->autobind == SJ_AUTOBIND_ALLOW ? "allow" : "deny");
		d->verdict = s->autobind == SJ_AUTOBIND_ALLOW ? SJ_VERDICT_ALLOW : SJ_VERDICT_DENY;
		d->route = SJ_ROUTE_DIRECT;
		break;
	case SJ_ADDR_ABSTRACT: {
		sockaddr_escape(a.name, a.name_len, d->address, sizeof(d->address));
		int m = sockaddr_match_abstract(a.name, a.name_len, s->abstract_allow.v, s->abstract_allow.n);
		if (m >= 0) {
			snprintf(d->rule, sizeof(d->rule), "abstract-allow %s", s->abstract_allow.v[m]);
			d->verdict = SJ_VERDICT_ALLOW;
		} else {
			static const char *const words[] = { "deny", "allow", "log" };
			snprintf(d->rule, sizeof(d->rule), "abstract %s", words[s->abstract]);
			d->verdict = s->abstract == SJ_ABSTRACT_DENY	? SJ_VERDICT_DENY
				     : s->abstract == SJ_ABSTRACT_ALLOW ? SJ_VERDICT_ALLOW
									: SJ_VERDICT_LOG;
			d->logged_abstract = d->verdict == SJ_VERDICT_LOG;
		}
		d->route = SJ_ROUTE_DIRECT;
		break;
	}
	case SJ_ADDR_PATHNAME:
		sockaddr_escape(a.name, a.name_len, d->address, sizeof(d->address));
		d->name = a.name;
		d->name_len = a.name_len;
		d->check_run_dirs = s->pathname_bind == SJ_PATHNAME_BIND_RUN_DIRS;
		snprintf(d->rule, sizeof(d->rule), "pathname-bind %s", d->check_run_dirs ? "run-dirs" : "any");
		d->verdict = SJ_VERDICT_ALLOW;
		break;
	case SJ_ADDR_INET:
		format_inet(buf, addrlen, d->address, sizeof(d->address));
		snprintf(d->rule, sizeof(d->rule), "inet");
		d->verdict = SJ_VERDICT_ALLOW;
		/*
		 * No permission check applies to an unprivileged port, so the
		 * supervisor may bind it itself; privileged ones go through the
		 * executor with the target's capabilities.
		 */
		if (a.port == 0 ||
		    (a.port >= unpriv_port_start && !(s->cap_keep & (UINT64_C(1) << 12 /* CAP_NET_ADMIN */))))
			d->route = SJ_ROUTE_DIRECT;
		break;
	case SJ_ADDR_OTHER:
		snprintf(d->address, sizeof(d->address), "family %d", domain);
		snprintf(d->rule, sizeof(d->rule), "other");
		d->verdict = SJ_VERDICT_ALLOW;
		break;
	}
	/* An abstract name lands in the socket's netns: it must be the sandbox's (the caller checks). */
	d->needs_own_netns = kind == SJ_ADDR_ABSTRACT || kind == SJ_ADDR_AUTOBIND;
	if (d->verdict == SJ_VERDICT_DENY)
		d->route = SJ_ROUTE_DENY;
}

int policy_bridge_pattern(const struct sj_settings *s, const unsigned char *name, size_t len)
{
	return sockaddr_match_abstract(name, len, s->abstract_bridge.v, s->abstract_bridge.n);
}

bool policy_connect_notified(const struct sj_settings *s)
{
	return s->abstract_bridge.n > 0 || (s->net == SJ_NET_HOST && s->abstract_connect == SJ_ABSTRACT_CONNECT_DENY);
}

void policy_connect(const struct sj_settings *s, int domain, const void *buf, int addrlen,
		    const struct sj_strv *own, struct sj_connect_decision *d)
{
	struct sj_addr a;
	memset(d, 0, sizeof(*d));
	d->route = SJ_CONNECT_CONTINUE;
	d->pattern = -1;
	/* Anything but an abstract name: the kernel decides, on its own reading. */
	if (domain != AF_UNIX || sockaddr_classify(domain, addrlen > 0 ? buf : NULL, addrlen, &a) != SJ_ADDR_ABSTRACT)
		return;
	sockaddr_escape(a.name, a.name_len, d->address, sizeof(d->address));
	int m = policy_bridge_pattern(s, a.name, a.name_len);
	if (m >= 0) {
		d->route = SJ_CONNECT_BRIDGE;
		d->pattern = m;
		snprintf(d->rule, sizeof(d->rule), "abstract-bridge %s", s->abstract_bridge.v[m]);
		return;
	}
	if (s->net != SJ_NET_HOST || s->abstract_connect != SJ_ABSTRACT_CONNECT_DENY)
		return;
	for (size_t i = 0; own && i < own->n; i++)
		if (strcmp(own->v[i], d->address) == 0) {
			snprintf(d->rule, sizeof(d->rule), "own name");
			return;
		}
	/* As if the name did not exist: Xlib and libxcb then try the pathname socket. */
	d->route = SJ_CONNECT_REFUSE;
	snprintf(d->rule, sizeof(d->rule), "abstract-connect deny");
}
