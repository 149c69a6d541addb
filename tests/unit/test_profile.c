// SPDX-License-Identifier: MIT
/*
 * The profile parser and printer. Profiles are fed through fmemopen(), or
 * written into a mkdtemp() directory where includes need real files. Every
 * error is checked as the whole "FILE:LINE: message" string, so a wrong line
 * number or a lost file name fails the test.
 *
 * Run from the repository root, or with SJ_SRCDIR pointing at it: the
 * shipped profiles are read from $SJ_SRCDIR/profiles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "settings.h"

/* The same defaults as profile.c, so that the Makefile's -D reaches both. */
#ifndef SJ_SYSCONF_PROFILEDIR
#define SJ_SYSCONF_PROFILEDIR "/etc/sockjail/profiles"
#endif
#ifndef SJ_PROFILEDIR
#define SJ_PROFILEDIR "/usr/local/share/sockjail/profiles"
#endif

#define HDR "sockjail-profile 1\n"

static char errbuf[4096];

/* ---------- helpers ---------- */

static int parse_buf(const char *text, size_t len, const char *name, struct sj_settings *s)
{
	/* fmemopen() wants a writable buffer type; "r" never writes. */
	FILE *f = fmemopen((void *)text, len, "r");
	int r;

	assert_non_null(f);
	errbuf[0] = '\0';
	r = profile_parse(f, name, 0, s, errbuf, sizeof(errbuf));
	fclose(f);
	return r;
}

static int parse_text(const char *text, struct sj_settings *s)
{
	return parse_buf(text, strlen(text), "t.profile", s);
}

static void expect_ok(const char *text)
{
	struct sj_settings s;

	settings_init(&s);
	if (parse_text(text, &s) < 0)
		fail_msg("unexpected error for %s: %s", text, errbuf);
	settings_free(&s);
}

/* Parse must fail with errno r (0: any) and exactly this message. */
static void expect_error_r(const char *text, int r, const char *msg)
{
	struct sj_settings s;
	int got;

	settings_init(&s);
	got = parse_text(text, &s);
	settings_free(&s);
	if (got >= 0)
		fail_msg("no error for %s (expected %s)", text, msg);
	assert_string_equal(errbuf, msg);
	if (r)
		assert_int_equal(got, r);
}

