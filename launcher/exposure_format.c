// SPDX-License-Identifier: MIT
/* --exposure's order, table and JSON document: pure. */
#include "exposure.h"

#include <stdlib.h>
#include <string.h>

static bool in_run(const struct sj_exposure_row *r)
{
	return r->sandbox_path && path_is_under(r->sandbox_path, "/run");
}

/* 0: reachable and someone else's (or root's, or unknown); 1: reachable, the sandbox user's; 2: the rest. */
static int danger(const struct sj_exposure *e, const struct sj_exposure_row *r)
{
	if (!hide_reach_reachable(r->reach))
		return 2;
	if (!r->has_uid || r->uid == 0 || r->uid != e->uid)
		return 0;
	return 1;
}

static const struct sj_exposure *sort_ctx;

static int cmp_rows(const void *a, const void *b)
{
	const struct sj_exposure_row *x = a, *y = b;
	int dx = danger(sort_ctx, x), dy = danger(sort_ctx, y);
	if (dx != dy)
		return dx - dy;
	if (x->abstract != y->abstract)
		return x->abstract - y->abstract;
	int c = strcmp(x->address, y->address);
	return c ? c : (x->inode > y->inode) - (x->inode < y->inode);
}

void exposure_sort(struct sj_exposure *e)
{
	sort_ctx = e;
	qsort(e->rows, e->n_rows, sizeof(*e->rows), cmp_rows);
	sort_ctx = NULL;
}

struct counts {
	size_t outside_run, in_run, abstract, hidden;
};

static struct counts count(const struct sj_exposure *e)
{
	struct counts c = { 0 };
	for (size_t i = 0; i < e->n_rows; i++) {
		const struct sj_exposure_row *r = &e->rows[i];
		if (r->reach == SJ_REACH_HIDDEN)
			c.hidden++;
		if (!hide_reach_reachable(r->reach))
			continue;
		if (r->abstract)
			c.abstract++;
		else if (in_run(r))
			c.in_run++;
		else
			c.outside_run++;
	}
	return c;
}

static const char *word(unsigned v, const char *const *words, size_t n)
{
	return v < n ? words[v] : "?";
}
#define WORD(v, ...) word((unsigned)(v), (const char *const[]){ __VA_ARGS__ }, \
			  sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static const char *net_word(const struct sj_settings *s)
{
	return WORD(s->net, "none", "host", "veth");
}

/* ---------- text ---------- */

enum { COL_REACH, COL_WHY, COL_TYPE, COL_PID, COL_COMM, COL_UID, COL_MODE, COL_ADDRESS, COL_BY, N_COLS };

static void row_cells(const struct sj_exposure_row *r, char cells[N_COLS][4 * 108 + 64])
{
	snprintf(cells[COL_REACH], sizeof(cells[0]), "%s", hide_reach_reachable(r->reach) ? "yes" : "no");
	snprintf(cells[COL_WHY], sizeof(cells[0]), "%s", hide_reach_name(r->reach));
	snprintf(cells[COL_TYPE], sizeof(cells[0]), "%s", r->type);
	if (r->pid > 0)
		snprintf(cells[COL_PID], sizeof(cells[0]), "%d", (int)r->pid);
	else
		snprintf(cells[COL_PID], sizeof(cells[0]), "unknown");
	/* comm may hold any byte: escaped, spaces too, so that a row splits into its columns. */
	char comm[16 * 4 + 2] = "-";
	if (r->pid > 0) {
		char *o = comm;
		for (const unsigned char *c = (const unsigned char *)r->comm; *c && c < (const unsigned char *)r->comm + 16; c++)
			o += *c > ' ' && *c < 0x7f && *c != '\\' ? sprintf(o, "%c", *c) : sprintf(o, "\\x%02x", *c);
		*o = '\0';
	}
	snprintf(cells[COL_COMM], sizeof(cells[0]), "%s", comm);
	if (r->has_uid)
		snprintf(cells[COL_UID], sizeof(cells[0]), "%u", (unsigned)r->uid);
	else
		snprintf(cells[COL_UID], sizeof(cells[0]), "unknown");
	if (r->has_file)
		snprintf(cells[COL_MODE], sizeof(cells[0]), "%04o/%u", (unsigned)(r->mode & 07777), (unsigned)r->file_uid);
	else
		snprintf(cells[COL_MODE], sizeof(cells[0]), "-");
	if (r->sandbox_path && strcmp(r->sandbox_path, r->address) != 0)
		snprintf(cells[COL_ADDRESS], sizeof(cells[0]), "%s (at %s)", r->address, r->sandbox_path);
	else
		snprintf(cells[COL_ADDRESS], sizeof(cells[0]), "%s", r->address);
	snprintf(cells[COL_BY], sizeof(cells[0]), "%s%s%s", r->origin ? r->origin : "-", r->origin_arg ? " " : "",
		 r->origin_arg ? r->origin_arg : "");
}

