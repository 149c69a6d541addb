// SPDX-License-Identifier: MIT
/*
 * The documentation cannot drift from the option table: every option in
 * sj_options[] has an entry in man/sockjail.1 and a line in --help, every
 * profile directive (SJ_OPTF_IN_FILE, plus include) has an entry in
 * man/sockjail.profile.5, sockjail.1 names no option the parser does
 * not know, and --help shows each option's argument exactly as sockjail.1
 * does (the same words in the same order, the same sub-options).
 *
 * The pages are read from $SJ_SRCDIR (default: the current directory, which
 * is the top of the tree when run by "make unit").
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "settings.h"

/* A text kept whole for substring searches, and a copy split into lines. */
struct doc {
	char *text;
	char *copy;
	char **lines;
	size_t n_lines;
};

struct docs {
	struct doc man1, man5, help;
};

/* Takes text (malloc'd). */
static void doc_init(struct doc *d, char *text)
{
	size_t n = 1, i = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	d->text = text;
	d->copy = strdup(text);
	d->lines = calloc(n + 1, sizeof(*d->lines));
	assert_non_null(d->copy);
	assert_non_null(d->lines);
	for (char *p = d->copy; p && i < n;) {
		d->lines[i++] = p;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		p = nl;
	}
	d->n_lines = i;
}

static void doc_free(struct doc *d)
{
	free(d->text);
	free(d->copy);
	free(d->lines);
	*d = (struct doc){ 0 };
}