static void expect_error(const char *text, const char *msg)
{
	expect_error_r(text, -EINVAL, msg);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool strv_eq(const struct sj_strv *a, const struct sj_strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

/* Field by field: a new field in sj_settings must be added here. */
static void assert_settings_equal(const struct sj_settings *a, const struct sj_settings *b)
{
	assert_int_equal(a->net, b->net);
	assert_true(str_eq(a->net_veth, b->net_veth));
	assert_true(strv_eq(&a->run_sockets, &b->run_sockets));
	assert_true(strv_eq(&a->run_dirs, &b->run_dirs));
	assert_int_equal(a->pathname_bind, b->pathname_bind);
	assert_int_equal(a->n_mounts, b->n_mounts);
	for (size_t i = 0; i < a->n_mounts; i++) {
		assert_int_equal(a->mounts[i].kind, b->mounts[i].kind);
		assert_true(str_eq(a->mounts[i].src, b->mounts[i].src));
		assert_true(str_eq(a->mounts[i].dst, b->mounts[i].dst));
	}
	assert_int_equal(a->abstract, b->abstract);
	assert_true(strv_eq(&a->abstract_allow, &b->abstract_allow));
	assert_int_equal(a->autobind, b->autobind);
	assert_int_equal(a->abstract_connect, b->abstract_connect);
	assert_int_equal(a->abstract_connect_set, b->abstract_connect_set);
	assert_int_equal(a->on_deny, b->on_deny);
	assert_true(strv_eq(&a->listen, &b->listen));
	assert_int_equal(a->uid_set, b->uid_set);
	assert_int_equal(a->gid_set, b->gid_set);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_true(a->cap_keep == b->cap_keep);
	assert_int_equal(a->userns, b->userns);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->gate_only, b->gate_only);
	assert_true(str_eq(a->chdir, b->chdir));
	assert_int_equal(a->n_env, b->n_env);
	for (size_t i = 0; i < a->n_env; i++) {
		assert_int_equal(a->env[i].kind, b->env[i].kind);
		assert_true(str_eq(a->env[i].name, b->env[i].name));
		assert_true(str_eq(a->env[i].value, b->env[i].value));
	}
	assert_int_equal(a->quiet, b->quiet);
	assert_true(str_eq(a->audit, b->audit));
	assert_true(str_eq(a->learn, b->learn));
}

/* profile_print() into a malloc'ed string. */
static char *print_to_string(const struct sj_settings *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(profile_print(m, s), 0);
	assert_int_equal(fclose(m), 0);
	return buf;
}

/*
 * print(s) parses back to s, and printing that gives the same text again.
 * Returns the text (caller frees).
 */
static char *assert_roundtrip(const struct sj_settings *s)
{
	struct sj_settings again;
	char *text = print_to_string(s), *text2;

	settings_init(&again);
	if (parse_buf(text, strlen(text), "printed.profile", &again) < 0)
		fail_msg("printed profile does not parse: %s\n%s", errbuf, text);
	assert_settings_equal(s, &again);
	text2 = print_to_string(&again);
	assert_string_equal(text, text2);
	free(text2);
	settings_free(&again);
	return text;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *make_tmpdir(void)
{
	char *dir = strdup("/tmp/sj-test-profile-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_tmpdir(char *dir)
{
	assert_int_equal(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/* Write dir/rel (parent directories must exist). */
static void put_file(const char *dir, const char *rel, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put_file(const char *dir, const char *rel, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "we");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

static void put_dir(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int load(const char *name, struct sj_settings *s)
{
	errbuf[0] = '\0';
	return profile_load(name, s, errbuf, sizeof(errbuf));
}

/* ---------- every directive of the option table ---------- */

/*
 * For each directive: a value settings_apply() takes and one it refuses.
 * good == NULL marks a flag; bad is then an argument, which a flag must
 * refuse. Values are written as the profile spells them. The reasons are
 * settings_apply()'s to word: the tests below ask it, and check that the
 * profile reports exactly that reason, with the file, line and value.
 */
struct directive_case {
	const char *name;
	const char *good;
	const char *bad;
};

static const struct directive_case directive_cases[] = {
	{ "net", "host", "bogus" },
	{ "net", "none", "veth:10.0.0.1/24" },
	{ "net", "veth:10.0.0.1/24,10.0.0.2/24", "veth:10.0.0.1/24,10.0.0.1/24" },
	{ "run-socket", "/run/dbus/system_bus_socket", "/tmp/x" },
	{ "run-socket", "/run/a/b", "run/a" },
	{ "run-dir", "/run/x", "/tmp/x" },
	{ "run-dir", "/run/x/y", "/run" },
	{ "pathname-bind", "run-dirs", "some" },
	{ "tmpfs", "/tmp", "tmp" },
	{ "bind", "/srv:/data", "/srv:data" },
	{ "bind", "/srv", "/" },
	{ "ro-bind", "/usr", "/usr/../etc" },
	{ "ro-bind", "/usr:/opt/usr", "/usr/" },
	{ "abstract", "log", "maybe" },
	{ "abstract-allow", "@/tmp/.X11-unix/X*", "/tmp/.X11-unix/X0" },
	{ "autobind", "deny", "yes" },
	{ "abstract-connect", "allow", "no" },
	{ "abstract-bridge", "@/org/kernel/*", "org" },
	{ "on-deny", "kill", "abort" },
	{ "listen", "unix:/run/x/s,name=web,mode=0660", "ftp:1" },
	{ "listen", "tcp:127.0.0.1:8080,backlog=16", "tcp:127.0.0.1:99999" },
	{ "uid", "1000", "-1" },
	{ "gid", "0", "4294967295" },
	{ "cap-keep", "net_bind_service,CAP_CHOWN", "fly" },
	{ "pid", "host", "shared" },
	{ "restart", "on-failure", "sometimes" },
	{ "restart-sec", "2.5", "-1" },
	{ "run-socket-optional", "/run/dbus/system_bus_socket", "/tmp/x" },
	{ "chdir", "/srv", "\"\"" },
	{ "setenv", "A=b", "A" },
	{ "setenv", "\"A=b c\"", "=x" },
	{ "unsetenv", "A", "A=b" },
	{ "audit", "-", "\"\"" },
	{ "audit", "/var/log/sj.json", "\"\"" },
	{ "userns", NULL, "yes" },
	{ "clearenv", NULL, "all" },
	{ "quiet", NULL, "1" },
	{ "uid", "postgres", "\"post gres\"" },
	{ "gid", "ssl-cert", "-x" },
	{ "groups", "ssl-cert,adm", "a,,b" },
	{ "wait", "all", "some" },
	{ "notify", "none", "yes" },
	{ "other-sockets", "visible", "shown" },
	{ "show-socket", "/tmp/.X11-unix", "tmp/.X11-unix" },
	{ "gate-only", NULL, "yes" },
	{ "new-session", NULL, "yes" },
};

/* The value a profile word stands for (only the quoting the table uses). */
static void unquote(const char *word, char *out, size_t len)
{
	size_t n = strlen(word);

	if (n >= 2 && word[0] == '"' && word[n - 1] == '"')
		snprintf(out, len, "%.*s", (int)(n - 2), word + 1);
	else
		snprintf(out, len, "%s", word);
}

static void test_table_covers_every_directive(void **state)
{
	(void)state;
	for (const struct sj_option *o = sj_options; o->name; o++) {
		bool found = false;
		if (!(o->flags & SJ_OPTF_IN_FILE))
			continue;
		for (size_t i = 0; i < sizeof(directive_cases) / sizeof(directive_cases[0]); i++)
			if (strcmp(directive_cases[i].name, o->name) == 0) {
				found = true;
				/* A flag has no good value; an option with an argument does. */
				assert_int_equal(directive_cases[i].good != NULL, (o->flags & SJ_OPTF_ARG) != 0);
			}
		if (!found)
			fail_msg("directive %s has no test case", o->name);
	}
}

/*
 * The good value, read from a profile, gives exactly what settings_apply()
 * gives on its own: the parser passes values through unchanged.
 */
static void test_every_directive_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(directive_cases) / sizeof(directive_cases[0]); i++) {
		const struct directive_case *c = &directive_cases[i];
		const struct sj_option *o = settings_option_by_name(c->name);
		struct sj_settings from_file, direct;
		char text[512], value[256], why[256];

		assert_non_null(o);
		snprintf(text, sizeof(text), HDR "%s%s%s\n", c->name, c->good ? " " : "", c->good ? c->good : "");
		settings_init(&from_file);
		settings_init(&direct);
		if (parse_text(text, &from_file) < 0)
			fail_msg("%s refused: %s", text, errbuf);
		if (c->good)
			unquote(c->good, value, sizeof(value));
		assert_int_equal(settings_apply(&direct, o->id, c->good ? value : NULL, why, sizeof(why)), 0);
		assert_settings_equal(&from_file, &direct);
		free(assert_roundtrip(&from_file));
		settings_free(&from_file);
		settings_free(&direct);
	}
}

static void test_every_directive_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(directive_cases) / sizeof(directive_cases[0]); i++) {
		const struct directive_case *c = &directive_cases[i];
		const struct sj_option *o = settings_option_by_name(c->name);
		char text[512], msg[1024], value[256], why[512] = "";
		int r = -EINVAL;

		if (c->good) {
			struct sj_settings direct;
			settings_init(&direct);
			unquote(c->bad, value, sizeof(value));
			r = settings_apply(&direct, o->id, value, why, sizeof(why));
			settings_free(&direct);
			if (r >= 0 || !why[0])
				fail_msg("settings_apply(%s, %s) should fail with a reason", c->name, value);
			snprintf(msg, sizeof(msg), "t.profile:3: %s %s: %s", c->name, c->bad, why);
		} else {
			snprintf(msg, sizeof(msg), "t.profile:3: %s: takes no argument", c->name);
		}
		/* Line 3, after a comment, so the number is counted, not assumed. */
		snprintf(text, sizeof(text), HDR "# a comment\n  %s %s\n", c->name, c->bad);
		expect_error_r(text, r, msg);
	}
}

/* The example of profile.md's error format, word for word. */
static void test_settings_reason_passed_through(void **state)
{
	static const char text[] = HDR "net none\nrun-dir /tmp/x\n";
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_buf(text, strlen(text), "x.profile", &s), -EINVAL);
	assert_string_equal(errbuf, "x.profile:3: run-dir /tmp/x: not under /run");
	settings_free(&s);
}

static void test_directive_values_stored(void **state)
{
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "net veth:10.0.0.1/24,10.0.0.2/24\n"
					"run-socket /run/a\n"
					"run-dir /run/b\n"
					"pathname-bind run-dirs\n"
					"tmpfs /tmp\n"
					"bind /srv:/data\n"
					"ro-bind /usr\n"
					"abstract allow\n"
					"abstract-allow @x*\n"
					"autobind deny\n"
					"abstract-connect allow\n"
					"on-deny kill\n"
					"listen @sock\n"
					"uid 1000\n"
					"gid 100\n"
					"cap-keep chown\n"
					"userns\n"
					"pid host\n"
					"chdir /srv\n"
					"setenv A=1\n"
					"unsetenv B\n"
					"clearenv\n"
					"quiet\n"
					"audit -\n",
				    &s),
			 0);
	assert_int_equal(s.net, SJ_NET_VETH);
	assert_string_equal(s.net_veth, "10.0.0.1/24,10.0.0.2/24");
	assert_int_equal(s.run_sockets.n, 1);
	assert_string_equal(s.run_sockets.v[0], "/run/a");
	assert_string_equal(s.run_dirs.v[0], "/run/b");
	assert_int_equal(s.pathname_bind, SJ_PATHNAME_BIND_RUN_DIRS);
	assert_int_equal(s.n_mounts, 3);
	assert_int_equal(s.mounts[0].kind, SJ_MOUNT_TMPFS);
	assert_null(s.mounts[0].src);
	assert_string_equal(s.mounts[0].dst, "/tmp");
	assert_int_equal(s.mounts[1].kind, SJ_MOUNT_BIND);
	assert_string_equal(s.mounts[1].src, "/srv");
	assert_string_equal(s.mounts[1].dst, "/data");
	assert_int_equal(s.mounts[2].kind, SJ_MOUNT_RO_BIND);
	assert_string_equal(s.mounts[2].src, "/usr");
	assert_string_equal(s.mounts[2].dst, "/usr");
	assert_int_equal(s.abstract, SJ_ABSTRACT_ALLOW);
	assert_string_equal(s.abstract_allow.v[0], "@x*");
	assert_int_equal(s.autobind, SJ_AUTOBIND_DENY);
	assert_int_equal(s.abstract_connect, SJ_ABSTRACT_CONNECT_ALLOW);
	assert_true(s.abstract_connect_set);
	assert_int_equal(s.on_deny, SJ_ON_DENY_KILL);
	assert_string_equal(s.listen.v[0], "@sock");
	assert_true(s.uid_set && s.uid == 1000);
	assert_true(s.gid_set && s.gid == 100);
	assert_true(s.cap_keep == (UINT64_C(1) << 0)); /* CAP_CHOWN is 0 */
	assert_true(s.userns);
	assert_int_equal(s.pid, SJ_PID_HOST);
	assert_string_equal(s.chdir, "/srv");
	assert_int_equal(s.n_env, 3);
	assert_int_equal(s.env[0].kind, SJ_ENV_SET);
	assert_string_equal(s.env[0].name, "A");
	assert_string_equal(s.env[0].value, "1");
	assert_int_equal(s.env[1].kind, SJ_ENV_UNSET);
	assert_string_equal(s.env[1].name, "B");
	assert_int_equal(s.env[2].kind, SJ_ENV_CLEAR);
	assert_true(s.quiet);
	assert_string_equal(s.audit, "-");
	assert_null(s.learn);
	settings_free(&s);
}

static void test_last_wins_lists_accumulate(void **state)
{
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "net veth:10.0.0.1/24,10.0.0.2/24\nnet host\n"
					"run-socket /run/a\nrun-socket /run/b\n"
					"cap-keep chown\ncap-keep kill\n"
					"abstract allow\nabstract log\n"
					"chdir /a\nchdir /b\n",
				    &s),
			 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	assert_null(s.net_veth);
	assert_int_equal(s.run_sockets.n, 2);
	assert_string_equal(s.run_sockets.v[1], "/run/b");
	assert_true(s.cap_keep == ((UINT64_C(1) << 0) | (UINT64_C(1) << 5))); /* CHOWN, KILL */
	assert_int_equal(s.abstract, SJ_ABSTRACT_LOG);
	assert_string_equal(s.chdir, "/b");
	settings_free(&s);
}

