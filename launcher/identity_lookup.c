// SPDX-License-Identifier: MIT
/* The user database, read through NSS: the only file that calls getpw*, getgr*. */
#include "identity_lookup.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static int lookup_group(const char *name, gid_t *gid, char *err, size_t errlen, const char *what)
{
	unsigned n;
	bool is_name;
	if (identity_parse(name, &n, &is_name, err, errlen) < 0)
		return -EINVAL;
	if (!is_name) {
		*gid = (gid_t)n;
		return 0;
	}
	errno = 0;
	struct group *gr = getgrnam(name);
	if (!gr) {
		int e = errno;
		/* getgrnam() reports "no such group" as 0, ENOENT, ESRCH, EBADF or EPERM. */
		if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM) {
			snprintf(err, errlen, "%s %s: no such group in the user database (getent group %s)", what,
				 name, name);
			return -ENOENT;
		}
		snprintf(err, errlen, "%s %s: looking up the group: %s", what, name, strerror(e));
		return -e;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* The user's supplementary groups, the primary one included, as getgrouplist(3) lists them. */
static int user_groups(const char *user, gid_t primary, struct sj_identity *out, char *err, size_t errlen)
{
	int n = 64;
	for (int tries = 0; tries < 8; tries++) {
		_cleanup_free_ gid_t *g = calloc((size_t)n, sizeof(*g));
		int want = n;
		if (!g)
			return -ENOMEM;
		if (getgrouplist(user, primary, g, &want) >= 0) {
			for (int i = 0; i < want; i++) {
				int r = identity_add_group(out, g[i]);
				if (r < 0) {
					snprintf(err, errlen, "--uid %s: too many groups", user);
					return r;
				}
			}
			return 0;
		}
		/* The list grew between calls (or want is the size it needs). */
		n = want > n && want <= SJ_GROUPS_MAX ? want : n * 2;
		if (n > SJ_GROUPS_MAX)
			break;
	}
	snprintf(err, errlen, "--uid %s: the user database lists too many groups", user);
	return -E2BIG;
}

int identity_resolve(const struct sj_settings *s, uid_t caller_uid, gid_t caller_gid, struct sj_identity *out,
		     char *err, size_t errlen)
{
	struct sj_identity id = { .uid = s->uid_set && !s->uid_name ? s->uid : caller_uid,
				  .gid = s->gid_set && !s->gid_name ? s->gid : caller_gid };
	int r;

	if (s->uid_name) {
		errno = 0;
		struct passwd *pw = getpwnam(s->uid_name);
		if (!pw) {
			int e = errno;
			if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM) {
				snprintf(err, errlen, "--uid %s: no such user in the user database (getent passwd %s)",
					 s->uid_name, s->uid_name);
				return -ENOENT;
			}
			snprintf(err, errlen, "--uid %s: looking up the user: %s", s->uid_name, strerror(e));
			return -e;
		}
		id.uid = pw->pw_uid;
		/* As runuser -u USER: the primary group comes with the user. */
		if (!s->gid_set)
			id.gid = pw->pw_gid;
		if (identity_wants_user_groups(s)) {
			/* pw points into NSS's static buffer: copy before the next lookup. */
			_cleanup_free_ char *name = strdup(pw->pw_name);
			if (!name)
				return -ENOMEM;
			if ((r = user_groups(name, id.gid, &id, err, errlen)) < 0) {
				identity_free(&id);
				return r;
			}
			id.groups_given = true;
		}
	}
	if (s->gid_name && (r = lookup_group(s->gid_name, &id.gid, err, errlen, "--gid")) < 0)
		return r;
	if (s->groups_set) {
		id.groups_given = true;
		for (size_t i = 0; i < s->groups.n; i++) {
			gid_t g;
			if ((r = lookup_group(s->groups.v[i], &g, err, errlen, "--groups")) < 0 ||
			    (r = identity_add_group(&id, g)) < 0) {
				identity_free(&id);
				return r;
			}
		}
	}
	*out = id;
	return 0;
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

int identity_check_here(const struct sj_identity *id, bool groups_explicit, char *err, size_t errlen)
{
	bool ok;
	int r;
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
