/* SPDX-License-Identifier: MIT */
/* Formatting of bind decisions: pure, so every byte sequence is testable. */
#pragma once

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

enum sj_verdict { SJ_VERDICT_ALLOW, SJ_VERDICT_DENY, SJ_VERDICT_LOG };

struct sj_audit_event {
	struct timespec ts; /* CLOCK_REALTIME */
	pid_t pid;          /* as the host sees it */
	const char *comm;   /* may hold any bytes, at most 16 */
	const char *syscall; /* "bind" */
	int family;         /* AF_* from SO_DOMAIN, or -1 if unknown */
	const char *kind;   /* "abstract", "pathname", "autobind", "inet", "other", "invalid" */
	const char *address; /* already escaped (sockaddr_escape) or formatted */
	enum sj_verdict verdict;
	const char *rule;   /* the setting that decided, e.g. "abstract deny" */
};

/* "2026-11-24T21:13:40.123456Z": RFC 3339, UTC, microseconds. */
void audit_format_ts(const struct timespec *ts, char out[64]);

const char *audit_verdict_name(enum sj_verdict v);
/* "AF_UNIX", "AF_INET", ... or "AF_<n>". Writes into buf. */
const char *audit_family_name(int family, char *buf, size_t len);

/*
 * One JSON object, no trailing newline: {"ts":"2026-11-24T21:13:40.123456Z",
 * "pid":42,"comm":"server","syscall":"bind","family":"AF_UNIX",
 * "kind":"abstract","address":"@name","decision":"deny","rule":"abstract deny"}
 * Valid JSON for any bytes in comm and address (control and non-ASCII bytes
 * as \u00XX). Returns the length it needed, like snprintf.
 */
size_t audit_format_json(char *buf, size_t len, const struct sj_audit_event *ev);

/* The stderr line without the "sockjail: " prefix and newline:
 * denied bind @name (pid 42, comm "server") */
size_t audit_format_denial(char *buf, size_t len, const struct sj_audit_event *ev);