/* ---------- refused directives ---------- */

static void test_not_allowed_in_profile(void **state)
{
	int seen = 0;

	(void)state;
	for (const struct sj_option *o = sj_options; o->name; o++) {
		char text[256], msg[256];
		if (o->flags & SJ_OPTF_IN_FILE)
			continue;
		snprintf(text, sizeof(text), HDR "\n%s%s\n", o->name, (o->flags & SJ_OPTF_ARG) ? " x.profile" : "");
		snprintf(msg, sizeof(msg), "t.profile:3: %s: not allowed in a profile", o->name);
		expect_error(text, msg);
		/* Refused even without its argument: the option itself is the error. */
		snprintf(text, sizeof(text), HDR "%s\n", o->name);
		snprintf(msg, sizeof(msg), "t.profile:2: %s: not allowed in a profile", o->name);
		expect_error(text, msg);
		seen++;
	}
	/* profile, check-profile, print-filter, help, version, learn, features, info-fd, exposure, json */
	assert_int_equal(seen, 10);
}

static void test_learn_refused(void **state)
{
	(void)state;
	expect_error(HDR "abstract log\nlearn /tmp/learned.profile\n", "t.profile:3: learn: not allowed in a profile");
}

static void test_unknown_directive(void **state)
{
	(void)state;
	expect_error(HDR "abstrct deny\n", "t.profile:2: unknown directive 'abstrct' (did you mean 'abstract'?)");
	expect_error(HDR "ro_bind /usr\n", "t.profile:2: unknown directive 'ro_bind' (did you mean 'ro-bind'?)");
	expect_error(HDR "--net none\n", "t.profile:2: unknown directive '--net' (did you mean 'net'?)");
	expect_error(HDR "NET none\n", "t.profile:2: unknown directive 'NET' (did you mean 'net'?)");
	expect_error(HDR "includ base\n", "t.profile:2: unknown directive 'includ' (did you mean 'include'?)");
	expect_error(HDR "abstract-alow @x\n",
		     "t.profile:2: unknown directive 'abstract-alow' (did you mean 'abstract-allow'?)");
	expect_error(HDR "run_socket /run/x\n",
		     "t.profile:2: unknown directive 'run_socket' (did you mean 'run-socket'?)");
	expect_error(HDR "pathnamebind any\n",
		     "t.profile:2: unknown directive 'pathnamebind' (did you mean 'pathname-bind'?)");
	/* Nothing close enough: no guess. */
	expect_error(HDR "xyzzy 1\n", "t.profile:2: unknown directive 'xyzzy'");
	expect_error(HDR "q\n", "t.profile:2: unknown directive 'q'");
	expect_error(HDR "firewall on\n", "t.profile:2: unknown directive 'firewall'");
	/* Control bytes are shown escaped, not written to the terminal. */
	expect_error(HDR "\x1b[2Jnet none\n", "t.profile:2: unknown directive '\\x1b[2Jnet'");
}

static void test_argument_count(void **state)
{
	(void)state;
	expect_error(HDR "net\n", "t.profile:2: net: missing argument");
	expect_error(HDR "net   # none\n", "t.profile:2: net: missing argument");
	expect_error(HDR "net none host\n", "t.profile:2: net: extra argument host");
	expect_error(HDR "run-socket /run/a /run/b\n", "t.profile:2: run-socket: extra argument /run/b");
	expect_error(HDR "setenv A=1 B=2\n", "t.profile:2: setenv: extra argument B=2");
	expect_error(HDR "chdir /a \"b c\"\n", "t.profile:2: chdir: extra argument \"b c\"");
	expect_error(HDR "userns yes\n", "t.profile:2: userns: takes no argument");
	expect_error(HDR "clearenv \"\"\n", "t.profile:2: clearenv: takes no argument");
	expect_error(HDR "include\n", "t.profile:2: include: missing argument");
	expect_error(HDR "include a b\n", "t.profile:2: include: extra argument b");
	expect_error(HDR "include \"\"\n", "t.profile:2: include: empty name");
	/* A flag followed by a comment has no argument. */
	expect_ok(HDR "userns # as root too\nquiet\t#\n");
}

/* ---------- header ---------- */

