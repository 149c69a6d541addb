/* SPDX-License-Identifier: MIT */
/*
 * --uid/--gid/--groups names looked up in the user database (NSS), by
 * running getent(1).
 *
 * sockjail is linked statically, and glibc's NSS in a static binary
 * dlopen()s the NSS modules of the glibc it was built with, so a glibc
 * upgrade would break name lookups. getent is part of the host's libc
 * (Debian: libc-bin, Essential) and so always matches the host's NSS
 * modules and /etc/nsswitch.conf: LDAP, sssd and systemd-userdbd users
 * resolve as they do for any other program. Numeric ids never run it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "identity.h"
#include "settings.h"

/*
 * getent's absolute path, fixed when sockjail is built (make GETENT=...):
 * never searched for in the caller's $PATH, as sockjail often runs as root.
 */
#ifndef SJ_GETENT
#define SJ_GETENT "/usr/bin/getent"
#endif

/* How long one getent may take (a directory server that does not answer). */
#define SJ_GETENT_TIMEOUT_MS 30000

/* Output kept from one getent; the rest is read and dropped (truncated). */
#define SJ_GETENT_OUTPUT_MAX (4u << 20)

/*
 * The ids COMMAND runs as. Unset ids default to the caller's (uid, gid),
 * except that a --uid USER brings that user's primary group, and, when
 * neither --gid nor --groups is given, the user's supplementary groups
 * (getent initgroups, plus the primary group, as getgrouplist(3) lists
 * them). Called before anything is unshared: NSS modules may talk to
 * daemons (nscd, sssd, systemd-userdbd) that the sandbox cannot reach.
 * Returns 0, or a negative errno with the reason in err.
 */
int identity_resolve(const struct sj_settings *s, uid_t caller_uid, gid_t caller_gid, struct sj_identity *out,
		     char *err, size_t errlen);

/*
 * For a caller that is root in its user namespace (and so sets the ids
 * itself, or maps them one to one): every id must be mapped there, and
 * explicit groups need setgroups(2) allowed. Returns 0 or a negative errno
 * with err set.
 */
int identity_check_here(const struct sj_identity *id, bool groups_explicit, char *err, size_t errlen);

/*
 * One `GETENT DATABASE -- KEY` running: started by identity_getent_start(),
 * ended by identity_getent_finish() (or identity_getent_cancel(), which
 * kills it). Exported for the unit tests, which run a stand-in getent.
 */
struct identity_getent_query {
	pid_t pid;       /* 0: nothing running */
	int pidfd;
	int out;         /* read end of getent's stdout */
	struct timespec deadline; /* CLOCK_MONOTONIC */
};

struct identity_getent_answer {
	char *out;       /* what getent printed (malloc'd, NUL-terminated), at most SJ_GETENT_OUTPUT_MAX bytes */
	size_t len;
	bool truncated;  /* it printed more than that */
	bool timed_out;  /* killed at the deadline; status is then SIGKILL's */
	int status;      /* waitpid(2) status */
};

/*
 * Runs getent with stdin /dev/null, stdout a pipe, stderr /dev/null, no
 * other fd, default signal dispositions and mask, and an environment of
 * its own (nothing of the caller's: no LD_PRELOAD, no locale), with
 * sockjail's own credentials, as getpwnam(3) in sockjail would have
 * looked names up. Returns 0, or a negative errno (-ENOENT: no getent
 * there) with q untouched.
 */
int identity_getent_start(const char *getent, const char *database, const char *key, int timeout_ms,
			  struct identity_getent_query *q);

/*
 * Reads getent's output until it exits (or the deadline passes: then it is
 * killed), and reaps it. Returns 0 with *a filled, or a negative errno.
 * Either way q is done with.
 */
int identity_getent_finish(struct identity_getent_query *q, struct identity_getent_answer *a);

/* Kills and reaps a query that is still running; nothing if there is none. */
void identity_getent_cancel(struct identity_getent_query *q);

void identity_getent_answer_free(struct identity_getent_answer *a);
