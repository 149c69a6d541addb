// SPDX-License-Identifier: MIT
/* getent(1)'s passwd, group and initgroups lines, parsed. Pure. */
#include "identity_getent.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"

/*
 * An id as getent prints it: decimal digits only. (uid_t)-1 is "no id" to
 * the set*id() calls, and a negative number is what a 32-bit getent's
 * "%ld" makes of a gid above 2^31: both refused, as is overflow.
 */
static int parse_id(const char *s, size_t n, unsigned *id)
{
	uint64_t v = 0;
	if (n == 0 || n > 10)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v >= UINT32_MAX)
		return -EBADMSG;
	*id = (unsigned)v;
	return 0;
}

/*
 * The one line of getent's answer for one key: getent ends it with '\n'
 * and prints nothing else, so a second line (or a NUL, which "%s" cannot
 * print) means the output is not getent's answer. Cut short, the line
 * may lack its end.
 */
static int answer_line(const char *out, size_t len, bool truncated, size_t *line_len)
{
	if (memchr(out, '\0', len))
		return -EBADMSG;
	const char *nl = memchr(out, '\n', len);
	if (nl) {
		if (truncated || (size_t)(nl - out) + 1 != len)
			return -EBADMSG;
		*line_len = (size_t)(nl - out);
		return 0;
	}
	if (!truncated)
		return -EBADMSG;
	*line_len = len;
	return 0;
}

/*
 * Splits the first n_fields ':'-terminated fields of line off into
 * start[i]/flen[i]. Each must end with ':' inside the line: the fields
 * wanted are never the last of a passwd or group line, so a field that
 * runs to the end of the line (or of a cut output) is missing its end.
 * Returns the number of ':' in the whole line, or -EBADMSG.
 */
static int split_fields(const char *line, size_t len, size_t n_fields, const char **start, size_t *flen)
{
	size_t pos = 0;
	for (size_t i = 0; i < n_fields; i++) {
		const char *colon = memchr(line + pos, ':', len - pos);
		if (!colon)
			return -EBADMSG;
		start[i] = line + pos;
		flen[i] = (size_t)(colon - (line + pos));
		pos = (size_t)(colon - line) + 1;
	}
	int colons = (int)n_fields;
	for (size_t i = pos; i < len; i++)
		colons += line[i] == ':';
	return colons;
}

int identity_getent_parse_passwd(const char *out, size_t len, bool truncated, struct sj_getent_user *user)
{
	const char *f[4];
	size_t fl[4], n;
	unsigned uid, gid;
	int r;

	if ((r = answer_line(out, len, truncated, &n)) < 0)
		return r;
	if ((r = split_fields(out, n, 4, f, fl)) < 0)
		return r;
	/* Seven fields; a gecos from a directory may hold ':' of its own. */
	if (!truncated && r < 6)
		return -EBADMSG;
	if (fl[0] == 0 || fl[0] > SJ_GETENT_NAME_MAX)
		return -EBADMSG;
	if (parse_id(f[2], fl[2], &uid) < 0 || parse_id(f[3], fl[3], &gid) < 0)
		return -EBADMSG;
	user->uid = (uid_t)uid;
	user->gid = (gid_t)gid;
	memcpy(user->name, f[0], fl[0]);
	user->name[fl[0]] = '\0';
	return 0;
}

int identity_getent_parse_group(const char *out, size_t len, bool truncated, gid_t *gid)
{
	const char *f[3];
	size_t fl[3], n;
	unsigned id;
	int r;

	if ((r = answer_line(out, len, truncated, &n)) < 0)
		return r;
	/* name:password:gid:members; the members may be cut off, the gid not. */
	if ((r = split_fields(out, n, 3, f, fl)) < 0)
		return r;
	if (fl[0] == 0 || parse_id(f[2], fl[2], &id) < 0)
		return -EBADMSG;
	*gid = (gid_t)id;
	return 0;
}

int identity_getent_parse_initgroups(const char *out, size_t len, bool truncated, const char *name, gid_t **gids,
				     size_t *n)
{
	size_t name_len = strlen(name), line_len, pos, count = 0, cap = 0;
	gid_t *v = NULL;
	int r;

	/* Every gid counts: a list cut short would drop groups silently. */
	if (truncated)
		return -E2BIG;
	if ((r = answer_line(out, len, false, &line_len)) < 0)
		return r;
	if (name_len == 0 || line_len < name_len || memcmp(out, name, name_len) != 0 ||
	    (line_len > name_len && out[name_len] != ' '))
		return -EBADMSG;
	for (pos = name_len; pos < line_len;) {
		if (out[pos] == ' ') {
			pos++;
			continue;
		}
		size_t end = pos;
		while (end < line_len && out[end] != ' ')
			end++;
		unsigned id;
		if (parse_id(out + pos, end - pos, &id) < 0) {
			free(v);
			return -EBADMSG;
		}
		if (count == SJ_GROUPS_MAX) {
			free(v);
			return -E2BIG;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			gid_t *grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				free(v);
				return -ENOMEM;
			}
			v = grown;
		}
		v[count++] = (gid_t)id;
		pos = end;
	}
	*gids = v;
	*n = count;
	return 0;
}