static void test_header(void **state)
{
	struct sj_settings s;

	(void)state;
	expect_ok(HDR);
	expect_ok("# leading comment\n\n   \n\t# another\nsockjail-profile 1\nnet host\n");
	expect_ok("sockjail-profile 1 # format version\n");
	expect_ok("  sockjail-profile\t1  \n");
	expect_ok("sockjail-profile \"1\"\n");
	expect_error("net none\n" HDR, "t.profile:1: missing header 'sockjail-profile 1' (it must come first)");
	expect_error("# comment\n\nnet none\n",
		     "t.profile:3: missing header 'sockjail-profile 1' (it must come first)");
	expect_error("sockjail-profile 2\n",
		     "t.profile:1: unsupported profile version 2 (this sockjail reads version 1)");
	expect_error("\nsockjail-profile 1.0\n",
		     "t.profile:2: unsupported profile version 1.0 (this sockjail reads version 1)");
	expect_error("sockjail-profile 01\n",
		     "t.profile:1: unsupported profile version 01 (this sockjail reads version 1)");
	expect_error("sockjail-profile\n", "t.profile:1: sockjail-profile: missing argument");
	expect_error("sockjail-profile 1 2\n", "t.profile:1: sockjail-profile: extra argument 2");
	expect_error("sockjail-profile1\n", "t.profile:1: missing header 'sockjail-profile 1' (it must come first)");
	expect_error("Sockjail-Profile 1\n",
		     "t.profile:1: missing header 'sockjail-profile 1' (it must come first)");
	expect_error(HDR "net none\n" HDR,
		     "t.profile:3: sockjail-profile must be the first directive, and only once");
	/* No directive at all: reported at the last line read (1 if none). */
	expect_error("", "t.profile:1: missing header 'sockjail-profile 1' (the file has no directives)");
	expect_error("# only\n# comments\n",
		     "t.profile:2: missing header 'sockjail-profile 1' (the file has no directives)");

	/* A file whose last line has no newline. */
	settings_init(&s);
	assert_int_equal(parse_text(HDR "net host", &s), 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	settings_free(&s);

	/* CRLF line endings: CR is white space. */
	settings_init(&s);
	assert_int_equal(parse_text("sockjail-profile 1\r\nnet host\r\n\r\n", &s), 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	settings_free(&s);
}

/* ---------- words, quotes, comments ---------- */

static void test_quoting(void **state)
{
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "setenv \"A=b c\"\n"
					"setenv \"Q=say \\\"hi\\\"\"\n"
					"setenv \"B=back\\\\slash\"\n"
					"setenv C=unquoted\\backslash\n"
					"setenv \"H=# not a comment\"\n"
					"setenv \"E=\"\n"
					"chdir \"/srv/my dir\"   # trailing comment\n"
					"setenv \"T=tab\there\"\n"
					"\"unsetenv\" X\n",
				    &s),
			 0);
	assert_int_equal(s.n_env, 8);
	assert_string_equal(s.env[0].value, "b c");
	assert_string_equal(s.env[1].value, "say \"hi\"");
	assert_string_equal(s.env[2].value, "back\\slash");
	assert_string_equal(s.env[3].value, "unquoted\\backslash");
	assert_string_equal(s.env[4].value, "# not a comment");
	assert_string_equal(s.env[5].value, "");
	assert_string_equal(s.env[6].value, "tab\there");
	assert_string_equal(s.chdir, "/srv/my dir");
	assert_int_equal(s.env[7].kind, SJ_ENV_UNSET);
	assert_string_equal(s.env[7].name, "X");
	free(assert_roundtrip(&s));
	settings_free(&s);

	expect_error(HDR "setenv \"A=b\n", "t.profile:2: unterminated quoted string");
	expect_error(HDR "setenv \"A=b\\\"\n", "t.profile:2: unterminated quoted string");
	expect_error(HDR "setenv \"A=b\\\n", "t.profile:2: unterminated quoted string");
	expect_error(HDR "\n\nchdir \"\n", "t.profile:4: unterminated quoted string");
	expect_error(HDR "setenv \"A=\\n\"\n",
		     "t.profile:2: unknown escape in quoted string (only \\\" and \\\\)");
	expect_error(HDR "setenv \"A=\\x41\"\n",
		     "t.profile:2: unknown escape in quoted string (only \\\" and \\\\)");
	expect_error(HDR "setenv A=\"b c\"\n", "t.profile:2: quote inside a word (quote the whole word)");
	expect_error(HDR "setenv \"A=b\"c\n", "t.profile:2: closing quote not followed by white space");
	expect_error(HDR "setenv \"A=b\"#c\n", "t.profile:2: closing quote not followed by white space");
	/* A syntax error anywhere on the line wins over a count error. */
	expect_error(HDR "net none host \"x\n", "t.profile:2: unterminated quoted string");
	/* Errors show values in profile syntax. */
	expect_error(HDR "setenv \"A B\"\n", "t.profile:2: setenv \"A B\": expected NAME=VALUE");
	expect_error(HDR "run-dir \"/tmp/a \\\"b\\\"\"\n", "t.profile:2: run-dir \"/tmp/a \\\"b\\\"\": not under /run");
}

static void test_comment_rules(void **state)
{
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "net host # after white space\n"
					"setenv A=b#c\n"
					"setenv D=e\t#tab then hash\n"
					"unsetenv X#\n"
					"  # indented\n"
					"\t#tab-indented\n",
				    &s),
			 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	assert_int_equal(s.n_env, 3);
	/* a#b is not a comment */
	assert_string_equal(s.env[0].name, "A");
	assert_string_equal(s.env[0].value, "b#c");
	assert_string_equal(s.env[1].value, "e");
	assert_string_equal(s.env[2].name, "X#");
	free(assert_roundtrip(&s));
	settings_free(&s);

	/* "#" after white space ends the line, taking the argument with it. */
	expect_error(HDR "setenv #F=g\n", "t.profile:2: setenv: missing argument");
	/* ... and not inside a word. */
	expect_error(HDR "net none#x\n",
		     "t.profile:2: net none#x: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX");
	expect_error(HDR "net#x none\n", "t.profile:2: unknown directive 'net#x' (did you mean 'net'?)");
}

/* ---------- limits ---------- */

/*
 * The limit is on the bytes before the newline: 4096 of them are accepted,
 * 4097 are not. A last line without a newline obeys the same limit.
 */