static char *read_page(const char *name)
{
	const char *srcdir = getenv("SJ_SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/man/%s", srcdir && *srcdir ? srcdir : ".", name);
	FILE *f = fopen(path, "re");
	if (!f)
		fail_msg("cannot open %s: %s (set SJ_SRCDIR to the top of the source tree)", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	int c;
	while ((c = getc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static int setup(void **state)
{
	struct docs *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	/* Set first, so that teardown frees whatever a failing read left behind. */
	*state = d;
	doc_init(&d->man1, read_page("sockjail.1"));
	doc_init(&d->man5, read_page("sockjail.profile.5"));

	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -1;
	cli_print_help(m);
	if (fclose(m) != 0)
		return -1;
	doc_init(&d->help, buf);
	return 0;
}

static int teardown(void **state)
{
	struct docs *d = *state;
	if (!d)
		return 0;
	doc_free(&d->man1);
	doc_free(&d->man5);
	doc_free(&d->help);
	free(d);
	return 0;
}

/* "run-dir" as troff writes it: "run\-dir". */
static void troff_name(const char *name, char *out, size_t outlen)
{
	size_t n = 0;
	for (const char *c = name; *c && n + 3 < outlen; c++) {
		if (*c == '-')
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n] = '\0';
}

/*
 * Does the troff text at p continue a name? "\-\-abstract" must not be
 * found inside "\-\-abstract\-allow", nor "\-p" inside "\-\-pid".
 */
static bool troff_continues_name(const char *p)
{
	if (isalnum((unsigned char)p[0]) || p[0] == '_')
		return true;
	return p[0] == '\\' && p[1] == '-' && isalnum((unsigned char)p[2]);
}

/* needle occurs in line as a whole troff name (nothing of a name around it). */
static bool troff_has_word(const char *line, const char *needle)
{
	size_t len = strlen(needle);
	for (const char *p = strstr(line, needle); p; p = strstr(p + 1, needle)) {
		bool after_dash = p - line >= 2 && p[-2] == '\\' && p[-1] == '-';
		bool after_name = p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		if (!after_dash && !after_name && !troff_continues_name(p + len))
			return true;
	}
	return false;
}

/* The plain-text counterpart for --help. */
static bool text_has_word(const char *text, const char *needle)
{
	size_t len = strlen(needle);
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) {
		char before = p > text ? p[-1] : ' ';
		char after = p[len];
		if ((before == ' ' || before == '\n') && !isalnum((unsigned char)after) && after != '-' && after != '_')
			return true;
	}
	return false;
}

static bool is_font_macro(const char *line)
{
	return strncmp(line, ".B ", 3) == 0 || strncmp(line, ".BI ", 4) == 0 || strncmp(line, ".BR ", 4) == 0;
}

/*
 * The tag line of a .TP entry (the line right after ".TP") that holds
 * needle as a whole word, or NULL.
 */
static const char *entry_with(const struct doc *d, const char *needle)
{
	for (size_t i = 1; i < d->n_lines; i++)
		if (strcmp(d->lines[i - 1], ".TP") == 0 && is_font_macro(d->lines[i]) &&
		    troff_has_word(d->lines[i], needle))
			return d->lines[i];
	return NULL;
}

/* A .TP entry whose tag starts with needle (a directive: ".BI "run\-dir " PATH"). */
static bool entry_starts_with(const struct doc *d, const char *needle)
{
	size_t len = strlen(needle);
	for (size_t i = 1; i < d->n_lines; i++) {
		if (strcmp(d->lines[i - 1], ".TP") != 0 || !is_font_macro(d->lines[i]))
			continue;
		const char *arg = strchr(d->lines[i], ' ');
		while (*arg == ' ')
			arg++;
		if (*arg == '"')
			arg++;
		if (strncmp(arg, needle, len) == 0 && (arg[len] == ' ' || arg[len] == '"' || arg[len] == '\0'))
			return true;
	}
	return false;
}

static void test_every_option_has_an_entry_in_sockjail_1(void **state)
{
	struct docs *d = *state;
	int n = 0;

	for (const struct sj_option *o = sj_options; o->name; o++, n++) {
		char name[128], needle[160];
		troff_name(o->name, name, sizeof(name));
		snprintf(needle, sizeof(needle), "\\-\\-%s", name);
		const char *entry = entry_with(&d->man1, needle);
		if (!entry)
			fail_msg("man/sockjail.1 has no .TP entry for --%s (write it as %s)", o->name, needle);
		if (o->short_name) {
			char shortopt[8];
			snprintf(shortopt, sizeof(shortopt), "\\-%c", o->short_name);
			if (!troff_has_word(entry, shortopt))
				fail_msg("man/sockjail.1: the entry for --%s does not show -%c: %s", o->name,
					 o->short_name, entry);
		}
	}
	/* An empty table would make every check above pass. */
	assert_true(n > 20);
}

static void test_every_option_is_in_help(void **state)
{
	struct docs *d = *state;

	for (const struct sj_option *o = sj_options; o->name; o++) {
		char needle[160];
		snprintf(needle, sizeof(needle), "--%s", o->name);
		if (!text_has_word(d->help.text, needle))
			fail_msg("--help does not list %s", needle);
		if (o->short_name) {
			snprintf(needle, sizeof(needle), "-%c, --%s", o->short_name, o->name);
			if (!strstr(d->help.text, needle))
				fail_msg("--help does not show '%s'", needle);
		}
	}
	/* The summary points to the full pages. */
	assert_non_null(strstr(d->help.text, "sockjail(1)"));
	assert_non_null(strstr(d->help.text, "sockjail.profile(5)"));
}

static void test_every_directive_has_an_entry_in_sockjail_profile_5(void **state)
{
	struct docs *d = *state;
	char name[128];
	int n = 0;

	assert_true(entry_starts_with(&d->man5, "include"));
	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (!(o->flags & SJ_OPTF_IN_FILE))
			continue;
		troff_name(o->name, name, sizeof(name));
		if (!entry_starts_with(&d->man5, name))
			fail_msg("man/sockjail.profile.5 has no .TP entry starting with the directive %s", name);
		n++;
	}
	assert_true(n > 20);
}

/* The options a profile refuses are listed where the page says so. */
static void test_refused_directives_are_listed(void **state)
{
	struct docs *d = *state;
	size_t i = 0, end;
	char name[128];

	while (i < d->man5.n_lines && strcmp(d->man5.lines[i], ".SS Not allowed in a profile") != 0)
		i++;
	if (i == d->man5.n_lines)
		fail_msg("man/sockjail.profile.5 has no '.SS Not allowed in a profile' section");
	for (end = i + 1; end < d->man5.n_lines && strncmp(d->man5.lines[end], ".S", 2) != 0; end++)
		;
	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (o->flags & SJ_OPTF_IN_FILE)
			continue;
		troff_name(o->name, name, sizeof(name));
		bool found = false;
		for (size_t j = i + 1; j < end && !found; j++)
			found = troff_has_word(d->man5.lines[j], name);
		if (!found)
			fail_msg("man/sockjail.profile.5: '%s' is refused in profiles but not listed as such", o->name);
	}
}

/*
 * Options of other programs that the examples in sockjail.1 use; anything
 * else written as \-\-name must be one of ours.
 */
static const char *const foreign_options[] = {
	"fdname",     /* systemd-socket-activate(1) */
	"foreground", /* the example service */
	"selftest",   /* the example application */
	"system",     /* dbus-daemon(1) (SERVICES) */
	"nofork",     /* dbus-daemon(1) (SERVICES) */
	"nopidfile",  /* dbus-daemon(1) (SERVICES) */
	"nolisten",   /* Xvfb(1) (SERVICES) */
	"run-sokcet", /* the typo NOTES shows a hint for */
	"supervised", /* redis-server(1) (SYSTEMD) */
	"daemonize",  /* redis-server(1) (SYSTEMD) */
	/* podman(1), docker(1), unshare(1) (CONTAINERS) */
	"security-opt", "cap-drop", "cap-add", "user", "rm", "fork", "mount-proc",
	NULL,
};

static bool is_known_long_option(const char *name)
{
	if (settings_option_by_name(name))
		return true;
	for (size_t i = 0; foreign_options[i]; i++)
		if (strcmp(name, foreign_options[i]) == 0)
			return true;
	return false;
}

/* A removed or renamed option must not linger in the page. */
static void test_sockjail_1_names_no_unknown_option(void **state)
{
	struct docs *d = *state;
	const char *text = d->man1.text;

	for (const char *p = strstr(text, "\\-\\-"); p; p = strstr(p + 1, "\\-\\-")) {
		const char *q = p + 4;
		char name[128];
		size_t n = 0;
		if (!isalpha((unsigned char)*q))
			continue;
		/* Letters, digits and "\-" make up the name. */
		while (n + 1 < sizeof(name)) {
			if (isalnum((unsigned char)*q)) {
				name[n++] = *q++;
			} else if (q[0] == '\\' && q[1] == '-' && isalnum((unsigned char)q[2])) {
				name[n++] = '-';
				q += 2;
			} else {
				break;
			}
		}
		name[n] = '\0';
		if (!is_known_long_option(name))
			fail_msg("man/sockjail.1 mentions --%s, which the parser does not know", name);
	}
}

static void test_pages_carry_the_version(void **state)
{
	struct docs *d = *state;
	const char *want = "\"sockjail " SJ_VERSION "\"";

	for (int page = 0; page < 2; page++) {
		const struct doc *doc = page == 0 ? &d->man1 : &d->man5;
		const char *th = NULL;
		for (size_t i = 0; i < doc->n_lines && !th; i++)
			if (strncmp(doc->lines[i], ".TH ", 4) == 0)
				th = doc->lines[i];
		assert_non_null(th);
		if (!strstr(th, want))
			fail_msg("%s: .TH line does not name %s: %s", page == 0 ? "sockjail.1" : "sockjail.profile.5",
				 want, th);
	}
}

/*
 * What a troff macro line shows, as plain text: ".BI \-\-bind " SRC\fR[\fP:DST\fR]\fP""
 * is "--bind SRC[:DST]". Arguments of the one-font macros (.B, .I) are
 * joined with a space, those of the alternating ones (.BI, .BR, .RI, ...)
 * without. Returns true when the line ends in \c (continued by the next).
 */
static bool troff_plain(const char *line, char *out, size_t outlen)
{
	size_t n = strlen(out);
	bool one_font = false, continued = false, first = true;
	const char *p = line;

	if (p[0] == '.') {
		size_t mlen = strcspn(p, " ");
		one_font = mlen == 2;
		p += mlen;
	}
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		bool quoted = *p == '"';
		if (quoted)
			p++;
		if (one_font && !first && n + 1 < outlen)
			out[n++] = ' ';
		first = false;
		while (*p && (quoted ? *p != '"' : *p != ' ')) {
			if (p[0] == '\\' && p[1] == 'f' && p[2]) {
				p += 3;
			} else if (p[0] == '\\' && p[1] == 'c') {
				continued = true;
				p += 2;
			} else if (p[0] == '\\' && p[1] == '&') {
				p += 2;
			} else if (p[0] == '\\' && (p[1] == '-' || p[1] == 'e')) {
				if (n + 1 < outlen)
					out[n++] = p[1] == '-' ? '-' : '\\';
				p += 2;
			} else {
				if (n + 1 < outlen)
					out[n++] = *p;
				p++;
			}
		}
		if (quoted && *p == '"')
			p++;
	}
	out[n] = '\0';
	return continued;
}