/* Aligned, two spaces apart; the last column unpadded. */
static void print_cells(FILE *f, const char *const *cells, const size_t *w)
{
	for (size_t k = 0; k + 1 < N_COLS; k++)
		fprintf(f, "%-*s  ", (int)w[k], cells[k]);
	fprintf(f, "%s\n", cells[N_COLS - 1]);
}

void exposure_print_text(FILE *f, const struct sj_exposure *e)
{
	static const char *const heads[N_COLS] = { "REACH", "WHY", "TYPE", "PID", "COMM", "UID", "MODE/OWNER", "ADDRESS", "DECIDED BY" };
	const struct sj_settings *s = e->s;
	struct counts c = count(e);
	size_t w[N_COLS];

	fprintf(f, "reachable: %zu socket%s outside /run, %zu in /run, %zu abstract; hidden: %zu (of %zu listed)\n",
		c.outside_run, c.outside_run == 1 ? "" : "s", c.in_run, c.abstract, c.hidden, e->n_rows);
	fprintf(f, "sandbox:          uid %u, gid %u%s, --other-sockets %s\n", (unsigned)e->uid, (unsigned)e->gid,
		e->userns ? ", in a user namespace" : "",
		s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE ? "visible" : "hidden");
	fprintf(f, "abstract bind:    %s", WORD(s->abstract, "deny", "allow", "log"));
	for (size_t i = 0; i < s->abstract_allow.n; i++)
		fprintf(f, "%s%s", i == 0 ? ", except " : " ", s->abstract_allow.v[i]);
	fprintf(f, "; autobind %s\n", WORD(s->autobind, "allow", "deny"));
	fprintf(f, "abstract connect: %s\n",
		s->net != SJ_NET_HOST ? "private network namespace: the host's abstract sockets do not exist there"
		: e->abstract_scoped ? "refused by Landlock's abstract-socket scope (--abstract-connect deny)"
		: s->abstract_connect == SJ_ABSTRACT_CONNECT_ALLOW ? "allowed (--abstract-connect allow)"
								   : "allowed: this kernel has no Landlock scope to refuse it");
	if (s->net == SJ_NET_VETH)
		fprintf(f, "network:          veth %s (private namespace)\n", s->net_veth ? s->net_veth : "");
	else
		fprintf(f, "network:          %s\n",
			s->net == SJ_NET_HOST ? "host (the caller's network namespace)" : "none (private namespace, lo only)");
	fprintf(f, "capabilities:     %s\n", e->caps && e->caps[0] ? e->caps : "none");
	fprintf(f, "inherited fds:    ");
	if (e->n_inherited > 0)
		fprintf(f, "%d from LISTEN_FDS (%s)", e->n_inherited, e->inherited_names ? e->inherited_names : "unnamed");
	else
		fprintf(f, "none");
	if (s->listen.n)
		fprintf(f, "; %zu from --listen", s->listen.n);
	fputc('\n', f);
	if (e->n_missing == 0)
		fprintf(f, "kernel:           nothing missing\n");
	for (size_t i = 0; i < e->n_missing; i++)
		fprintf(f, "kernel:           no %s: %s\n", e->missing[i].feature, e->missing[i].effect);
	fputc('\n', f);

	char(*cells)[N_COLS][4 * 108 + 64] = calloc(e->n_rows ? e->n_rows : 1, sizeof(*cells));
	if (!cells)
		return;
	for (size_t k = 0; k < N_COLS; k++)
		w[k] = strlen(heads[k]);
	for (size_t i = 0; i < e->n_rows; i++) {
		row_cells(&e->rows[i], cells[i]);
		for (size_t k = 0; k < N_COLS; k++)
			if (strlen(cells[i][k]) > w[k])
				w[k] = strlen(cells[i][k]);
	}
	print_cells(f, heads, w);
	for (size_t i = 0; i < e->n_rows; i++) {
		const char *row[N_COLS];
		for (size_t k = 0; k < N_COLS; k++)
			row[k] = cells[i][k];
		print_cells(f, row, w);
	}
	free(cells);
}

