// SPDX-License-Identifier: MIT
/*
 * The user database, read through getent (getent_run.c; see identity_lookup.h):
 * the only file that looks names up.
 */
#include "identity_lookup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "identity_getent.h"
#include "util.h"

/* At most this many `getent group` run at once for a --groups list. */
#define GROUPS_IN_FLIGHT 8

static void identity_getent_cancelp(struct identity_getent_query *q)
{
	identity_getent_cancel(q);
}

/*
 * Why a lookup of KEY in DATABASE gave no answer, as the rest of
 * "WHAT KEY: looking up the NOUN: ...". start_or_read is the error of
 * identity_getent_start() or _finish(), else a is the answer.
 */
static int lookup_failed(char *err, size_t errlen, const char *what, const char *key, const char *noun,
			 const char *database, int start_or_read, const struct identity_getent_answer *a)
{
	const char *getent = SJ_GETENT;
	if (start_or_read < 0) {
		snprintf(err, errlen,
			 "%s %s: looking up the %s: cannot run %s (%s): install getent there (Debian: libc-bin), "
			 "build sockjail with make GETENT=PATH, or give a number",
			 what, key, noun, getent, strerror(-start_or_read));
		return start_or_read;
	}
	if (a->timed_out) {
		snprintf(err, errlen,
			 "%s %s: looking up the %s: `%s %s %s` gave no answer within %d s: check the service behind "
			 "the user database (/etc/nsswitch.conf: sssd, nslcd, systemd-userdbd), or give a number",
			 what, key, noun, getent, database, key, SJ_GETENT_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	if (WIFEXITED(a->status) && WEXITSTATUS(a->status) == 2) {
		snprintf(err, errlen, "%s %s: no such %s in the user database (getent %s %s)", what, key, noun, database,
			 key);
		return -ENOENT;
	}
	if (WIFSIGNALED(a->status)) {
		snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` was killed by signal %d: run it to see why",
			 what, key, noun, getent, database, key, WTERMSIG(a->status));
		return -EIO;
	}
	if (WIFEXITED(a->status) && WEXITSTATUS(a->status) != 0) {
		snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` failed (exit status %d): run it to see why%s",
			 what, key, noun, getent, database, key, WEXITSTATUS(a->status),
			 WEXITSTATUS(a->status) == 1 ? " (1: it does not know that database; sockjail needs glibc's getent)"
						     : "");
		return -EIO;
	}
	snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` printed %s: run it to see what it prints", what,
		 key, noun, getent, database, key,
		 a->truncated ? "more than sockjail reads" : "something that is not its usual one line");
	return -EBADMSG;
}

/* The groups named in items (names or numbers), in order, into gids. */
static int lookup_groups(const char *what, char *const *items, size_t n, gid_t *gids, char *err, size_t errlen)
{
	_cleanup_free_ bool *named = calloc(n ? n : 1, sizeof(*named));
	struct identity_getent_query q[GROUPS_IN_FLIGHT];
	size_t started = 0;
	int r = 0;

	if (!named)
		return -ENOMEM;
	for (size_t i = 0; i < GROUPS_IN_FLIGHT; i++)
		q[i] = (struct identity_getent_query){ .pidfd = -1, .out = -1 };
	for (size_t i = 0; i < n; i++) {
		unsigned num;
		if (identity_parse(items[i], &num, &named[i], err, errlen) < 0)
			return -EINVAL;
		if (!named[i])
			gids[i] = (gid_t)num;
	}
	/* A window of lookups running at once; each answer is taken in order. */
	for (size_t i = 0; i < n && r == 0; i++) {
		for (; started < n && started < i + GROUPS_IN_FLIGHT && r == 0; started++)
			if (named[started] && (r = identity_getent_start(SJ_GETENT, "group", items[started],
									 SJ_GETENT_TIMEOUT_MS,
									 &q[started % GROUPS_IN_FLIGHT])) < 0)
				r = lookup_failed(err, errlen, what, items[started], "group", "group", r, NULL);
		if (r < 0 || !named[i])
			continue;
		struct identity_getent_answer a;
		if ((r = identity_getent_finish(&q[i % GROUPS_IN_FLIGHT], &a)) < 0) {
			r = lookup_failed(err, errlen, what, items[i], "group", "group", r, NULL);
			break;
		}
		if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0 ||
		    identity_getent_parse_group(a.out, a.len, a.truncated, &gids[i]) < 0)
			r = lookup_failed(err, errlen, what, items[i], "group", "group", 0, &a);
		identity_getent_answer_free(&a);
	}
	for (size_t i = 0; i < GROUPS_IN_FLIGHT; i++)
		identity_getent_cancel(&q[i]);
	return r;
}

/*
 * The user's groups, as getgrouplist(3) lists them: the primary group
 * first, then what `getent initgroups` (which leaves the primary out) says.
 */
static int user_groups(const char *key, const char *user, gid_t primary, struct identity_getent_query *q,
		       struct sj_identity *out, char *err, size_t errlen)
{
	struct identity_getent_answer a;
	_cleanup_free_ gid_t *g = NULL;
	size_t n = 0;
	int r;

	if ((r = identity_getent_finish(q, &a)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0) {
		r = lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", 0, &a);
		identity_getent_answer_free(&a);
		return r;
	}
	r = identity_getent_parse_initgroups(a.out, a.len, a.truncated, user, &g, &n);
	if (r == -E2BIG)
		snprintf(err, errlen, "--uid %s: the user database lists too many groups", key);
	else if (r < 0)
		r = lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", 0, &a);
	identity_getent_answer_free(&a);
	if (r < 0)
		return r;
	if ((r = identity_add_group(out, primary)) < 0)
		goto too_many;
	for (size_t i = 0; i < n; i++)
		if ((r = identity_add_group(out, g[i])) < 0)
			goto too_many;
	return 0;
too_many:
	snprintf(err, errlen, "--uid %s: too many groups", key);
	return r;
}

/* --uid USER: its ids, and its groups when they come with it. */
static int lookup_user(const struct sj_settings *s, struct sj_identity *id, char *err, size_t errlen)
{
	const char *key = s->uid_name;
	bool want_groups = identity_wants_user_groups(s);
	_cleanup_(identity_getent_cancelp) struct identity_getent_query pq = { .pidfd = -1, .out = -1 };
	_cleanup_(identity_getent_cancelp) struct identity_getent_query gq = { .pidfd = -1, .out = -1 };
	struct identity_getent_answer a;
	struct sj_getent_user user;
	int r;

	/*
	 * Both at once: two short processes in parallel, not one after the
	 * other. The groups are asked for by the name as given; should the
	 * database spell it otherwise, they are asked for again below.
	 */
	if ((r = identity_getent_start(SJ_GETENT, "passwd", key, SJ_GETENT_TIMEOUT_MS, &pq)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user", "passwd", r, NULL);
	if (want_groups && (r = identity_getent_start(SJ_GETENT, "initgroups", key, SJ_GETENT_TIMEOUT_MS, &gq)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	if ((r = identity_getent_finish(&pq, &a)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user", "passwd", r, NULL);
	if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0 ||
	    identity_getent_parse_passwd(a.out, a.len, a.truncated, &user) < 0) {
		r = lookup_failed(err, errlen, "--uid", key, "user", "passwd", 0, &a);
		identity_getent_answer_free(&a);
		return r;
	}
	identity_getent_answer_free(&a);
	id->uid = user.uid;
	/* As runuser -u USER: the primary group comes with the user. */
	if (!s->gid_set)
		id->gid = user.gid;
	if (!want_groups)
		return 0;
	/* getgrouplist(3) takes the name the database gave (nss_ldap may match "Alice" for "alice"). */
	if (strcmp(user.name, key) != 0) {
		identity_getent_cancel(&gq);
		if ((r = identity_getent_start(SJ_GETENT, "initgroups", user.name, SJ_GETENT_TIMEOUT_MS, &gq)) < 0)
			return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	}
	if ((r = user_groups(key, user.name, id->gid, &gq, id, err, errlen)) < 0)
		return r;
	id->groups_given = true;
	return 0;
}

int identity_resolve(const struct sj_settings *s, uid_t caller_uid, gid_t caller_gid, struct sj_identity *out,
		     char *err, size_t errlen)
{
	struct sj_identity id = { .uid = s->uid_set && !s->uid_name ? s->uid : caller_uid,
				  .gid = s->gid_set && !s->gid_name ? s->gid : caller_gid };
	int r;

	if (s->uid_name && (r = lookup_user(s, &id, err, errlen)) < 0)
		goto fail;
	if (s->gid_name && (r = lookup_groups("--gid", &s->gid_name, 1, &id.gid, err, errlen)) < 0)
		goto fail;
	if (s->groups_set) {
		_cleanup_free_ gid_t *g = calloc(s->groups.n ? s->groups.n : 1, sizeof(*g));
		if (!g) {
			r = -ENOMEM;
			goto fail;
		}
		id.groups_given = true;
		if ((r = lookup_groups("--groups", s->groups.v, s->groups.n, g, err, errlen)) < 0)
			goto fail;
		for (size_t i = 0; i < s->groups.n; i++)
			if ((r = identity_add_group(&id, g[i])) < 0) {
				snprintf(err, errlen, "--groups: more than %d groups", SJ_GROUPS_MAX);
				goto fail;
			}
	}
	*out = id;
	return 0;
fail:
	identity_free(&id);
	return r;
}

/* Is id inside one of the ranges of a /proc/self/[ug]id_map? */
static int id_mapped(const char *map, unsigned id, bool *mapped)
{
	_cleanup_fclose_ FILE *f = fopen(map, "re");
	unsigned inside, outside, count;
	if (!f)
		return -errno;
	*mapped = false;
	while (fscanf(f, "%u %u %u", &inside, &outside, &count) == 3)
		if (id >= inside && id - inside < count)
			*mapped = true;
	return 0;
}

int identity_check_here(const struct sj_identity *id, uid_t caller_uid, gid_t caller_gid, bool groups_explicit,
			char *err, size_t errlen)
{
	bool ok;
	int r;
	/*
	 * Our own uid and gid are mapped in our user namespace unless they
	 * show as the overflow id: with no other id and no group there is
	 * nothing to read in /proc (a new process's first /proc lookups cost
	 * tens of microseconds each, and this is every default start-up).
	 */
	if (id->uid == caller_uid && id->gid == caller_gid && id->n_groups == 0 && !groups_explicit &&
	    id->uid != SJ_OVERFLOW_ID && id->gid != SJ_OVERFLOW_ID)
		return 0;
	/*
	 * set*id() and setgroups() take only ids mapped in our own user
	 * namespace (nested in a container, often just 0): say so now, not
	 * with EINVAL from inside the sandbox.
	 */
	if ((r = id_mapped("/proc/self/uid_map", id->uid, &ok)) < 0 && r != -ENOENT)
		return r;
	if (r == 0 && !ok) {
		snprintf(err, errlen, "--uid: uid %u is not mapped in sockjail's user namespace (see /proc/self/uid_map)",
			 (unsigned)id->uid);
		return -EINVAL;
	}
	for (size_t i = 0; i <= id->n_groups; i++) {
		gid_t g = i == id->n_groups ? id->gid : id->groups[i];
		if ((r = id_mapped("/proc/self/gid_map", g, &ok)) < 0 && r != -ENOENT)
			return r;
		if (r == 0 && !ok) {
			snprintf(err, errlen, "%s: gid %u is not mapped in sockjail's user namespace (see /proc/self/gid_map)",
				 i == id->n_groups ? "--gid" : "--groups", (unsigned)g);
			return -EINVAL;
		}
	}
	/* A user namespace made with setgroups "deny" keeps the groups it has. */
	char buf[16] = "";
	_cleanup_fclose_ FILE *f = fopen("/proc/self/setgroups", "re");
	if (groups_explicit && f && fgets(buf, sizeof(buf), f) && strncmp(buf, "deny", 4) == 0) {
		snprintf(err, errlen, "--groups: supplementary groups cannot be set here (/proc/self/setgroups is "
				      "\"deny\" in sockjail's user namespace); leave --groups out");
		return -EPERM;
	}
	return 0;
}