/*
 * The metavariable sockjail.1 gives --name: the text after "--name " in
 * every .TP tag for it, joined with "|" in page order (--net has three:
 * none, host, veth:...). Empty for a flag; false if there is no entry.
 */
static bool man_metavariable(const struct doc *d, const char *name, char *out, size_t outlen)
{
	char opt[128];
	bool found = false;

	snprintf(opt, sizeof(opt), "--%s", name);
	out[0] = '\0';
	for (size_t i = 1; i < d->n_lines; i++) {
		if (strcmp(d->lines[i - 1], ".TP") != 0 || d->lines[i][0] != '.')
			continue;
		char tag[1024] = "";
		for (size_t j = i; j < d->n_lines && troff_plain(d->lines[j], tag, sizeof(tag)); j++)
			;
		/* "-p, --profile NAME|PATH" or "--net none" */
		const char *t = tag;
		if (t[0] == '-' && t[1] != '-' && t[2] == ',' && t[3] == ' ')
			t += 4;
		size_t len = strlen(opt);
		if (strncmp(t, opt, len) != 0 || (t[len] != ' ' && t[len] != '\0'))
			continue;
		const char *arg = t[len] ? t + len + 1 : "";
		size_t used = strlen(out);
		snprintf(out + used, outlen - used, "%s%s", found ? "|" : "", arg);
		found = true;
	}
	return found;
}