static void test_line_limit(void **state)
{
	const size_t hdr = strlen(HDR);
	char *text = malloc(hdr + SJ_PROFILE_MAX_LINE + 64);
	struct sj_settings s;

	(void)state;
	assert_non_null(text);

	/* A comment of exactly 4096 bytes, then a directive. */
	memcpy(text, HDR, hdr);
	memset(text + hdr, 'x', SJ_PROFILE_MAX_LINE);
	text[hdr] = '#';
	strcpy(text + hdr + SJ_PROFILE_MAX_LINE, "\nnet host\n");
	settings_init(&s);
	assert_int_equal(parse_text(text, &s), 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	settings_free(&s);

	/* A directive line of exactly 4096 bytes, value intact, no newline. */
	memcpy(text + hdr, "setenv A=", 9);
	memset(text + hdr + 9, 'v', SJ_PROFILE_MAX_LINE - 9);
	text[hdr + SJ_PROFILE_MAX_LINE] = '\0';
	settings_init(&s);
	assert_int_equal(parse_text(text, &s), 0);
	assert_int_equal(strlen(s.env[0].value), SJ_PROFILE_MAX_LINE - 9);
	settings_free(&s);

	/* 4097 bytes: refused, with or without a newline after them. */
	memset(text + hdr, 'x', SJ_PROFILE_MAX_LINE + 1);
	text[hdr] = '#';
	text[hdr + SJ_PROFILE_MAX_LINE + 1] = '\0';
	expect_error_r(text, -E2BIG, "t.profile:2: line longer than 4096 bytes");
	strcpy(text + hdr + SJ_PROFILE_MAX_LINE + 1, "\n");
	expect_error_r(text, -E2BIG, "t.profile:2: line longer than 4096 bytes");
	free(text);
}

/* The whole file, newlines included, is at most 1 MiB: 1048576 bytes pass, 1048577 do not. */
static void test_file_limit(void **state)
{
	const size_t hdr = strlen(HDR);
	char *text = malloc(SJ_PROFILE_MAX_SIZE + 2);
	struct sj_settings s;
	char msg[128];

	(void)state;
	assert_non_null(text);
	memcpy(text, HDR, hdr);
	/* Blank lines up to the limit, the last directive in the final bytes. */
	memset(text + hdr, '\n', SJ_PROFILE_MAX_SIZE - hdr);
	memcpy(text + SJ_PROFILE_MAX_SIZE - 9, "net host\n", 9);
	settings_init(&s);
	assert_int_equal(parse_buf(text, SJ_PROFILE_MAX_SIZE, "big.profile", &s), 0);
	assert_int_equal(s.net, SJ_NET_HOST);
	settings_free(&s);

	/* One byte more. Line numbers: the header is line 1, then one line per
	 * byte, so byte number N (from 1) after the header ends line N - hdr + 1. */
	memcpy(text + SJ_PROFILE_MAX_SIZE - 9, "\n\n\n\n\n\n\n\n\n", 9);
	text[SJ_PROFILE_MAX_SIZE] = '\n';
	settings_init(&s);
	assert_int_equal(parse_buf(text, SJ_PROFILE_MAX_SIZE + 1, "big.profile", &s), -EFBIG);
	settings_free(&s);
	snprintf(msg, sizeof(msg), "big.profile:%zu: file larger than 1 MiB (1048576 bytes)",
		 (size_t)SJ_PROFILE_MAX_SIZE + 1 - hdr + 1);
	assert_string_equal(errbuf, msg);
	free(text);
}

static void test_nul_bytes(void **state)
{
	static const char in_value[] = HDR "net no\0ne\n";
	static const char in_comment[] = HDR "\n# comment \0 hidden\n";
	static const char at_end[] = HDR "net none\n\0";
	struct sj_settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_buf(in_value, sizeof(in_value) - 1, "t.profile", &s), -EINVAL);
	assert_string_equal(errbuf, "t.profile:2: NUL byte");
	assert_int_equal(parse_buf(in_comment, sizeof(in_comment) - 1, "t.profile", &s), -EINVAL);
	assert_string_equal(errbuf, "t.profile:3: NUL byte");
	assert_int_equal(parse_buf(at_end, sizeof(at_end) - 1, "t.profile", &s), -EINVAL);
	assert_string_equal(errbuf, "t.profile:3: NUL byte");
	settings_free(&s);
}

/* ---------- includes ---------- */

static void test_include_relative(void **state)
{
	char *dir = make_tmpdir();
	char path[PATH_MAX];
	struct sj_settings s;

	(void)state;
	put_dir(dir, "sub");
	put_file(dir, "top.profile", HDR "setenv ORDER=1\ninclude sub/mid.profile\nsetenv ORDER=4\n");
	/* Relative to sub/, where mid.profile is, not to the current directory. */
	put_file(dir, "sub/mid.profile", HDR "setenv ORDER=2\ninclude ../leaf.profile\n");
	put_file(dir, "leaf.profile", HDR "run-socket /run/leaf\nsetenv ORDER=3\n");

	snprintf(path, sizeof(path), "%s/top.profile", dir);
	settings_init(&s);
	if (load(path, &s) < 0)
		fail_msg("%s", errbuf);
	/* Applied in place, in order. */
	assert_int_equal(s.n_env, 4);
	for (size_t i = 0; i < 4; i++) {
		char want[2] = { (char)('1' + i), 0 };
		assert_string_equal(s.env[i].value, want);
	}
	assert_string_equal(s.run_sockets.v[0], "/run/leaf");
	settings_free(&s);

	/* An absolute path, from a memory stream. */
	char text[PATH_MAX + 64];
	snprintf(text, sizeof(text), HDR "include %s/leaf.profile\n", dir);
	settings_init(&s);
	assert_int_equal(parse_text(text, &s), 0);
	assert_string_equal(s.run_sockets.v[0], "/run/leaf");
	settings_free(&s);

	/* A memory stream's relative includes go by the name it was given. */
	snprintf(path, sizeof(path), "%s/virtual.profile", dir);
	settings_init(&s);
	static const char rel[] = HDR "include sub/mid.profile\n";
	assert_int_equal(parse_buf(rel, strlen(rel), path, &s), 0);
	assert_string_equal(s.run_sockets.v[0], "/run/leaf");
	settings_free(&s);

	/* A top file named without a directory: includes are relative to the cwd. */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	settings_init(&s);
	int r = load("./top.profile", &s);
	assert_int_equal(chdir(cwd), 0);
	if (r < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.n_env, 4);
	settings_free(&s);

	/* "x.profile" without a slash is a NAME, looked up on the search path. */
	put_file(dir, "named.profile", HDR "\ninclude leaf.profile\n");
	snprintf(path, sizeof(path), "%s/named.profile", dir);
	char msg[PATH_MAX + 512];
	snprintf(msg, sizeof(msg),
		 "%s:3: include leaf.profile: not found (looked for leaf.profile.profile in $SOCKJAIL_PROFILE_PATH, "
		 SJ_SYSCONF_PROFILEDIR ", " SJ_PROFILEDIR "); for the file next to this profile write ./leaf.profile",
		 path);
	settings_init(&s);
	assert_int_equal(load(path, &s), -ENOENT);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	remove_tmpdir(dir);
}

static void test_include_by_name(void **state)
{
	char *dir = make_tmpdir();
	char env[PATH_MAX * 2];
	struct sj_settings s;

	(void)state;
	put_dir(dir, "one");
	put_dir(dir, "two");
	put_file(dir, "one/first.profile", HDR "run-socket /run/one-first\n");
	put_file(dir, "two/first.profile", HDR "run-socket /run/two-first\n");
	put_file(dir, "two/second.profile", HDR "include first\nrun-socket /run/two-second\n");
	/* Empty entries are skipped, not read as the current directory. */
	snprintf(env, sizeof(env), ":%s/missing::%s/one:%s/two:", dir, dir, dir);
	assert_int_equal(setenv("SOCKJAIL_PROFILE_PATH", env, 1), 0);

	settings_init(&s);
	assert_int_equal(parse_text(HDR "include second\ninclude first\n", &s), 0);
	/*
	 * From "two/second", first is the one beside it; from a stream (no
	 * directory), the earlier directory of the search path wins.
	 */
	assert_int_equal(s.run_sockets.n, 3);
	assert_string_equal(s.run_sockets.v[0], "/run/two-first");
	assert_string_equal(s.run_sockets.v[1], "/run/two-second");
	assert_string_equal(s.run_sockets.v[2], "/run/one-first");
	settings_free(&s);

	/* Nothing beside it: the search path, as before. */
	put_file(dir, "two/third.profile", HDR "include only-one\n");
	put_file(dir, "one/only-one.profile", HDR "run-socket /run/only-one\n");
	settings_init(&s);
	if (load("third", &s) < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.run_sockets.n, 1);
	assert_string_equal(s.run_sockets.v[0], "/run/only-one");
	settings_free(&s);

	settings_init(&s);
	if (load("second", &s) < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.run_sockets.n, 2);
	settings_free(&s);

	/* An error inside names the file as found on the search path. */
	put_file(dir, "two/bad.profile", HDR "\nrun-dir /tmp/x\n");
	char msg[PATH_MAX + 128];
	settings_init(&s);
	assert_int_equal(load("bad", &s), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/two/bad.profile:3: run-dir /tmp/x: not under /run", dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	expect_error_r(HDR "\ninclude nothing-here\n", -ENOENT,
		       "t.profile:3: include nothing-here: not found (looked for nothing-here.profile in "
		       "$SOCKJAIL_PROFILE_PATH, " SJ_SYSCONF_PROFILEDIR ", " SJ_PROFILEDIR ")");
	settings_init(&s);
	assert_int_equal(load("nothing-here", &s), -ENOENT);
	assert_string_equal(errbuf, "nothing-here: not found (looked for nothing-here.profile in "
				    "$SOCKJAIL_PROFILE_PATH, " SJ_SYSCONF_PROFILEDIR ", " SJ_PROFILEDIR ")");
	assert_int_equal(load("local.profile", &s), -ENOENT);
	assert_string_equal(errbuf, "local.profile: not found (looked for local.profile.profile in "
				    "$SOCKJAIL_PROFILE_PATH, " SJ_SYSCONF_PROFILEDIR ", " SJ_PROFILEDIR
				    "); for a file in the current directory use ./local.profile");
	assert_int_equal(load("", &s), -EINVAL);
	assert_string_equal(errbuf, "empty profile name");
	settings_free(&s);

	assert_int_equal(unsetenv("SOCKJAIL_PROFILE_PATH"), 0);
	remove_tmpdir(dir);
}

