// SPDX-License-Identifier: MIT
#include "learn.h"
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int learn_add(struct sj_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return 0;
	return strv_push(v, s);
}

void learn_free(struct sj_learned *l)
{
	strv_free(&l->abstract);
	strv_free(&l->bridged);
	strv_free(&l->abstract_connects);
	strv_free(&l->connects);
	strv_free(&l->binds);
}

/* fnmatch(3) without escapes: a bracket expression makes *, ? and [ literal. */
static void put_literal_pattern(FILE *out, const char *name)
{
	for (const char *c = name; *c; c++) {
		if (*c == '*' || *c == '?' || *c == '[')
			fprintf(out, "[%c]", *c);
		else
			fputc(*c, out);
	}
}

/* One "abstract-bridge" line for name, glob characters made literal; commented out when not bridged. */
static int put_bridge(FILE *out, const char *name, bool commented)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	put_literal_pattern(m, name);
	fclose(m);
	if (commented)
		fprintf(out, "# connect()ed, not bridged; to reach the host's, uncomment:\n# ");
	int r = profile_print_directive(out, "abstract-bridge", buf);
	free(buf);
	return r;
}

/*
 * The --abstract-bridge patterns the run had, a line per name bridged
 * beyond them (none: they all matched one), and, commented out, one per
 * other abstract name connect()ed that the run did not bind itself.
 */
static int write_bridges(FILE *out, const struct sj_settings *s, const struct sj_learned *l)
{
	int r = 0;
	for (size_t i = 0; i < s->abstract_bridge.n && r >= 0; i++)
		r = profile_print_directive(out, "abstract-bridge", s->abstract_bridge.v[i]);
	for (size_t i = 0; i < l->abstract_connects.n && r >= 0; i++) {
		const char *name = l->abstract_connects.v[i];
		bool own = false;
		for (size_t k = 0; k < l->abstract.n && !own; k++)
			own = strcmp(l->abstract.v[k], name) == 0;
		for (size_t k = 0; k < l->bridged.n && !own; k++)
			own = strcmp(l->bridged.v[k], name) == 0;
		if (!own)
			r = put_bridge(out, name, true);
	}
	return r;
}

static bool covered_by(const struct sj_strv *dirs, const char *path)
{
	for (size_t i = 0; i < dirs->n; i++)
		if (path_is_under(path, dirs->v[i]))
			return true;
	return false;
}

int learn_write_profile(FILE *out, const struct sj_settings *s, const struct sj_learned *l, char *const *command,
			sj_stat_fn stat_host)
{
	struct sj_strv sockets = { 0 }, dirs = { 0 };
	int r = 0;

	for (size_t i = 0; i < s->run_sockets.n && r >= 0; i++)
		r = learn_add(&sockets, s->run_sockets.v[i]);
	for (size_t i = 0; i < s->run_dirs.n && r >= 0; i++)
		r = learn_add(&dirs, s->run_dirs.v[i]);
	/* A socket bound under /run needs its directory to be a run-dir. */
	for (size_t i = 0; i < l->binds.n && r >= 0; i++) {
		const char *p = l->binds.v[i];
		const char *slash = strrchr(p, '/');
		if (covered_by(&dirs, p) || !slash || slash - p <= 4 /* "/run" itself */)
			continue;
		char *dir = strndup(p, (size_t)(slash - p));
		if (!dir) {
			r = -ENOMEM;
			break;
		}
		r = learn_add(&dirs, dir);
		free(dir);
	}
	for (size_t i = 0; i < l->connects.n && r >= 0; i++) {
		struct stat st;
		const char *p = l->connects.v[i];
		if (covered_by(&dirs, p) || covered_by(&sockets, p))
			continue;
		/* Only what exists on the host can be bind-mounted in. */
		if (stat_host(p, &st) == 0 && (S_ISSOCK(st.st_mode) || S_ISDIR(st.st_mode)))
			r = learn_add(&sockets, p);
	}
	if (r < 0)
		goto out;

	fprintf(out, "# Written by sockjail --learn from a run of:\n#");
	for (char *const *a = command; a && *a; a++)
		fprintf(out, " %s", *a);
	fprintf(out, "\n# Review it before use: it allows what that run did, nothing more.\n");
	fprintf(out, "sockjail-profile 1\n");
	if (s->net == SJ_NET_VETH)
		fprintf(out, "net veth:%s\n", s->net_veth);
	else
		fprintf(out, "net %s\n", s->net == SJ_NET_HOST ? "host" : "none");
	for (size_t i = 0; i < sockets.n && r >= 0; i++)
		r = profile_print_directive(out, "run-socket", sockets.v[i]);
	for (size_t i = 0; i < dirs.n && r >= 0; i++)
		r = profile_print_directive(out, "run-dir", dirs.v[i]);
	fprintf(out, "abstract deny\n");
	/* Patterns the run already had (a profile being extended) stay as they are. */
	for (size_t i = 0; i < s->abstract_allow.n && r >= 0; i++)
		r = profile_print_directive(out, "abstract-allow", s->abstract_allow.v[i]);
	for (size_t i = 0; i < l->abstract.n && r >= 0; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (!m) {
			r = -ENOMEM;
			goto out;
		}
		put_literal_pattern(m, l->abstract.v[i]);
		fclose(m);
		r = profile_print_directive(out, "abstract-allow", buf);
		free(buf);
	}
	if (r < 0)
		goto out;
	if ((r = write_bridges(out, s, l)) < 0)
		goto out;
	fprintf(out, "autobind %s\n", s->autobind == SJ_AUTOBIND_ALLOW ? "allow" : "deny");
	if (fflush(out) != 0)
		r = -errno;
out:
	strv_free(&sockets);
	strv_free(&dirs);
	return r;
}
