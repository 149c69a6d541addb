// SPDX-License-Identifier: MIT
/* --uid, --gid, --groups: parsing and the decision rules. Pure. */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* Longest name accepted: LOGIN_NAME_MAX - 1 on Linux. */
#define NAME_MAX_LEN 255

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (first)
		return false;
	return (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	/* Samba machine accounts end in '$'. */
	if (s[n - 1] == '$')
		n--;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i], i == 0))
			return false;
	return true;
}

int identity_parse(const char *arg, unsigned *num, bool *is_name, char *err, size_t errlen)
{
	bool digits = arg[0] != '\0';
	for (const char *c = arg; *c; c++)
		digits = digits && *c >= '0' && *c <= '9';
	if (digits) {
		errno = 0;
		char *end = NULL;
		unsigned long v = strtoul(arg, &end, 10);
		if (*end || errno || v >= 0xffffffffUL) {
			snprintf(err, errlen, "expected a number from 0 to 4294967294 or a name");
			return -EINVAL;
		}
		*num = (unsigned)v;
		*is_name = false;
		return 0;
	}
	if (!name_valid(arg)) {
		snprintf(err, errlen, "expected a number from 0 to 4294967294 or a name");
		return -EINVAL;
	}
	*is_name = true;
	return 0;
}

int identity_parse_groups(const char *arg, struct sj_strv *out, char *err, size_t errlen)
{
	_cleanup_free_ char *copy = strdup(arg);
	struct sj_strv v = { 0 };
	int r = 0;

	if (!copy)
		return -ENOMEM;
	/* strsep: "a,,b" and a trailing comma are errors, not skipped. */
	for (char *rest = copy, *tok; (tok = strsep(&rest, ",")) != NULL;) {
		unsigned n;
		bool is_name;
		if (!*tok) {
			snprintf(err, errlen, "empty group in the list");
			r = -EINVAL;
			break;
		}
		if ((r = identity_parse(tok, &n, &is_name, err, errlen)) < 0) {
			char why[128];
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "group '%.64s': %s", tok, why);
			break;
		}
		if (v.n >= SJ_GROUPS_MAX) {
			snprintf(err, errlen, "more than %d groups", SJ_GROUPS_MAX);
			r = -E2BIG;
			break;
		}
		if ((r = strv_push(&v, tok)) < 0)
			break;
	}
	if (r < 0) {
		strv_free(&v);
		return r;
	}
	*out = v;
	return 0;
}

bool identity_wants_user_groups(const struct sj_settings *s)
{
	return s->uid_name && !s->gid_set && !s->groups_set;
}

void identity_free(struct sj_identity *id)
{
	free(id->groups);
	id->groups = NULL;
	id->n_groups = 0;
}

int identity_add_group(struct sj_identity *id, gid_t gid)
{
	for (size_t i = 0; i < id->n_groups; i++)
		if (id->groups[i] == gid)
			return 0;
	if (id->n_groups >= SJ_GROUPS_MAX)
		return -E2BIG;
	gid_t *g = realloc(id->groups, (id->n_groups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	g[id->n_groups++] = gid;
	id->groups = g;
	return 0;
}

static int map_line(gid_t g, char *buf, size_t len, size_t *used, size_t *lines)
{
	/* The kernel takes at most 340 lines (Linux 4.15+). */
	if (++*lines > 340)
		return -E2BIG;
	int w = snprintf(buf + *used, len - *used, "%u %u 1\n", (unsigned)g, (unsigned)g);
	if (w < 0 || (size_t)w >= len - *used)
		return -ENOSPC;
	*used += (size_t)w;
	return 0;
}

int identity_format_gid_map(gid_t gid, const gid_t *groups, size_t n_groups, char *buf, size_t len)
{
	size_t used = 0, lines = 0;
	int r;

	/* Root stays mapped: the sandbox's init runs as 0. Lines must not overlap. */
	if ((r = map_line(0, buf, len, &used, &lines)) < 0)
		return r;
	if (gid != 0 && (r = map_line(gid, buf, len, &used, &lines)) < 0)
		return r;
	for (size_t i = 0; i < n_groups; i++) {
		bool dup = groups[i] == 0 || groups[i] == gid;
		for (size_t j = 0; j < i && !dup; j++)
			dup = groups[j] == groups[i];
		if (!dup && (r = map_line(groups[i], buf, len, &used, &lines)) < 0)
			return r;
	}
	return 0;
}