static void test_include_errors_name_included_file(void **state)
{
	char *dir = make_tmpdir();
	char path[PATH_MAX], msg[PATH_MAX * 4];
	struct sj_settings s;

	(void)state;
	put_file(dir, "outer.profile", HDR "net none\ninclude ./inner.profile\n");
	put_file(dir, "inner.profile", "# inner\n" HDR "\nabstrct deny\n");
	snprintf(path, sizeof(path), "%s/outer.profile", dir);
	settings_init(&s);
	assert_int_equal(load(path, &s), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/inner.profile:4: unknown directive 'abstrct' (did you mean 'abstract'?)", dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* An included file needs its own header. */
	put_file(dir, "inner.profile", "run-socket /run/x\n");
	settings_init(&s);
	assert_int_equal(load(path, &s), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/inner.profile:1: missing header 'sockjail-profile 1' (it must come first)",
		 dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* Missing, a directory, a FIFO (which must not hang the parse). */
	put_file(dir, "outer.profile", HDR "include ./gone.profile\n");
	settings_init(&s);
	assert_int_equal(load(path, &s), -ENOENT);
	snprintf(msg, sizeof(msg), "%s:2: include ./gone.profile: %s/gone.profile: No such file or directory", path,
		 dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	put_dir(dir, "d.profile");
	put_file(dir, "outer.profile", HDR "include ./d.profile\n");
	settings_init(&s);
	assert_int_equal(load(path, &s), -EISDIR);
	snprintf(msg, sizeof(msg), "%s:2: include ./d.profile: %s/d.profile: not a regular file", path, dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	char fifo[PATH_MAX];
	snprintf(fifo, sizeof(fifo), "%s/fifo.profile", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	put_file(dir, "outer.profile", HDR "include ./fifo.profile\n");
	settings_init(&s);
	assert_int_equal(load(path, &s), -EINVAL);
	snprintf(msg, sizeof(msg), "%s:2: include ./fifo.profile: %s: not a regular file", path, fifo);
	assert_string_equal(errbuf, msg);
	assert_int_equal(load(fifo, &s), -EINVAL);
	snprintf(msg, sizeof(msg), "%s: not a regular file", fifo);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* profile_load of a path that does not exist. */
	snprintf(path, sizeof(path), "%s/absent.profile", dir);
	settings_init(&s);
	assert_int_equal(load(path, &s), -ENOENT);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	remove_tmpdir(dir);
}

static void test_include_cycle(void **state)
{
	char *dir = make_tmpdir();
	char path[PATH_MAX], msg[PATH_MAX * 4];
	struct sj_settings s;

	(void)state;
	put_file(dir, "a.profile", HDR "include ./b.profile\n");
	put_file(dir, "b.profile", HDR "net none\ninclude ./a.profile\n");
	snprintf(path, sizeof(path), "%s/a.profile", dir);
	settings_init(&s);
	assert_int_equal(load(path, &s), -ELOOP);
	snprintf(msg, sizeof(msg),
		 "%s/b.profile:3: include ./a.profile: include cycle: %s/a.profile -> %s/b.profile -> %s/a.profile", dir,
		 dir, dir, dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* Through another name for the same file: identity, not spelling. */
	put_file(dir, "b.profile", HDR "include ../%s/a.profile\n", strrchr(dir, '/') + 1);
	settings_init(&s);
	assert_int_equal(load(path, &s), -ELOOP);
	snprintf(msg, sizeof(msg),
		 "%s/b.profile:2: include ../%s/a.profile: include cycle: %s/a.profile -> %s/b.profile -> %s/../%s/a.profile",
		 dir, strrchr(dir, '/') + 1, dir, dir, dir, strrchr(dir, '/') + 1);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* A file including itself, opened by the caller with fopen(). */
	put_file(dir, "self.profile", HDR "include ./self.profile\n");
	snprintf(path, sizeof(path), "%s/self.profile", dir);
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	settings_init(&s);
	assert_int_equal(profile_parse(f, path, 0, &s, errbuf, sizeof(errbuf)), -ELOOP);
	fclose(f);
	snprintf(msg, sizeof(msg), "%s:2: include ./self.profile: include cycle: %s -> %s/self.profile", path, path,
		 dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* The same file twice, not nested, is no cycle. */
	put_file(dir, "leaf.profile", HDR "run-socket /run/x\n");
	put_file(dir, "twice.profile", HDR "include ./leaf.profile\ninclude ./leaf.profile\n");
	snprintf(path, sizeof(path), "%s/twice.profile", dir);
	settings_init(&s);
	if (load(path, &s) < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.run_sockets.n, 2);
	settings_free(&s);

	remove_tmpdir(dir);
}

/* d0 includes d1 ... includes dN; d0 is depth 0, dN depth N. */
static void make_chain(const char *dir, int n)
{
	char rel[32];

	for (int i = 0; i <= n; i++) {
		snprintf(rel, sizeof(rel), "d%d.profile", i);
		if (i < n)
			put_file(dir, rel, HDR "setenv D%d=%d\ninclude ./d%d.profile\n", i, i, i + 1);
		else
			put_file(dir, rel, HDR "setenv D%d=%d\n", i, i);
	}
}

static void test_include_depth(void **state)
{
	char *dir = make_tmpdir();
	char path[PATH_MAX], msg[PATH_MAX * 4];
	struct sj_settings s;

	(void)state;
	snprintf(path, sizeof(path), "%s/d0.profile", dir);

	/* Eight levels below the top file: accepted. */
	make_chain(dir, SJ_PROFILE_MAX_DEPTH);
	settings_init(&s);
	if (load(path, &s) < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.n_env, SJ_PROFILE_MAX_DEPTH + 1);
	assert_string_equal(s.env[SJ_PROFILE_MAX_DEPTH].name, "D8");
	settings_free(&s);

	/* Nine: refused at the include in d8. */
	make_chain(dir, SJ_PROFILE_MAX_DEPTH + 1);
	settings_init(&s);
	assert_int_equal(load(path, &s), -ELOOP);
	snprintf(msg, sizeof(msg), "%s/d8.profile:3: include ./d9.profile: more than 8 levels of include", dir);
	assert_string_equal(errbuf, msg);
	settings_free(&s);

	/* The depth argument counts: a caller at depth 8 cannot include. */
	settings_init(&s);
	FILE *f = fmemopen((void *)(HDR "include d8.profile\n"), strlen(HDR "include d8.profile\n"), "r");
	assert_non_null(f);
	assert_int_equal(profile_parse(f, "deep.profile", SJ_PROFILE_MAX_DEPTH, &s, errbuf, sizeof(errbuf)), -ELOOP);
	fclose(f);
	assert_string_equal(errbuf, "deep.profile:2: include d8.profile: more than 8 levels of include");
	settings_free(&s);

	remove_tmpdir(dir);
}

/* ---------- printing ---------- */

/* What profile_print() writes between net and pid for the default gate. */
#define DEFAULT_GATE_LINES "pathname-bind any\nabstract deny\nautobind allow\non-deny errno\n"

static void test_print_defaults(void **state)
{
	struct sj_settings s;
	char *text;

	(void)state;
	settings_init(&s);
	text = assert_roundtrip(&s);
	assert_string_equal(text, "sockjail-profile 1\n"
				  "net none\n" DEFAULT_GATE_LINES "pid private\n");
	free(text);
	settings_free(&s);
}

static void test_print_everything(void **state)
{
	struct sj_settings s;
	char *text;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "setenv \"GREETING=hello world\"\n"
					"net veth:10.0.0.1/24,10.0.0.2/24\n"
					"cap-keep NET_BIND_SERVICE\n"
					"listen unix:/run/app/sock,name=web\n"
					"unsetenv LD_PRELOAD\n"
					"ro-bind /usr:/usr\n"
					"tmpfs /tmp\n"
					"bind /srv/data:/data\n"
					"run-dir /run/app\n"
					"abstract-allow @app-*\n"
					"run-socket /run/dbus/system_bus_socket\n"
					"uid 1000\ngid 1000\nuserns\nquiet\n"
					"clearenv\n"
					"setenv \"Q=a \\\"q\\\" and \\\\\"\n"
					"setenv B=back\\slash\n"
					"abstract-connect deny\n"
					"on-deny kill\npid host\nabstract log\nautobind deny\npathname-bind run-dirs\n"
					"chdir \"/srv/my app\"\n"
					"audit /var/log/sockjail.json\n"
					"cap-keep cap_chown\n",
				    &s),
			 0);
	text = assert_roundtrip(&s);
	assert_string_equal(text, "sockjail-profile 1\n"
				  "net veth:10.0.0.1/24,10.0.0.2/24\n"
				  "pathname-bind run-dirs\n"
				  "abstract log\n"
				  "autobind deny\n"
				  "abstract-connect deny\n"
				  "on-deny kill\n"
				  "pid host\n"
				  "uid 1000\n"
				  "gid 1000\n"
				  "userns\n"
				  "quiet\n"
				  "chdir \"/srv/my app\"\n"
				  "audit /var/log/sockjail.json\n"
				  "run-socket /run/dbus/system_bus_socket\n"
				  "run-dir /run/app\n"
				  "ro-bind /usr\n"
				  "tmpfs /tmp\n"
				  "bind /srv/data:/data\n"
				  "abstract-allow @app-*\n"
				  "listen unix:/run/app/sock,name=web\n"
				  "cap-keep cap_chown,cap_net_bind_service\n"
				  "setenv \"GREETING=hello world\"\n"
				  "unsetenv LD_PRELOAD\n"
				  "clearenv\n"
				  "setenv \"Q=a \\\"q\\\" and \\\\\"\n"
				  "setenv B=back\\slash\n");
	free(text);
	settings_free(&s);
}

/*
 * gate-only sets net and pid to host, and a later net or pid line wins. The
 * printed form keeps that by putting gate-only first (a fuzzer's find).
 */
static void test_print_gate_only_before_net(void **state)
{
	struct sj_settings s;
	char *text;

	(void)state;
	settings_init(&s);
	assert_int_equal(parse_text(HDR "net veth:10.0.0.1/24,10.0.0.2/24\ngate-only\n"
					"net veth:10.0.0.1/24,10.0.0.2/24\npid private\n",
				    &s),
			 0);
	assert_int_equal(s.net, SJ_NET_VETH);
	assert_int_equal(s.pid, SJ_PID_PRIVATE);
	text = assert_roundtrip(&s);
	assert_string_equal(text, "sockjail-profile 1\n"
				  "gate-only\n"
				  "net veth:10.0.0.1/24,10.0.0.2/24\n" DEFAULT_GATE_LINES "pid private\n");
	free(text);
	settings_free(&s);
}

static void test_print_quotes_what_needs_it(void **state)
{
	struct sj_settings s;
	char why[256], *text;

	(void)state;
	settings_init(&s);
	/* Values only the command line can produce, each needing quotes. */
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "#A=1", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "E=", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "CR=a\rb", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "QQ=\"", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_CHDIR, "#", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_TMPFS, "/a b", why, sizeof(why)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_BIND, "/x:/y z", why, sizeof(why)), 0);
	text = assert_roundtrip(&s);
	assert_non_null(strstr(text, "\nsetenv \"#A=1\"\n"));
	assert_non_null(strstr(text, "\nsetenv E=\n"));
	assert_non_null(strstr(text, "\nsetenv \"CR=a\rb\"\n"));
	assert_non_null(strstr(text, "\nsetenv \"QQ=\\\"\"\n"));
	assert_non_null(strstr(text, "\nchdir \"#\"\n"));
	assert_non_null(strstr(text, "\ntmpfs \"/a b\"\n"));
	assert_non_null(strstr(text, "\nbind \"/x:/y z\"\n"));
	free(text);
	settings_free(&s);
}

/* A newline has no escape: such a setting cannot be written, and nothing is. */
static void test_print_unwritable(void **state)
{
	struct sj_settings s;
	char why[256], *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	settings_init(&s);
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "A=two\nlines", why, sizeof(why)), 0);
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(profile_print(m, &s), -EINVAL);
	assert_int_equal(fclose(m), 0);
	assert_int_equal(len, 0);
	free(buf);
	settings_free(&s);
}

/* ---------- shipped profiles ---------- */

static const char *srcdir(void)
{
	const char *d = getenv("SJ_SRCDIR");
	return d && *d ? d : ".";
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	assert_non_null(f);
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = getc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static void test_shipped_profiles(void **state)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int count = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/profiles", srcdir());
	/* "include base" must find the shipped base, not an installed one. */
	assert_int_equal(setenv("SOCKJAIL_PROFILE_PATH", dir, 1), 0);
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s (run from the repository root or set SJ_SRCDIR)", dir);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[PATH_MAX + 256], *source, *once, *twice;
		struct sj_settings s, again;

		if (n <= 8 || strcmp(e->d_name + n - 8, ".profile") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);

		/* Each starts by saying what it is for. */
		source = read_whole(path);
		if (source[0] != '#')
			fail_msg("%s does not start with a comment", path);
		free(source);

		settings_init(&s);
		if (load(path, &s) < 0)
			fail_msg("%s", errbuf);
		once = print_to_string(&s);
		settings_init(&again);
		if (parse_buf(once, strlen(once), "printed.profile", &again) < 0)
			fail_msg("%s printed does not parse: %s", path, errbuf);
		assert_settings_equal(&s, &again);
		twice = print_to_string(&again);
		if (strcmp(once, twice) != 0)
			fail_msg("%s: printing is not idempotent:\n%s---\n%s", path, once, twice);
		free(once);
		free(twice);
		settings_free(&s);
		settings_free(&again);
		count++;
	}
	closedir(d);
	assert_true(count >= 6);
	assert_int_equal(unsetenv("SOCKJAIL_PROFILE_PATH"), 0);
}