/*
 * The sub-options ("name=", "mode=") in text that other is missing, as
 * "name= mode=", for a message that says what drifted.
 */
static void missing_suboptions(const char *text, const char *other, char *out, size_t outlen)
{
	out[0] = '\0';
	for (const char *p = strchr(text, '='); p; p = strchr(p + 1, '=')) {
		const char *b = p;
		while (b > text && (isalnum((unsigned char)b[-1]) || b[-1] == '-' || b[-1] == '_'))
			b--;
		if (b == p || b == text || (b[-1] != ',' && b[-1] != '['))
			continue;
		char sub[64];
		snprintf(sub, sizeof(sub), ",%.*s", (int)(p - b + 1), b);
		if (!strstr(other, sub)) {
			size_t used = strlen(out);
			snprintf(out + used, outlen - used, "%s%s", used ? " " : "", sub + 1);
		}
	}
}

/*
 * --help and sockjail.1 show each option's argument the same way: the same
 * words in the same order ("host|private" is not "private|host") and the
 * same sub-options (veth's name=). Returns NULL, or what differs.
 */
static const char *metavariable_drift(const struct doc *man, const struct sj_option *o, char *why, size_t whylen)
{
	char page[1024], missing[256];
	const char *help = o->arg ? o->arg : "";

	if (!man_metavariable(man, o->name, page, sizeof(page)))
		return NULL; /* test_every_option_has_an_entry_in_sockjail_1 says so */
	if (strcmp(page, help) == 0)
		return NULL;
	missing_suboptions(page, help, missing, sizeof(missing));
	if (missing[0]) {
		snprintf(why, whylen, "--help lacks %s of --%s: --help shows '%s', man/sockjail.1 '%s'", missing,
			 o->name, help, page);
		return why;
	}
	missing_suboptions(help, page, missing, sizeof(missing));
	if (missing[0]) {
		snprintf(why, whylen, "man/sockjail.1 lacks %s of --%s: --help shows '%s', man/sockjail.1 '%s'",
			 missing, o->name, help, page);
		return why;
	}
	snprintf(why, whylen, "--%s: --help shows '%s', man/sockjail.1 '%s'", o->name, help, page);
	return why;
}

