/* SPDX-License-Identifier: MIT */
/*
 * The gate's decisions, as pure functions of the settings and of the
 * supervisor's one copy of an address: no syscall, no state. The
 * supervisor (notify.c), --learn and the exposure report ask the same
 * questions here, so they cannot disagree.
 */
#pragma once

#include <stdbool.h>

#include "audit.h"
#include "settings.h"
#include "sockaddr.h"

/* Where an allowed bind is performed. */
enum sj_route {
	SJ_ROUTE_INVALID,  /* the kernel would refuse the address itself: answer err */
	SJ_ROUTE_DENY,	   /* the policy refuses it */
	SJ_ROUTE_DIRECT,   /* allowed, and no permission check applies: the supervisor binds */
	SJ_ROUTE_EXECUTOR, /* allowed, as far as the kernel lets the target: the executor binds */
};

struct sj_bind_decision {
	enum sj_route route;
	enum sj_verdict verdict;
	enum sj_addr_kind kind;
	int err;	       /* SJ_ROUTE_INVALID: the negative errno */
	bool check_run_dirs;   /* --pathname-bind run-dirs applies (the executor checks) */
	bool logged_abstract;  /* an abstract name allowed by --abstract log (--learn records it) */
	bool needs_own_netns;  /* abstract or autobind: only in the sandbox's network namespace */
	/* PATHNAME: the path as named (for --learn); points into the caller's buffer. */
	const unsigned char *name;
	size_t name_len;
	char address[SJ_ESCAPED_MAX + 16];
	char rule[SJ_ESCAPED_MAX + 32];
};

/* The kind's word in audit records ("abstract", "pathname", ...). */
const char *policy_kind_name(enum sj_addr_kind k);

/*
 * The verdict on one bind() of an address of buf[0..addrlen) on a socket
 * of family domain (the socket's own, SO_DOMAIN), and where to perform it.
 * unpriv_port_start: ip_unprivileged_port_start of the sandbox's netns.
 */
void policy_bind(const struct sj_settings *s, int unpriv_port_start, int domain, const void *buf, int addrlen,
		 struct sj_bind_decision *d);

/* What the supervisor does with one connect() (the filter sends it only when policy_connect_notified()). */
enum sj_connect_route {
	SJ_CONNECT_CONTINUE, /* let it go on: it reaches only what it could reach anyway */
	SJ_CONNECT_BRIDGE,   /* perform it in sockjail's netns, as COMMAND's user (--abstract-bridge) */
	SJ_CONNECT_REFUSE,   /* ECONNREFUSED: a host name, not the sandbox's own nor bridged (--net host) */
};

struct sj_connect_decision {
	enum sj_connect_route route;
	int pattern; /* SJ_CONNECT_BRIDGE: the index of the --abstract-bridge pattern */
	char address[SJ_ESCAPED_MAX + 16];
	char rule[SJ_ESCAPED_MAX + 32];
};

/*
 * The --abstract-bridge pattern the abstract name[0..len) (leading NUL
 * included) matches, or -1: what connect() bridges, and what the exposure
 * report calls reachable through the bridge.
 */
int policy_bridge_pattern(const struct sj_settings *s, const unsigned char *name, size_t len);

/* Does the filter send connect() to the supervisor? Only when a decision below can differ from CONTINUE. */
bool policy_connect_notified(const struct sj_settings *s);

/*
 * The decision on one connect() to buf[0..addrlen) on a socket of family
 * domain (SO_DOMAIN). own: the escaped abstract names the gate let the
 * sandbox bind under --net host (its "own", reachable as they are).
 */
void policy_connect(const struct sj_settings *s, int domain, const void *buf, int addrlen,
		    const struct sj_strv *own, struct sj_connect_decision *d);