/* A value from a profile keeps its FILE:LINE for later messages (issue 13). */
static void test_origin_of_values(void **state)
{
	struct sj_settings s;
	char buf[512];

	(void)state;
	settings_init(&s);
	s.var_run_is_run = true;
	assert_int_equal(parse_text(HDR "# a comment\nrun-socket /run/dbus/system_bus_socket\n"
				    "run-dir /var/run/demo/\nbind /srv/data:/data\naudit /tmp/a.log\n"
				    "run-socket /run/dbus/system_bus_socket\n",
				    &s),
			 0);
	/* The last line giving a value is the one named. */
	assert_string_equal(settings_describe(&s, SJ_OPT_RUN_SOCKET, "/run/dbus/system_bus_socket", buf, sizeof(buf)),
			    "t.profile:7: run-socket /run/dbus/system_bus_socket");
	/* Stored values: normalised paths, the SRC of a bind. */
	assert_string_equal(settings_describe(&s, SJ_OPT_RUN_DIR, "/run/demo", buf, sizeof(buf)),
			    "t.profile:4: run-dir /run/demo");
	assert_string_equal(settings_describe(&s, SJ_OPT_BIND, "/srv/data", buf, sizeof(buf)),
			    "t.profile:5: bind /srv/data");
	assert_string_equal(settings_describe(&s, SJ_OPT_AUDIT, "/tmp/a.log", buf, sizeof(buf)),
			    "t.profile:6: audit /tmp/a.log");
	/* Not from this profile (the command line): the option as typed. */
	assert_string_equal(settings_describe(&s, SJ_OPT_RUN_SOCKET, "/run/other", buf, sizeof(buf)),
			    "--run-socket /run/other");
	assert_string_equal(settings_describe(&s, SJ_OPT_RO_BIND, "/srv/data", buf, sizeof(buf)),
			    "--ro-bind /srv/data");
	settings_free(&s);
}