static void test_help_and_page_show_the_same_arguments(void **state)
{
	struct docs *d = *state;
	char why[2048];
	int n = 0;

	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (metavariable_drift(&d->man1, o, why, sizeof(why)))
			fail_msg("%s", why);
		n += o->arg != NULL;
	}
	assert_true(n > 15);
}

/* The drift check itself catches both kinds the issue found (13). */
static void test_metavariable_drift_is_caught(void **state)
{
	struct doc man;
	char why[2048], plain[256] = "";
	static const struct sj_option pid = { "pid", 0, SJ_OPT_PID, SJ_OPTF_ARG, "host|private", "x" };
	static const struct sj_option net = { "net", 0, SJ_OPT_NET, SJ_OPTF_ARG, "none|host|veth:H/P,S/P", "x" };
	static const struct sj_option net_ok = { "net", 0, SJ_OPT_NET, SJ_OPTF_ARG, "none|host|veth:H/P,S/P[,name=N]",
						 "x" };
	static const struct sj_option flag = { "userns", 0, SJ_OPT_USERNS, 0, NULL, "x" };

	(void)state;
	doc_init(&man, strdup(".SH OPTIONS\n.TP\n.BR \\-\\-pid \" \\fBprivate\\fR|\\fBhost\\fR\"\nx\n"
			      ".TP\n.B \\-\\-net none\nx\n.TP\n.B \\-\\-net host\nx\n"
			      ".TP\n.BI \"\\-\\-net veth:\" H / P , S / P\\c\n.RI [ ,name=N ]\nx\n"
			      ".TP\n.B \\-\\-userns\nx\n"));
	/* Order of the words. */
	assert_non_null(metavariable_drift(&man, &pid, why, sizeof(why)));
	assert_string_equal(why, "--pid: --help shows 'host|private', man/sockjail.1 'private|host'");
	/* A sub-option only the page has; a continued (\c) tag is one tag. */
	assert_non_null(metavariable_drift(&man, &net, why, sizeof(why)));
	assert_string_equal(why, "--help lacks name= of --net: --help shows 'none|host|veth:H/P,S/P', "
				 "man/sockjail.1 'none|host|veth:H/P,S/P[,name=N]'");
	assert_null(metavariable_drift(&man, &net_ok, why, sizeof(why)));
	assert_null(metavariable_drift(&man, &flag, why, sizeof(why)));
	doc_free(&man);

	troff_plain(".BI \\-\\-bind \" SRC\\fR[\\fP:DST\\fR]\\fP\"", plain, sizeof(plain));
	assert_string_equal(plain, "--bind SRC[:DST]");
}

/* The checks themselves: a near miss must not count as a mention. */
static void test_word_matching(void **state)
{
	(void)state;
	assert_true(troff_has_word(".B \\-\\-abstract", "\\-\\-abstract"));
	assert_false(troff_has_word(".B \\-\\-abstract\\-allow", "\\-\\-abstract"));
	assert_true(troff_has_word(".BR \\-p \", \" \\-\\-profile", "\\-p"));
	assert_false(troff_has_word(".B \\-\\-pid", "\\-p"));
	assert_false(troff_has_word(".B \\-\\-profile", "\\-p"));
	assert_true(text_has_word("  --run-dir PATH", "--run-dir"));
	assert_false(text_has_word("  --run-dirs", "--run-dir"));
	assert_false(text_has_word("  --abstract-allow X", "--abstract"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_matching),
		cmocka_unit_test(test_every_option_has_an_entry_in_sockjail_1),
		cmocka_unit_test(test_every_option_is_in_help),
		cmocka_unit_test(test_every_directive_has_an_entry_in_sockjail_profile_5),
		cmocka_unit_test(test_refused_directives_are_listed),
		cmocka_unit_test(test_sockjail_1_names_no_unknown_option),
		cmocka_unit_test(test_pages_carry_the_version),
		cmocka_unit_test(test_metavariable_drift_is_caught),
		cmocka_unit_test(test_help_and_page_show_the_same_arguments),
	};
	return cmocka_run_group_tests_name("docs", tests, setup, teardown);
}