/* ---------- JSON ---------- */

/* Control bytes, '"', '\\' and non-ASCII bytes escaped: valid JSON for any input. */
static void json_str(FILE *f, const char *str)
{
	if (!str) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void json_row(FILE *f, const struct sj_exposure_row *r)
{
	fputs("{\"address\":", f);
	json_str(f, r->address);
	fprintf(f, ",\"kind\":\"%s\",\"type\":", r->abstract ? "abstract" : "pathname");
	json_str(f, r->type);
	fprintf(f, ",\"inode\":%llu,\"owner\":{\"pid\":", (unsigned long long)r->inode);
	if (r->pid > 0) {
		char comm[17];
		snprintf(comm, sizeof(comm), "%.16s", r->comm);
		fprintf(f, "%d,\"comm\":", (int)r->pid);
		json_str(f, comm);
	} else {
		fputs("null,\"comm\":null", f);
	}
	if (r->has_uid)
		fprintf(f, ",\"uid\":%u}", (unsigned)r->uid);
	else
		fputs(",\"uid\":null}", f);
	if (r->has_file)
		fprintf(f, ",\"file\":{\"mode\":\"%04o\",\"uid\":%u}", (unsigned)(r->mode & 07777), (unsigned)r->file_uid);
	else
		fputs(",\"file\":null", f);
	fprintf(f, ",\"reachable\":%s,\"reason\":\"%s\",\"decided_by\":", hide_reach_reachable(r->reach) ? "true" : "false",
		hide_reach_name(r->reach));
	json_str(f, r->origin);
	fputs(",\"argument\":", f);
	json_str(f, r->origin_arg);
	fputs(",\"sandbox_path\":", f);
	json_str(f, r->sandbox_path);
	fputc('}', f);
}

void exposure_print_json(FILE *f, const struct sj_exposure *e)
{
	const struct sj_settings *s = e->s;
	struct counts c = count(e);

	fprintf(f, "{\"version\":1,\"summary\":{\"reachable_outside_run\":%zu,\"reachable_in_run\":%zu,"
		   "\"reachable_abstract\":%zu,\"hidden\":%zu,\"total\":%zu},",
		c.outside_run, c.in_run, c.abstract, c.hidden, e->n_rows);
	fprintf(f, "\"sandbox\":{\"uid\":%u,\"gid\":%u,\"net\":\"%s\",\"other_sockets\":\"%s\",\"userns\":%s},",
		(unsigned)e->uid, (unsigned)e->gid, net_word(s),
		s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE ? "visible" : "hidden", e->userns ? "true" : "false");
	fprintf(f, "\"abstract_bind\":{\"policy\":\"%s\",\"allow\":[", WORD(s->abstract, "deny", "allow", "log"));
	for (size_t i = 0; i < s->abstract_allow.n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, s->abstract_allow.v[i]);
	}
	fprintf(f, "],\"autobind\":\"%s\",\"connect\":\"%s\"},", WORD(s->autobind, "allow", "deny"),
		WORD(s->abstract_connect, "deny", "allow"));
	fputs("\"capabilities\":[", f);
	if (e->caps && e->caps[0]) {
		const char *p = e->caps;
		for (bool first = true; *p; first = false) {
			size_t n = strcspn(p, ",");
			fprintf(f, "%s\"%.*s\"", first ? "" : ",", (int)n, p);
			p += n + (p[n] == ',');
		}
	}
	fputs("],\"inherited_fds\":[", f);
	const char *names = e->inherited_names;
	for (int i = 0; i < e->n_inherited; i++) {
		size_t n = names ? strcspn(names, ":") : 0;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)n, names ? names : "");
		fprintf(f, "%s{\"fd\":%d,\"name\":", i ? "," : "", 3 + i);
		json_str(f, name);
		fputc('}', f);
		if (names)
			names = names[n] ? names + n + 1 : names + n;
	}
	fputs("],\"missing_features\":[", f);
	for (size_t i = 0; i < e->n_missing; i++) {
		fputs(i ? ",{\"feature\":" : "{\"feature\":", f);
		json_str(f, e->missing[i].feature);
		fputs(",\"effect\":", f);
		json_str(f, e->missing[i].effect);
		fputc('}', f);
	}
	fputs("],\"sockets\":[", f);
	for (size_t i = 0; i < e->n_rows; i++) {
		if (i)
			fputc(',', f);
		json_row(f, &e->rows[i]);
	}
	fputs("]}\n", f);
}