/*
 * --profile ./profiles/strict.profile from the source tree, with no
 * search path: "include base" is the base beside it (issue 13).
 */
static void test_shipped_include_beside(void **state)
{
	char path[PATH_MAX];
	struct sj_settings s;

	(void)state;
	assert_int_equal(unsetenv("SOCKJAIL_PROFILE_PATH"), 0);
	snprintf(path, sizeof(path), "%s/profiles/strict.profile", srcdir());
	settings_init(&s);
	if (load(path, &s) < 0)
		fail_msg("%s", errbuf);
	assert_int_equal(s.on_deny, SJ_ON_DENY_KILL);
	settings_free(&s);
}

/* What the shipped profiles say, checked against the settings they must give. */
static void test_shipped_profile_contents(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct sj_settings s, defaults;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/profiles", srcdir());
	assert_int_equal(setenv("SOCKJAIL_PROFILE_PATH", dir, 1), 0);
	settings_init(&defaults);

	/* base is the defaults, nothing more. */
	snprintf(path, sizeof(path), "%s/base.profile", dir);
	settings_init(&s);
	assert_int_equal(load(path, &s), 0);
	assert_settings_equal(&s, &defaults);
	settings_free(&s);

	settings_init(&s);
	assert_int_equal(load("strict", &s), 0);
	assert_int_equal(s.autobind, SJ_AUTOBIND_DENY);
	assert_int_equal(s.pathname_bind, SJ_PATHNAME_BIND_RUN_DIRS);
	assert_int_equal(s.on_deny, SJ_ON_DENY_KILL);
	assert_int_equal(s.net, SJ_NET_NONE);
	assert_int_equal(s.run_dirs.n, 0);
	settings_free(&s);

	settings_init(&s);
	assert_int_equal(load("dbus-system-client", &s), 0);
	assert_int_equal(s.net, SJ_NET_NONE);
	assert_int_equal(s.run_sockets.n, 0);
	assert_int_equal(s.run_sockets_optional.n, 1);
	assert_string_equal(s.run_sockets_optional.v[0], "/run/dbus/system_bus_socket");
	assert_int_equal(s.abstract, SJ_ABSTRACT_DENY);
	assert_int_equal(s.autobind, SJ_AUTOBIND_ALLOW);
	settings_free(&s);

	settings_init(&s);
	assert_int_equal(load("journald-client", &s), 0);
	assert_int_equal(s.run_sockets_optional.n, 2);
	assert_string_equal(s.run_sockets_optional.v[0], "/run/systemd/journal/socket");
	assert_string_equal(s.run_sockets_optional.v[1], "/run/systemd/journal/dev-log");
	settings_free(&s);

	settings_init(&s);
	assert_int_equal(load("container", &s), 0);
	assert_int_equal(s.net, SJ_NET_NONE);
	assert_int_equal(s.run_dirs.n, 1);
	assert_string_equal(s.run_dirs.v[0], "/run/container");
	assert_int_equal(s.run_sockets.n, 0);
	assert_int_equal(s.n_mounts, 0);
	settings_free(&s);

	settings_init(&s);
	assert_int_equal(load("x11-client", &s), 0);
	assert_int_equal(s.net, SJ_NET_NONE);
	assert_int_equal(s.n_mounts, 1);
	assert_int_equal(s.mounts[0].kind, SJ_MOUNT_RO_BIND);
	assert_string_equal(s.mounts[0].src, "/tmp/.X11-unix");
	assert_string_equal(s.mounts[0].dst, "/tmp/.X11-unix");
	assert_int_equal(s.abstract, SJ_ABSTRACT_DENY);
	assert_int_equal(s.abstract_allow.n, 0);
	settings_free(&s);

	settings_free(&defaults);
	assert_int_equal(unsetenv("SOCKJAIL_PROFILE_PATH"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_every_directive),
		cmocka_unit_test(test_every_directive_accepted),
		cmocka_unit_test(test_every_directive_refused),
		cmocka_unit_test(test_settings_reason_passed_through),
		cmocka_unit_test(test_directive_values_stored),
		cmocka_unit_test(test_last_wins_lists_accumulate),
		cmocka_unit_test(test_not_allowed_in_profile),
		cmocka_unit_test(test_learn_refused),
		cmocka_unit_test(test_unknown_directive),
		cmocka_unit_test(test_argument_count),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_comment_rules),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_include_relative),
		cmocka_unit_test(test_include_by_name),
		cmocka_unit_test(test_include_errors_name_included_file),
		cmocka_unit_test(test_include_cycle),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_print_defaults),
		cmocka_unit_test(test_print_everything),
		cmocka_unit_test(test_print_gate_only_before_net),
		cmocka_unit_test(test_print_quotes_what_needs_it),
		cmocka_unit_test(test_print_unwritable),
		cmocka_unit_test(test_shipped_profiles),
		cmocka_unit_test(test_shipped_profile_contents),
		cmocka_unit_test(test_shipped_include_beside),
		cmocka_unit_test(test_origin_of_values),
	};

	/* No installed profile may answer for a test's include by name. */
	unsetenv("SOCKJAIL_PROFILE_PATH");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
