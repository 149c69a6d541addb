// SPDX-License-Identifier: MIT
/*
 * The command line (cli_parse) and the settings model behind it
 * (settings_apply, settings_validate, the option table): every option with
 * a good and a bad value, the exact one-line messages, order, last-wins,
 * "--" and the actions. --profile and --check-profile, which read files,
 * are in test_cli_profile.c.
 */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "cli.h"
#include "profile.h"
#include "settings.h"

#define MAX_ARGS 24

struct ctx {
	struct sj_settings s;
	struct sj_cli cli;
	char err[1024];
	char *argv[MAX_ARGS + 2]; /* "sockjail", the words, NULL */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	settings_init(&c->s);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	settings_free(&c->s);
	free(c);
	return 0;
}

/* Parse "sockjail WORDS..." (NULL-terminated) into c, from fresh settings. */
static int parse_words(struct ctx *c, const char *const *words)
{
	int argc = 0;
	settings_free(&c->s);
	settings_init(&c->s);
	c->argv[argc++] = "sockjail";
	for (; words[argc - 1]; argc++) {
		assert_true(argc <= MAX_ARGS);
		c->argv[argc] = (char *)words[argc - 1];
	}
	c->argv[argc] = NULL;
	/* cli_parse() leaves *out alone on failure: make that visible. */
	memset(&c->cli, 0xa5, sizeof(c->cli));
	c->err[0] = '\0';
	return cli_parse(argc, c->argv, &c->s, &c->cli, c->err, sizeof(c->err));
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define PARSE(c, ...) parse_words((c), WORDS(__VA_ARGS__))

/* Parses, or fails the test with cli_parse()'s own message. */
#define PARSE_OK(c, ...)                                                                           \
	do {                                                                                       \
		int r_ = PARSE(c, __VA_ARGS__);                                                    \
		if (r_ != 0)                                                                       \
			fail_msg("refused (%d): %s", r_, (c)->err);                                \
	} while (0)

/* Refused with -EINVAL and exactly this message; *out untouched. */
static void assert_refused_words(struct ctx *c, const char *const *words, const char *message)
{
	int r = parse_words(c, words);
	if (r != -EINVAL)
		fail_msg("'%s ...' gave %d (%s), expected -EINVAL with \"%s\"", words[0] ? words[0] : "", r, c->err,
			 message);
	assert_string_equal(c->err, message);
	unsigned char *p = (unsigned char *)&c->cli;
	for (size_t i = 0; i < sizeof(c->cli); i++)
		assert_int_equal(p[i], 0xa5);
}
#define REFUSED(c, message, ...) assert_refused_words((c), WORDS(__VA_ARGS__), (message))

static void assert_command(const struct ctx *c, const char *const *want)
{
	size_t i = 0;
	assert_non_null(c->cli.command);
	for (; want[i]; i++) {
		assert_non_null(c->cli.command[i]);
		assert_string_equal(c->cli.command[i], want[i]);
	}
	assert_null(c->cli.command[i]);
}

/* ---------------------------------------------------------------------- */
/* The option table */

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

static void test_option_table(void **state)
{
	(void)state;
	/* profile.md: settings that make no sense in a file. */
	static const char *const not_in_file[] = { "profile", "check-profile", "print-filter", "help",
						   "version", "learn", "features", "info-fd", "exposure", "json", NULL };
	/* profile.md: list settings accumulate (the env ops keep their order too). */
	static const char *const lists[] = { "run-socket", "run-dir", "abstract-allow", "abstract-bridge", "listen", "bind", "ro-bind",
					     "tmpfs", "setenv", "cap-keep", "unsetenv", "clearenv",
					     "run-socket-optional", "show-socket", NULL };
	size_t n = 0;

	for (const struct sj_option *o = sj_options; o->name; o++, n++) {
		assert_non_null(o->help);
		assert_true(o->help[0] != '\0');
		assert_true(o->id != 0 && o->id != '?' && o->id != ':');
		/* A metavariable for --help exactly when there is an argument. */
		assert_int_equal(o->arg != NULL, (o->flags & SJ_OPTF_ARG) != 0);
		assert_int_equal(!(o->flags & SJ_OPTF_IN_FILE), name_in(o->name, not_in_file));
		assert_int_equal((o->flags & SJ_OPTF_LIST) != 0, name_in(o->name, lists));
		assert_ptr_equal(settings_option_by_name(o->name), o);
		assert_ptr_equal(settings_option_by_id(o->id), o);
		if (o->short_name)
			assert_int_equal(o->id, o->short_name);
		for (const struct sj_option *p = o + 1; p->name; p++) {
			assert_string_not_equal(o->name, p->name);
			assert_int_not_equal(o->id, p->id);
		}
	}
	assert_int_equal(n, 45);
	assert_int_equal(settings_option_by_name("quiet")->short_name, 'q');
	assert_int_equal(settings_option_by_name("profile")->short_name, 'p');
	assert_int_equal(settings_option_by_name("help")->short_name, 'h');
	assert_null(settings_option_by_name("include")); /* a profile keyword, not an option */
	assert_null(settings_option_by_name("nope"));
	assert_null(settings_option_by_name(""));
	assert_null(settings_option_by_id(0));
	assert_null(settings_option_by_id(SJ_OPT_BASE));
}

/* ---------------------------------------------------------------------- */
/* Every option: one accepted value and one or more refused values */

struct words {
	const char *v[MAX_ARGS + 1];
};

/* Each accepted; checked below for what they store. */
static const struct words valid_cases[] = {
	{ { "--net", "none", "--", "true" } },
	{ { "--net", "host", "--", "true" } },
	{ { "--net", "veth:10.0.0.1/24,10.0.0.2/24", "--", "true" } },
	{ { "--net=veth:fd00::1/64,fd00::2/64,name=sj-test", "true" } },
	{ { "--run-socket", "/run/dbus/system_bus_socket", "--", "true" } },
	{ { "--run-dir", "/run/app", "--", "true" } },
	{ { "--pathname-bind", "run-dirs", "--", "true" } },
	{ { "--pathname-bind", "any", "--", "true" } },
	{ { "--tmpfs", "/tmp", "--", "true" } },
	{ { "--bind", "/srv/data", "--", "true" } },
	{ { "--bind", "/srv/data:/data", "--", "true" } },
	{ { "--ro-bind", "/etc/resolv.conf:/run/resolv.conf", "--", "true" } },
	{ { "--abstract", "allow", "--", "true" } },
	{ { "--abstract-allow", "@/tmp/.X11-unix/X*", "--", "true" } },
	{ { "--autobind", "deny", "--", "true" } },
	{ { "--abstract-connect", "allow", "--", "true" } },
	{ { "--abstract-bridge", "@/org/kernel/*", "--", "true" } },
	{ { "--on-deny", "kill", "--", "true" } },
	{ { "--listen", "tcp:[::1]:8080,name=http", "--", "true" } },
	{ { "--run-dir", "/run/app", "--listen", "unix:/run/app/s,mode=0660", "--", "true" } },
	{ { "--uid", "1000", "--", "true" } },
	{ { "--gid", "100", "--", "true" } },
	{ { "--uid", "postgres", "--gid", "ssl-cert", "--", "true" } },
	{ { "--groups", "ssl-cert,0", "--", "true" } },
	{ { "--wait", "all", "--", "true" } },
	{ { "--info-fd", "3", "--", "true" } },
	{ { "--notify", "none", "--", "true" } },
	{ { "--cap-keep", "net_bind_service", "--", "true" } },
	{ { "--userns", "--", "true" } },
	{ { "--pid", "host", "--", "true" } },
	{ { "--chdir", "/srv", "--", "true" } },
	{ { "--setenv", "LANG=C.UTF-8", "--", "true" } },
	{ { "--unsetenv", "DISPLAY", "--", "true" } },
	{ { "--clearenv", "--", "true" } },
	{ { "--quiet", "--", "true" } },
	{ { "-q", "--", "true" } },
	{ { "--audit", "-", "--", "true" } },
	{ { "--learn", "/tmp/learned.profile", "--", "true" } },
	{ { "--restart", "on-failure", "--", "true" } },
	{ { "--restart-sec", "0.5", "--", "true" } },
	{ { "--run-socket-optional", "/run/dbus/system_bus_socket", "--", "true" } },
	{ { "--print-filter" } },
	{ { "--other-sockets", "visible", "--", "true" } },
	{ { "--show-socket", "/tmp/.X11-unix", "--", "true" } },
	{ { "--exposure" } },
	{ { "--exposure", "--json", "--net", "host", "--", "true" } },
	{ { "--features" } },
	{ { "--help" } },
	{ { "-h" } },
	{ { "--version" } },
	{ { "--gate-only", "--", "true" } },
	{ { "--new-session", "--", "true" } },
	{ { "--on-deny", "kill", "--new-session", "--pid", "private", "--", "true" } },
	{ { "--gate-only", "--net", "host", "--pid", "host", "--listen", "tcp:127.0.0.1:8080", "--", "true" } },
	{ { "--net", "host", "--gate-only", "--", "true" } },
};

struct bad_case {
	struct words w;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ { { "--net", "bogus", "--", "true" } },
	  "--net bogus: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX" },
	{ { { "--net", "NONE", "--", "true" } },
	  "--net NONE: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX" },
	{ { { "--net", "", "--", "true" } }, "--net '': expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX" },
	{ { { "--net", "veth:10.0.0.1/24", "--", "true" } },
	  "--net veth:10.0.0.1/24: expected veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX" },
	{ { { "--run-socket", "/tmp/x.sock", "--", "true" } }, "--run-socket /tmp/x.sock: not under /run" },
	{ { { "--run-socket", "run/x", "--", "true" } }, "--run-socket run/x: path must be absolute" },
	{ { { "--run-dir", "/run", "--", "true" } }, "--run-dir /run: must be below /run, not /run itself" },
	{ { { "--run-dir", "/runner/x", "--", "true" } }, "--run-dir /runner/x: not under /run" },
	{ { { "--pathname-bind", "all", "--", "true" } }, "--pathname-bind all: expected any or run-dirs" },
	{ { { "--tmpfs", "tmp", "--", "true" } }, "--tmpfs tmp: path must be absolute" },
	{ { { "--tmpfs", "/", "--", "true" } }, "--tmpfs /: cannot mount over /" },
	{ { { "--bind", "/srv:data", "--", "true" } }, "--bind /srv:data: path must be absolute" },
	{ { { "--bind", "srv:/data", "--", "true" } }, "--bind srv:/data: path must be absolute" },
	{ { { "--bind", "/srv:", "--", "true" } }, "--bind /srv:: path must be absolute" },
	{ { { "--ro-bind", "/usr:/", "--", "true" } }, "--ro-bind /usr:/: cannot mount over /" },
	{ { { "--ro-bind", "", "--", "true" } }, "--ro-bind '': path must be absolute" },
	{ { { "--abstract", "permit", "--", "true" } }, "--abstract permit: expected deny, allow or log" },
	{ { { "--abstract-allow", "/tmp/.X11-unix/X0", "--", "true" } },
	  "--abstract-allow /tmp/.X11-unix/X0: an abstract name pattern starts with @" },
	{ { { "--autobind", "yes", "--", "true" } }, "--autobind yes: expected allow or deny" },
	{ { { "--abstract-connect", "yes", "--", "true" } }, "--abstract-connect yes: expected deny or allow" },
	{ { { "--abstract-bridge", "org", "--", "true" } },
	  "--abstract-bridge org: an abstract name pattern starts with @, e.g. @/tmp/.X11-unix/X*" },
	{ { { "--on-deny", "eperm", "--", "true" } }, "--on-deny eperm: expected errno or kill" },
	{ { { "--listen", "foo", "--", "true" } },
	  "--listen foo: expected unix:PATH, @NAME, tcp:ADDR:PORT or udp:ADDR:PORT" },
	{ { { "--listen", "tcp:::1:80", "--", "true" } },
	  "--listen tcp:::1:80: bad IPv4 address '::1' (IPv6 goes in brackets)" },
	{ { { "--listen", "unix:/run/app/s", "--", "true" } },
	  "--listen unix:/run/app/s: the socket must be inside a --run-dir" },
	{ { { "--uid", "-1", "--", "true" } }, "--uid -1: expected a number from 0 to 4294967294 or a name" },
	{ { { "--uid", "4294967295", "--", "true" } },
	  "--uid 4294967295: expected a number from 0 to 4294967294 or a name" },
	{ { { "--gid", "wh eel", "--", "true" } }, "--gid wh eel: expected a number from 0 to 4294967294 or a name" },
	{ { { "--gid", "4294967295", "--", "true" } },
	  "--gid 4294967295: expected a number from 0 to 4294967294 or a name" },
	{ { { "--groups", "a,,b", "--", "true" } }, "--groups a,,b: empty group in the list" },
	{ { { "--wait", "none", "--", "true" } }, "--wait none: expected command or all" },
	{ { { "--info-fd", "2", "--", "true" } }, "--info-fd 2: expected a file descriptor number of 3 or more" },
	{ { { "--info-fd", "x", "--", "true" } }, "--info-fd x: expected a file descriptor number of 3 or more" },
	{ { { "--notify", "yes", "--", "true" } }, "--notify yes: expected relay or none" },
	{ { { "--cap-keep", "cap_bogus", "--", "true" } }, "--cap-keep cap_bogus: unknown capability 'cap_bogus'" },
	{ { { "--cap-keep", "", "--", "true" } }, "--cap-keep '': empty capability list" },
	{ { { "--userns=yes", "--", "true" } }, "--userns takes no argument" },
	{ { { "--pid", "none", "--", "true" } }, "--pid none: expected private or host" },
	{ { { "--chdir", "", "--", "true" } }, "--chdir '': empty directory" },
	{ { { "--setenv", "LANG", "--", "true" } }, "--setenv LANG: expected NAME=VALUE" },
	{ { { "--setenv", "=C", "--", "true" } }, "--setenv =C: empty variable name" },
	{ { { "--unsetenv", "A=B", "--", "true" } }, "--unsetenv A=B: a variable name cannot contain =" },
	{ { { "--unsetenv", "", "--", "true" } }, "--unsetenv '': empty variable name" },
	{ { { "--clearenv=1", "--", "true" } }, "--clearenv takes no argument" },
	{ { { "--quiet=1", "--", "true" } }, "--quiet takes no argument" },
	{ { { "-qz", "--", "true" } }, "unknown option -z (see --help)" },
	{ { { "--audit", "", "--", "true" } }, "--audit '': empty file name" },
	{ { { "--learn", "", "--", "true" } }, "--learn '': empty file name" },
	{ { { "--learn", "/tmp/p", "--abstract", "allow", "--", "true" } },
	  "--learn /tmp/p: cannot be combined with --abstract allow" },
	{ { { "--restart", "yes", "--", "true" } }, "--restart yes: expected no, on-failure or always" },
	{ { { "--run-socket-optional", "/tmp/s", "--", "true" } }, "--run-socket-optional /tmp/s: not under /run" },
	{ { { "--run-socket-optional", "/run/a/s", "--run-dir", "/run/a", "--", "true" } },
	  "--run-socket-optional /run/a/s: overlaps --run-dir /run/a" },
	{ { { "--run-socket-optional", "/run/a/s", "--run-socket", "/run/a/s", "--", "true" } },
	  "--run-socket-optional /run/a/s: also given as --run-socket" },
	{ { { "--restart-sec", "1s", "--", "true" } }, "--restart-sec 1s: expected seconds from 0 to 3600, e.g. 1 or 0.25" },
	{ { { "--restart", "always", "--pid", "host", "--", "true" } },
	  "--restart: restarts are run by the sandbox's own init; drop --pid host" },
	{ { { "--print-filter=1" } }, "--print-filter takes no argument" },
	{ { { "--print-filter", "--", "ls" } }, "unexpected argument 'ls' after --print-filter" },
	{ { { "--other-sockets", "shown", "--", "true" } }, "--other-sockets shown: expected hidden or visible" },
	{ { { "--show-socket", "tmp/x", "--", "true" } }, "--show-socket tmp/x: path must be absolute" },
	{ { { "--exposure", "--print-filter" } }, "--print-filter cannot be combined with --exposure" },
	{ { { "--json", "--", "true" } }, "--json goes with --exposure (sockjail --exposure --json [OPTION...])" },
	{ { { "--gate-only", "--other-sockets", "hidden", "--", "true" } },
	  "--gate-only: --other-sockets hidden needs a namespace of its own, which --gate-only does not create" },
	{ { { "--help=1" } }, "--help takes no argument" },
	{ { { "--features", "--", "ls" } }, "unexpected argument 'ls' after --features" },
	{ { { "--features", "--print-filter" } }, "--print-filter cannot be combined with --features" },
	{ { { "--version=1" } }, "--version takes no argument" },
	{ { { "--gate-only=1", "--", "true" } }, "--gate-only takes no argument" },
	{ { { "--new-session=1", "--", "true" } }, "--new-session takes no argument" },
	{ { { "--on-deny", "kill", "--pid", "host", "--", "true" } },
	  "--on-deny kill cannot be combined with --pid host (it needs the PID namespace to kill every process of "
	  "the sandbox); use --on-deny errno or --pid private" },
	{ { { "--gate-only", "--on-deny", "kill", "--", "true" } },
	  "--on-deny kill cannot be combined with --gate-only (it needs the PID namespace to kill every process of "
	  "the sandbox); use --on-deny errno" },
	{ { { "--gate-only", "--run-dir", "/run/app", "--", "true" } },
	  "--gate-only: --run-dir needs a namespace of its own, which --gate-only does not create" },
	{ { { "--run-socket", "/run/x", "--gate-only", "--", "true" } },
	  "--gate-only: --run-socket needs a namespace of its own, which --gate-only does not create" },
	{ { { "--gate-only", "--tmpfs", "/tmp", "--", "true" } },
	  "--gate-only: --tmpfs needs a namespace of its own, which --gate-only does not create" },
	{ { { "--gate-only", "--ro-bind", "/usr", "--", "true" } },
	  "--gate-only: --ro-bind needs a namespace of its own, which --gate-only does not create" },
	{ { { "--net", "none", "--gate-only", "--", "true" } },
	  "--gate-only: --net none|veth needs a namespace of its own, which --gate-only does not create" },
	{ { { "--gate-only", "--net", "veth:10.0.0.1/24,10.0.0.2/24", "--", "true" } },
	  "--gate-only: --net none|veth needs a namespace of its own, which --gate-only does not create" },
	{ { { "--gate-only", "--pid", "private", "--", "true" } },
	  "--gate-only: --pid private needs a namespace of its own, which --gate-only does not create" },
	{ { { "--gate-only", "--wait", "all", "--", "true" } },
	  "--gate-only: --wait all needs a namespace of its own, which --gate-only does not create" },
	{ { { "--userns", "--gate-only", "--", "true" } },
	  "--gate-only: --userns needs a namespace of its own, which --gate-only does not create" },
};

/* The tables above name every option but the two that read profiles. */
static bool words_use_option(const struct words *w, const struct sj_option *o)
{
	size_t len = strlen(o->name);
	for (size_t i = 0; w->v[i]; i++) {
		if (strcmp(w->v[i], "--") == 0)
			break;
		if (o->short_name && w->v[i][0] == '-' && w->v[i][1] == o->short_name)
			return true;
		if (strncmp(w->v[i], "--", 2) == 0 && strncmp(w->v[i] + 2, o->name, len) == 0 &&
		    (w->v[i][2 + len] == '\0' || w->v[i][2 + len] == '='))
			return true;
	}
	return false;
}

static void test_tables_cover_every_option(void **state)
{
	(void)state;
	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (o->id == SJ_OPT_PROFILE || o->id == SJ_OPT_CHECK_PROFILE)
			continue; /* test_cli_profile.c */
		bool valid = false, bad = false;
		for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++)
			valid = valid || words_use_option(&valid_cases[i], o);
		for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++)
			bad = bad || words_use_option(&bad_cases[i].w, o);
		if (!valid || !bad)
			fail_msg("--%s lacks a %s case", o->name, valid ? "bad" : "valid");
	}
}

static void test_every_option_valid(void **state)
{
	struct ctx *c = *state;
	for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
		int r = parse_words(c, valid_cases[i].v);
		if (r != 0)
			fail_msg("%s %s refused: %s", valid_cases[i].v[0], valid_cases[i].v[1] ? valid_cases[i].v[1] : "",
				 c->err);
	}
}

static void test_every_option_bad(void **state)
{
	struct ctx *c = *state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++)
		assert_refused_words(c, bad_cases[i].w.v, bad_cases[i].message);
}

/* ---------------------------------------------------------------------- */
/* What each option stores */

static void test_defaults(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--", "true");
	assert_int_equal(c->cli.action, SJ_ACTION_RUN);
	assert_null(c->cli.check_profile);
	assert_int_equal(c->s.net, SJ_NET_NONE);
	assert_null(c->s.net_veth);
	assert_int_equal(c->s.run_sockets.n, 0);
	assert_int_equal(c->s.run_dirs.n, 0);
	assert_int_equal(c->s.pathname_bind, SJ_PATHNAME_BIND_ANY);
	assert_int_equal(c->s.n_mounts, 0);
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_DENY);
	assert_int_equal(c->s.abstract_allow.n, 0);
	assert_int_equal(c->s.autobind, SJ_AUTOBIND_ALLOW);
	assert_int_equal(c->s.abstract_connect, SJ_ABSTRACT_CONNECT_DENY);
	assert_false(c->s.abstract_connect_set);
	assert_int_equal(c->s.on_deny, SJ_ON_DENY_ERRNO);
	assert_int_equal(c->s.listen.n, 0);
	assert_false(c->s.uid_set);
	assert_false(c->s.gid_set);
	assert_int_equal(c->s.cap_keep, 0);
	assert_false(c->s.userns);
	assert_int_equal(c->s.pid, SJ_PID_PRIVATE);
	assert_int_equal(c->s.restart, SJ_RESTART_NO);
	assert_int_equal(c->s.restart_sec_ms, 1000);
	assert_null(c->s.chdir);
	assert_int_equal(c->s.n_env, 0);
	assert_false(c->s.quiet);
	assert_null(c->s.audit);
	assert_null(c->s.learn);
}

static void test_net(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--net", "host", "true");
	assert_int_equal(c->s.net, SJ_NET_HOST);
	PARSE_OK(c, "--net", "veth:10.0.0.1/24,10.0.0.2/24,name=sj-web", "true");
	assert_int_equal(c->s.net, SJ_NET_VETH);
	assert_string_equal(c->s.net_veth, "10.0.0.1/24,10.0.0.2/24,name=sj-web");
	PARSE_OK(c, "--net", "veth:fd00::1/64,fd00::2/64", "true");
	assert_int_equal(c->s.net, SJ_NET_VETH);
	assert_string_equal(c->s.net_veth, "fd00::1/64,fd00::2/64");
	/* A later --net replaces the veth, text and all. */
	PARSE_OK(c, "--net", "veth:10.0.0.1/24,10.0.0.2/24", "--net", "none", "true");
	assert_int_equal(c->s.net, SJ_NET_NONE);
	assert_null(c->s.net_veth);
	PARSE_OK(c, "--net", "veth:10.0.0.1/24,10.0.0.2/24", "--net", "veth:10.9.0.1/30,10.9.0.2/30", "true");
	assert_string_equal(c->s.net_veth, "10.9.0.1/30,10.9.0.2/30");
}

static void test_net_bad_veth(void **state)
{
	struct ctx *c = *state;
	REFUSED(c, "--net veth:: expected veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX", "--net", "veth:", "true");
	REFUSED(c, "--net veth:10.0.0.1,10.0.0.2/24: '10.0.0.1' needs a /PREFIX", "--net", "veth:10.0.0.1,10.0.0.2/24",
		"true");
	REFUSED(c, "--net veth:10.0.0.1/33,10.0.0.2/24: bad prefix length '33' (1-32)", "--net",
		"veth:10.0.0.1/33,10.0.0.2/24", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,fd00::2/64: both addresses must be IPv4 or both IPv6", "--net",
		"veth:10.0.0.1/24,fd00::2/64", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,10.0.0.1/24: the host and sandbox addresses are equal", "--net",
		"veth:10.0.0.1/24,10.0.0.1/24", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,10.0.1.2/24: 10.0.0.1/24 and 10.0.1.2/24 are not on the same subnet", "--net",
		"veth:10.0.0.1/24,10.0.1.2/24", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,10.0.0.255/24: 10.0.0.255 is the broadcast address of its /24 subnet",
		"--net", "veth:10.0.0.1/24,10.0.0.255/24", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,10.0.0.2/24,name=abcdefghijklmnop: interface name must be 1-15 bytes",
		"--net", "veth:10.0.0.1/24,10.0.0.2/24,name=abcdefghijklmnop", "true");
	REFUSED(c, "--net veth:10.0.0.1/24,10.0.0.2/24,name=a/b: 'a/b' is not a valid interface name", "--net",
		"veth:10.0.0.1/24,10.0.0.2/24,name=a/b", "true");
	REFUSED(c, "--net VETH:10.0.0.1/24,10.0.0.2/24: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX",
		"--net", "VETH:10.0.0.1/24,10.0.0.2/24", "true");
	/* A refused --net leaves the earlier one in place. */
	assert_int_equal(PARSE(c, "--net", "host", "--net", "veth:1.2.3.4/24", "true"), -EINVAL);
	assert_int_equal(c->s.net, SJ_NET_HOST);
	assert_null(c->s.net_veth);
}

static void test_run_paths(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--run-socket", "/run/dbus/system_bus_socket", "--run-dir", "/run/app", "--run-socket",
		 "/run/systemd/journal", "--run-dir", "/run/app/sub", "true");
	assert_int_equal(c->s.run_sockets.n, 2);
	assert_string_equal(c->s.run_sockets.v[0], "/run/dbus/system_bus_socket");
	assert_string_equal(c->s.run_sockets.v[1], "/run/systemd/journal");
	assert_int_equal(c->s.run_dirs.n, 2);
	assert_string_equal(c->s.run_dirs.v[0], "/run/app");
	assert_string_equal(c->s.run_dirs.v[1], "/run/app/sub");
	PARSE_OK(c, "--pathname-bind", "run-dirs", "true");
	assert_int_equal(c->s.pathname_bind, SJ_PATHNAME_BIND_RUN_DIRS);
	PARSE_OK(c, "--pathname-bind", "run-dirs", "--pathname-bind", "any", "true");
	assert_int_equal(c->s.pathname_bind, SJ_PATHNAME_BIND_ANY);
}

/* Absolute, normalised: what the mount plan and bind checks compare by prefix. */
static void test_path_normalisation(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *path, *reason;
	} bad[] = {
		{ "run/app", "path must be absolute" },
		{ "./run/app", "path must be absolute" },
		{ "", "path must be absolute" },
		{ "/run/../etc", "path must not contain . or .. components" },
		{ "/run/app/..", "path must not contain . or .. components" },
		{ "/run/./app", "path must not contain . or .. components" },
		{ "/run/app/.", "path must not contain . or .. components" },
		{ "//run/app", "path must not contain //" },
		{ "/run//app", "path must not contain //" },
		{ "/run/app//", "path must not contain //" },
		{ "/run/app/", "path must not end in /" },
		{ "/run/", "path must not end in /" },
	};
	static const char *const run_options[] = { "--run-dir", "--run-socket" };
	static const char *const mount_options[] = { "--tmpfs", "--bind", "--ro-bind" };
	char message[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Trailing slashes are dropped from --run-* paths (test_run_path_normalised). */
		size_t len = strlen(bad[i].path);
		for (size_t j = 0; j < ARRAY_SIZE(run_options) && !(len > 1 && bad[i].path[len - 1] == '/'); j++) {
			snprintf(message, sizeof(message), "%s %s: %s", run_options[j], bad[i].path[0] ? bad[i].path : "''",
				 bad[i].reason);
			REFUSED(c, message, run_options[j], bad[i].path, "true");
		}
		for (size_t j = 0; j < ARRAY_SIZE(mount_options); j++) {
			snprintf(message, sizeof(message), "%s %s: %s", mount_options[j], bad[i].path[0] ? bad[i].path : "''",
				 bad[i].reason);
			REFUSED(c, message, mount_options[j], bad[i].path, "true");
		}
		/* Either side of SRC:DST. */
		char arg[64];
		snprintf(arg, sizeof(arg), "/srv:%s", bad[i].path);
		snprintf(message, sizeof(message), "--bind %s: %s", arg, bad[i].reason);
		REFUSED(c, message, "--bind", arg, "true");
		if (bad[i].path[0]) {
			snprintf(arg, sizeof(arg), "%s:/srv", bad[i].path);
			snprintf(message, sizeof(message), "--ro-bind %s: %s", arg, bad[i].reason);
			REFUSED(c, message, "--ro-bind", arg, "true");
		}
	}
	/* Names that only look like . and .. are names. */
	PARSE_OK(c, "--run-dir", "/run/.app", "--run-dir", "/run/..d", "--run-dir", "/run/...", "--tmpfs", "/a.",
		 "true");
	assert_int_equal(c->s.run_dirs.n, 3);
	/* /run itself is refused for --run-dir and --run-socket alike. */
	REFUSED(c, "--run-dir /run: must be below /run, not /run itself", "--run-dir", "/run", "true");
	REFUSED(c, "--run-socket /run: must be below /run, not /run itself", "--run-socket", "/run", "true");
	REFUSED(c, "--run-dir /: not under /run", "--run-dir", "/", "true");
	REFUSED(c, "--run-dir /runx: not under /run", "--run-dir", "/runx", "true");
	REFUSED(c, "--run-dir /var/run/app: not under /run (/var/run is not a symlink to /run here)", "--run-dir",
		"/var/run/app", "true");
	REFUSED(c, "--run-dir /var/runner: not under /run", "--run-dir", "/var/runner", "true");
	/* The unix: path of --listen follows the same rules. */
	REFUSED(c, "--listen unix:/run/app/../s: path must not contain . or .. components", "--run-dir", "/run/app",
		"--listen", "unix:/run/app/../s", "true");
	REFUSED(c, "--listen unix:/run/app//s: path must not contain //", "--run-dir", "/run/app", "--listen",
		"unix:/run/app//s", "true");
	REFUSED(c, "--listen unix:/run/app/s/: path must not end in /", "--run-dir", "/run/app", "--listen",
		"unix:/run/app/s/", "true");
}

/* "/run/x/" and, where /var/run is the usual symlink, "/var/run/x" mean /run/x (issue 13). */
static void test_run_path_normalised(void **state)
{
	struct sj_settings s;
	char err[256];
	static const struct {
		const char *arg, *stored;
	} good[] = {
		{ "/run/app/", "/run/app" },   { "/run/app///", "/run/app" },	   { "/var/run/app", "/run/app" },
		{ "/var/run/a/b/", "/run/a/b" }, { "/run/var/run/x", "/run/var/run/x" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		for (int id = SJ_OPT_RUN_SOCKET; id <= SJ_OPT_RUN_DIR; id++) {
			settings_init(&s);
			s.var_run_is_run = true;
			err[0] = '\0';
			if (settings_apply(&s, id, good[i].arg, err, sizeof(err)) < 0)
				fail_msg("%s refused: %s", good[i].arg, err);
			const struct sj_strv *v = id == SJ_OPT_RUN_DIR ? &s.run_dirs : &s.run_sockets;
			assert_int_equal(v->n, 1);
			assert_string_equal(v->v[0], good[i].stored);
			settings_free(&s);
		}
	}
	/* Normalised, it is still checked like any other. */
	static const struct {
		const char *arg, *reason;
	} bad[] = {
		{ "/var/run", "must be below /run, not /run itself" },
		{ "/var/run/", "must be below /run, not /run itself" },
		{ "/run/", "must be below /run, not /run itself" },
		{ "/var/run/../etc", "path must not contain . or .. components" },
		{ "/var/run//x", "path must not contain //" },
		{ "/var/runx", "not under /run" },
		{ "/", "not under /run" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		settings_init(&s);
		s.var_run_is_run = true;
		err[0] = '\0';
		assert_int_equal(settings_apply(&s, SJ_OPT_RUN_DIR, bad[i].arg, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, bad[i].reason);
		assert_int_equal(s.run_dirs.n, 0);
		settings_free(&s);
	}
	/* Without the symlink, /var/run is some other directory. */
	settings_init(&s);
	assert_int_equal(settings_apply(&s, SJ_OPT_RUN_DIR, "/var/run/app", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "not under /run (/var/run is not a symlink to /run here)");
	settings_free(&s);
}

static void test_path_too_long(void **state)
{
	struct ctx *c = *state;
	char path[4097];
	memcpy(path, "/run/", 5);
	memset(path + 5, 'x', 4096 - 5);
	path[4096] = '\0';
	assert_int_equal(PARSE(c, "--run-dir", path, "true"), -ENAMETOOLONG);
	/* The message is cut to the buffer, its start intact. */
	assert_int_equal(strncmp(c->err, "--run-dir /run/xxx", 18), 0);
	assert_int_equal(strlen(c->err), sizeof(c->err) - 1);
	path[4095] = '\0';
	PARSE_OK(c, "--run-dir", path, "true");

	char err[8192];
	struct sj_settings s;
	settings_init(&s);
	path[4095] = 'x';
	assert_int_equal(settings_apply(&s, SJ_OPT_TMPFS, path, err, sizeof(err)), -ENAMETOOLONG);
	assert_string_equal(err, "path too long");
	settings_free(&s);
}

static void test_path_is_under(void **state)
{
	(void)state;
	assert_true(path_is_under("/run/app", "/run"));
	assert_true(path_is_under("/run/app/s", "/run/app"));
	assert_true(path_is_under("/run", "/run"));
	assert_true(path_is_under("/run/app", "/run/"));
	assert_true(path_is_under("/run", "/"));
	assert_true(path_is_under("/", "/"));
	assert_false(path_is_under("/runx", "/run"));
	assert_false(path_is_under("/run/appx/s", "/run/app"));
	assert_false(path_is_under("/ru", "/run"));
	assert_false(path_is_under("/", "/run"));
	assert_false(path_is_under("/var/run/app", "/run"));
}

static void test_mounts_keep_order(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--tmpfs", "/tmp", "--bind", "/srv/data", "--ro-bind", "/etc/ssl:/run/ssl", "--tmpfs", "/var/tmp",
		 "--bind", "/home/u/in:/in", "--ro-bind", "/usr", "true");
	static const struct {
		enum sj_mount_kind kind;
		const char *src, *dst;
	} want[] = {
		{ SJ_MOUNT_TMPFS, NULL, "/tmp" },
		{ SJ_MOUNT_BIND, "/srv/data", "/srv/data" },
		{ SJ_MOUNT_RO_BIND, "/etc/ssl", "/run/ssl" },
		{ SJ_MOUNT_TMPFS, NULL, "/var/tmp" },
		{ SJ_MOUNT_BIND, "/home/u/in", "/in" },
		{ SJ_MOUNT_RO_BIND, "/usr", "/usr" },
	};
	assert_int_equal(c->s.n_mounts, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(c->s.mounts[i].kind, want[i].kind);
		if (want[i].src)
			assert_string_equal(c->s.mounts[i].src, want[i].src);
		else
			assert_null(c->s.mounts[i].src);
		assert_string_equal(c->s.mounts[i].dst, want[i].dst);
	}
}

static void test_abstract_options(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--abstract", "log", "--abstract-allow", "@/tmp/.X11-unix/X*", "--abstract-allow", "@dbus-*",
		 "--abstract-allow", "@", "--autobind", "deny", "--abstract-connect", "deny", "--on-deny", "kill",
		 "true");
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_LOG);
	assert_int_equal(c->s.abstract_allow.n, 3);
	assert_string_equal(c->s.abstract_allow.v[0], "@/tmp/.X11-unix/X*");
	assert_string_equal(c->s.abstract_allow.v[1], "@dbus-*");
	assert_string_equal(c->s.abstract_allow.v[2], "@");
	assert_int_equal(c->s.autobind, SJ_AUTOBIND_DENY);
	/* Given explicitly, even with the default value: failing to enforce it is an error. */
	assert_int_equal(c->s.abstract_connect, SJ_ABSTRACT_CONNECT_DENY);
	assert_true(c->s.abstract_connect_set);
	assert_int_equal(c->s.on_deny, SJ_ON_DENY_KILL);

	PARSE_OK(c, "--abstract", "allow", "--abstract-connect", "allow", "true");
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_ALLOW);
	assert_int_equal(c->s.abstract_connect, SJ_ABSTRACT_CONNECT_ALLOW);
	PARSE_OK(c, "--abstract", "log", "--abstract", "deny", "--autobind", "deny", "--autobind", "allow", "--on-deny",
		 "kill", "--on-deny", "errno", "true");
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_DENY);
	assert_int_equal(c->s.autobind, SJ_AUTOBIND_ALLOW);
	assert_int_equal(c->s.on_deny, SJ_ON_DENY_ERRNO);
	REFUSED(c, "--abstract-allow '': an abstract name pattern starts with @", "--abstract-allow", "", "true");
	REFUSED(c, "--abstract DENY: expected deny, allow or log", "--abstract", "DENY", "true");
}

static void test_listen(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--listen", "unix:/run/app/http.sock,name=http", "--listen", "@ctl", "--listen", "tcp:0.0.0.0:80",
		 "--listen", "udp:[::]:53", "--run-dir", "/run/app", "true");
	assert_int_equal(c->s.listen.n, 4);
	assert_string_equal(c->s.listen.v[0], "unix:/run/app/http.sock,name=http");
	assert_string_equal(c->s.listen.v[1], "@ctl");
	assert_string_equal(c->s.listen.v[2], "tcp:0.0.0.0:80");
	assert_string_equal(c->s.listen.v[3], "udp:[::]:53");
	/* Deeper inside a --run-dir is inside it. */
	PARSE_OK(c, "--run-dir", "/run/app", "--listen", "unix:/run/app/sub/s", "true");

	/* A unix: socket must be inside a --run-dir: /run is read-only elsewhere. */
	REFUSED(c, "--listen unix:/tmp/s: the socket must be inside a --run-dir", "--listen", "unix:/tmp/s", "true");
	REFUSED(c, "--listen unix:/run/app: the socket must be inside a --run-dir", "--run-dir", "/run/app", "--listen",
		"unix:/run/app", "true");
	REFUSED(c, "--listen unix:/run/apps/s: the socket must be inside a --run-dir", "--run-dir", "/run/app",
		"--listen", "unix:/run/apps/s", "true");
	REFUSED(c, "--listen unix:/run/dbus/s: the socket must be inside a --run-dir", "--run-socket", "/run/dbus",
		"--listen", "unix:/run/dbus/s", "true");
	REFUSED(c, "--listen udp:1.2.3.4:53,backlog=5: backlog= does not apply to udp:", "--listen",
		"udp:1.2.3.4:53,backlog=5", "true");
	REFUSED(c, "--listen @: empty abstract name", "--listen", "@", "true");
	REFUSED(c, "--listen tcp:1.2.3.4:0: bad port '0' (1-65535)", "--listen", "tcp:1.2.3.4:0", "true");
}

static void test_uid_gid_bounds(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--uid", "0", "--gid", "0", "true");
	assert_true(c->s.uid_set);
	assert_true(c->s.gid_set);
	assert_int_equal(c->s.uid, 0);
	assert_int_equal(c->s.gid, 0);
	PARSE_OK(c, "--uid", "4294967294", "--gid", "4294967294", "true");
	assert_int_equal(c->s.uid, 4294967294u);
	assert_int_equal(c->s.gid, 4294967294u);
	PARSE_OK(c, "--uid", "007", "true");
	assert_int_equal(c->s.uid, 7);
	assert_false(c->s.gid_set);

	static const char *const bad[] = { "4294967295", "4294967296", "18446744073709551615", "18446744073709551616",
					   "99999999999999999999999", "-1", "+1", " 1", "1 ", "1x", "0x10", "1e3",
					   "", "-root", "a b", "a:b", "a/b", "$", "\xc3\xa9" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char message[128];
		const char *shown = bad[i][0] ? bad[i] : "''";
		snprintf(message, sizeof(message), "--uid %s: expected a number from 0 to 4294967294 or a name", shown);
		REFUSED(c, message, "--uid", bad[i], "true");
		snprintf(message, sizeof(message), "--gid %s: expected a number from 0 to 4294967294 or a name", shown);
		REFUSED(c, message, "--gid", bad[i], "true");
	}
	/* A refused id leaves the earlier one. */
	assert_int_equal(PARSE(c, "--uid", "5", "--uid", "4294967295", "true"), -EINVAL);
	assert_true(c->s.uid_set);
	assert_int_equal(c->s.uid, 5);

	/* Names are kept for identity_resolve(); a later number replaces one. */
	PARSE_OK(c, "--uid", "postgres", "--gid", "ssl-cert", "true");
	assert_true(c->s.uid_set && c->s.gid_set);
	assert_string_equal(c->s.uid_name, "postgres");
	assert_string_equal(c->s.gid_name, "ssl-cert");
	PARSE_OK(c, "--uid", "www-data", "--uid", "33", "true");
	assert_null(c->s.uid_name);
	assert_int_equal(c->s.uid, 33);
	PARSE_OK(c, "--uid", "_apt", "--gid", "Debian-exim", "true");
	PARSE_OK(c, "--uid", "smb$", "true");
	assert_string_equal(c->s.uid_name, "smb$");

	/* --groups: last wins, names and numbers, no empty item. */
	PARSE_OK(c, "--groups", "a", "--groups", "ssl-cert,0,adm", "true");
	assert_true(c->s.groups_set);
	assert_int_equal(c->s.groups.n, 3);
	assert_string_equal(c->s.groups.v[0], "ssl-cert");
	assert_string_equal(c->s.groups.v[1], "0");
	REFUSED(c, "--groups a,,b: empty group in the list", "--groups", "a,,b", "true");
	REFUSED(c, "--groups a,: empty group in the list", "--groups", "a,", "true");
	REFUSED(c, "--groups a,-1: group '-1': expected a number from 0 to 4294967294 or a name", "--groups",
		"a,-1", "true");
}

static void test_cap_keep(void **state)
{
	struct ctx *c = *state;
	const uint64_t nbs = UINT64_C(1) << CAP_NET_BIND_SERVICE;
	PARSE_OK(c, "--cap-keep", "net_bind_service", "true");
	assert_int_equal(c->s.cap_keep, nbs);
	static const char *const spellings[] = { "NET_BIND_SERVICE", "cap_net_bind_service", "CAP_NET_BIND_SERVICE",
						 "Cap_Net_Bind_Service", "nEt_BiNd_SeRvIcE" };
	for (size_t i = 0; i < ARRAY_SIZE(spellings); i++) {
		PARSE_OK(c, "--cap-keep", spellings[i], "true");
		assert_int_equal(c->s.cap_keep, nbs);
	}
	/* A list, and --cap-keep accumulates. */
	PARSE_OK(c, "--cap-keep", "chown,CAP_KILL", "--cap-keep", "sys_admin", "--cap-keep", "kill", "true");
	assert_int_equal(c->s.cap_keep, (UINT64_C(1) << CAP_CHOWN) | (UINT64_C(1) << CAP_KILL) |
						(UINT64_C(1) << CAP_SYS_ADMIN));

	REFUSED(c, "--cap-keep cap_bogus: unknown capability 'cap_bogus'", "--cap-keep", "cap_bogus", "true");
	REFUSED(c, "--cap-keep bogus: unknown capability 'bogus'", "--cap-keep", "bogus", "true");
	REFUSED(c, "--cap-keep CAP_: unknown capability 'cap_'", "--cap-keep", "CAP_", "true");
	REFUSED(c, "--cap-keep 12: unknown capability '12'", "--cap-keep", "12", "true");
	REFUSED(c, "--cap-keep cap_12: unknown capability 'cap_12'", "--cap-keep", "cap_12", "true");
	REFUSED(c, "--cap-keep all: unknown capability 'all'", "--cap-keep", "all", "true");
	REFUSED(c, "--cap-keep chown,frob: unknown capability 'frob'", "--cap-keep", "chown,frob", "true");
	REFUSED(c, "--cap-keep '': empty capability list", "--cap-keep", "", "true");
	/* A refused list adds nothing, not even its good names. */
	assert_int_equal(PARSE(c, "--cap-keep", "kill", "--cap-keep", "chown,frob", "true"), -EINVAL);
	assert_int_equal(c->s.cap_keep, UINT64_C(1) << CAP_KILL);
}

static void test_identity_and_process(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--userns", "--pid", "host", "--chdir", "/srv", "-q", "--audit", "/var/log/sj.jsonl", "--learn",
		 "/tmp/out.profile", "true");
	assert_true(c->s.userns);
	assert_int_equal(c->s.pid, SJ_PID_HOST);
	assert_string_equal(c->s.chdir, "/srv");
	assert_true(c->s.quiet);
	assert_string_equal(c->s.audit, "/var/log/sj.jsonl");
	assert_string_equal(c->s.learn, "/tmp/out.profile");
	PARSE_OK(c, "--audit", "-", "--quiet", "true");
	assert_string_equal(c->s.audit, "-");
	assert_true(c->s.quiet);
	/* --learn records under log, and under deny (the default) too. */
	PARSE_OK(c, "--learn", "/tmp/p", "--abstract", "log", "true");
	PARSE_OK(c, "--learn", "/tmp/p", "--abstract", "deny", "true");
	PARSE_OK(c, "--restart", "always", "--restart-sec", "0.25", "true");
	assert_int_equal(c->s.restart, SJ_RESTART_ALWAYS);
	assert_int_equal(c->s.restart_sec_ms, 250);
}

static void test_env_keeps_order(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--setenv", "A=1", "--unsetenv", "B", "--clearenv", "--setenv", "C=x=y", "--setenv", "D=",
		 "--unsetenv", "A", "true");
	static const struct {
		enum sj_env_kind kind;
		const char *name, *value;
	} want[] = {
		{ SJ_ENV_SET, "A", "1" },  { SJ_ENV_UNSET, "B", NULL }, { SJ_ENV_CLEAR, NULL, NULL },
		{ SJ_ENV_SET, "C", "x=y" }, { SJ_ENV_SET, "D", "" },    { SJ_ENV_UNSET, "A", NULL },
	};
	assert_int_equal(c->s.n_env, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(c->s.env[i].kind, want[i].kind);
		if (want[i].name)
			assert_string_equal(c->s.env[i].name, want[i].name);
		else
			assert_null(c->s.env[i].name);
		if (want[i].value)
			assert_string_equal(c->s.env[i].value, want[i].value);
		else
			assert_null(c->s.env[i].value);
	}
}

/* Single-valued settings: the last one wins. */
static void test_last_wins(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--net", "host", "--net", "none", "--uid", "1", "--uid", "2", "--gid", "3", "--gid", "4", "true");
	assert_int_equal(c->s.net, SJ_NET_NONE);
	assert_int_equal(c->s.uid, 2);
	assert_int_equal(c->s.gid, 4);
	PARSE_OK(c, "--chdir", "/a", "--chdir", "/b", "--pid", "host", "--pid", "private", "--audit", "a", "--audit", "b",
		 "true");
	assert_string_equal(c->s.chdir, "/b");
	assert_int_equal(c->s.pid, SJ_PID_PRIVATE);
	assert_string_equal(c->s.audit, "b");
	PARSE_OK(c, "--learn", "/tmp/a", "--learn", "/tmp/b", "--abstract-connect", "allow", "--abstract-connect", "deny",
		 "true");
	assert_string_equal(c->s.learn, "/tmp/b");
	assert_int_equal(c->s.abstract_connect, SJ_ABSTRACT_CONNECT_DENY);
}

/* ---------------------------------------------------------------------- */
/* COMMAND, "--" and getopt_long's corners */

static void test_command_options_not_parsed(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--", "ls", "-l");
	assert_int_equal(c->cli.action, SJ_ACTION_RUN);
	assert_command(c, WORDS("ls", "-l"));
	assert_ptr_equal(c->cli.command, c->argv + 2); /* points into argv */

	/* Without "--", the first non-option starts COMMAND all the same. */
	PARSE_OK(c, "ls", "-l");
	assert_command(c, WORDS("ls", "-l"));

	PARSE_OK(c, "-q", "env", "--net", "host", "-q", "--", "x");
	assert_command(c, WORDS("env", "--net", "host", "-q", "--", "x"));
	assert_int_equal(c->s.net, SJ_NET_NONE);

	/* After "--", what looks like sockjail's options is COMMAND. */
	PARSE_OK(c, "--net", "host", "--", "--net", "none", "--help");
	assert_int_equal(c->cli.action, SJ_ACTION_RUN);
	assert_int_equal(c->s.net, SJ_NET_HOST);
	assert_command(c, WORDS("--net", "none", "--help"));

	PARSE_OK(c, "--", "--");
	assert_command(c, WORDS("--"));
	PARSE_OK(c, "-", "x");
	assert_command(c, WORDS("-", "x"));
	PARSE_OK(c, "--quiet", "--", "-q");
	assert_command(c, WORDS("-q"));
}

static void test_missing_command(void **state)
{
	struct ctx *c = *state;
	static const char *message = "no COMMAND given (sockjail [OPTION...] -- COMMAND [ARG...])";
	char *argv[] = { "sockjail", NULL };
	memset(&c->cli, 0xa5, sizeof(c->cli));
	assert_int_equal(cli_parse(1, argv, &c->s, &c->cli, c->err, sizeof(c->err)), -EINVAL);
	assert_string_equal(c->err, message);
	REFUSED(c, message, "--");
	REFUSED(c, message, "-q");
	REFUSED(c, message, "--net", "host", "--");
}

static void test_unknown_options(void **state)
{
	struct ctx *c = *state;
	REFUSED(c, "unknown option --bogus (see --help)", "--bogus", "true");
	REFUSED(c, "unknown option --bogus (see --help)", "--bogus=1", "true");
	REFUSED(c, "unknown option -x (see --help)", "-x", "true");
	REFUSED(c, "unknown option -x (see --help)", "-qx", "true");
	/* An error in a short cluster after a long option names the short one. */
	REFUSED(c, "unknown option -x (see --help)", "--quiet", "-xq", "true");
	REFUSED(c, "unknown option -x (see --help)", "--net", "host", "-xq", "true");
	/* Single-dash long options are short clusters. */
	REFUSED(c, "unknown option -n (did you mean --net?)", "-net", "host", "true");
	REFUSED(c, "unknown option --Net (did you mean --net?)", "--Net", "host", "true");
	/* Profile-only keywords are not options. */
	REFUSED(c, "unknown option --include (see --help)", "--include", "x", "true");
	REFUSED(c, "unknown option --sockjail-profile (see --help)", "--sockjail-profile", "1", "true");
}

/* A typo gets the hint a profile gives for the same word (issue 13). */
static void test_typo_hints(void **state)
{
	struct ctx *c = *state;
	static const char *const typos[] = { "run-sokcet", "abstrct", "ro_bind", "pathnamebind", "abstract-alow",
					     "NET", "quite", NULL };
	REFUSED(c, "unknown option --run-sokcet (did you mean --run-socket?)", "--run-sokcet", "/run/x", "true");
	REFUSED(c, "unknown option --abstract-alow (did you mean --abstract-allow?)", "--abstract-alow=@x", "true");
	REFUSED(c, "unknown option --chek-profile (did you mean --check-profile?)", "--chek-profile", "x");
	/* Options that profiles refuse are suggested on the command line too. */
	REFUSED(c, "unknown option --lern (did you mean --learn?)", "--lern", "f", "true");
	REFUSED(c, "unknown option -u (did you mean --quiet?)", "-quite", "true");
	/* Nothing close: no guess. */
	REFUSED(c, "unknown option --zzzzzz (see --help)", "--zzzzzz", "true");
	for (const char *const *t = typos; *t; t++) {
		char opt[80], text[160], want[160];
		snprintf(opt, sizeof(opt), "--%s", *t);
		assert_int_equal(PARSE(c, opt, "x", "true"), -EINVAL);
		const char *hint = strstr(c->err, "(did you mean --");
		assert_non_null(hint);
		snprintf(text, sizeof(text), "sockjail-profile 1\n%s x\n", *t);
		FILE *f = fmemopen(text, strlen(text), "r");
		assert_non_null(f);
		struct sj_settings ps;
		char perr[512];
		settings_init(&ps);
		assert_int_equal(profile_parse(f, "t.profile", 0, &ps, perr, sizeof(perr)), -EINVAL);
		fclose(f);
		settings_free(&ps);
		snprintf(want, sizeof(want), "(did you mean '%.*s'?)", (int)(strlen(hint) - 18), hint + 16);
		if (!strstr(perr, want))
			fail_msg("command line: %s; profile: %s", c->err, perr);
	}
}

/* "--learn -- cmd" must not write a profile named "--" (issue 13). */
static void test_separator_is_not_an_argument(void **state)
{
	struct ctx *c = *state;
	REFUSED(c, "--learn needs FILE before --", "--learn", "--", "true");
	REFUSED(c, "--profile needs NAME|PATH before --", "-p", "--", "true");
	REFUSED(c, "--run-dir needs PATH before --", "--quiet", "--run-dir", "--", "true");
	/* Written as one word it is what the user typed. */
	PARSE_OK(c, "--learn=--", "true");
	assert_string_equal(c->s.learn, "--");
	PARSE_OK(c, "--learn", "./--", "--", "true");
	assert_string_equal(c->s.learn, "./--");
}

/* getopt_long() takes unique prefixes; ambiguous ones get their own message. */
static void test_abbreviations(void **state)
{
	struct ctx *c = *state;
	REFUSED(c, "ambiguous option --run (see --help)", "--run", "/run/x", "true");
	REFUSED(c, "ambiguous option --a (see --help)", "--a=1", "true");
	REFUSED(c, "ambiguous option --abstract- (see --help)", "--abstract-", "allow", "true");
	/* An exact name is never ambiguous with the longer ones it begins. */
	PARSE_OK(c, "--abstract", "allow", "true");
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_ALLOW);
	assert_false(c->s.abstract_connect_set);
	PARSE_OK(c, "--abstract-c", "allow", "--net", "host", "true");
	assert_int_equal(c->s.abstract_connect, SJ_ABSTRACT_CONNECT_ALLOW);
	assert_int_equal(c->s.net, SJ_NET_HOST);
	/* Messages name the option in full. */
	REFUSED(c, "--abstract-connect maybe: expected deny or allow", "--abstract-c", "maybe", "true");
	REFUSED(c, "--net needs an argument", "--net");
	REFUSED(c, "ambiguous option --ne (see --help)", "--ne", "host", "true");
}

static void test_missing_argument(void **state)
{
	struct ctx *c = *state;
	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (!(o->flags & SJ_OPTF_ARG))
			continue;
		char opt[64], message[96];
		snprintf(opt, sizeof(opt), "--%s", o->name);
		snprintf(message, sizeof(message), "--%s needs an argument", o->name);
		REFUSED(c, message, opt);
		REFUSED(c, message, "-q", opt);
	}
	REFUSED(c, "-p needs an argument", "-p");
	REFUSED(c, "-p needs an argument", "-qp");
	/* The next word is the argument, whatever it looks like, except "--". */
	REFUSED(c, "--net needs none|host|veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME] before --", "--net", "--", "true");
	REFUSED(c, "--uid --gid: expected a number from 0 to 4294967294 or a name", "--uid", "--gid", "1", "true");
	PARSE_OK(c, "--chdir", "-q", "true");
	assert_string_equal(c->s.chdir, "-q");
	PARSE_OK(c, "--chdir=--", "true");
	assert_string_equal(c->s.chdir, "--");
	assert_command(c, WORDS("true"));
}

/* --opt=VALUE is --opt VALUE; "--opt=" gives the empty value. */
static void test_equals_forms(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--uid=12", "--run-dir=/run/a", "--setenv=A=B", "x");
	assert_int_equal(c->s.uid, 12);
	assert_string_equal(c->s.run_dirs.v[0], "/run/a");
	assert_string_equal(c->s.env[0].name, "A");
	assert_string_equal(c->s.env[0].value, "B");
	REFUSED(c, "--net '': expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX", "--net=", "x");
	PARSE_OK(c, "-qq", "x");
	assert_true(c->s.quiet);
}

/* ---------------------------------------------------------------------- */
/* Actions */

static void test_help_and_version(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--help");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);
	assert_null(c->cli.command);
	PARSE_OK(c, "-h");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);
	PARSE_OK(c, "--version");
	assert_int_equal(c->cli.action, SJ_ACTION_VERSION);
	assert_null(c->cli.command);

	/* They win at once: what follows is not looked at. */
	PARSE_OK(c, "--help", "--bogus", "--", "ls");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);
	PARSE_OK(c, "--version", "--uid", "-1");
	assert_int_equal(c->cli.action, SJ_ACTION_VERSION);
	PARSE_OK(c, "--print-filter", "--version");
	assert_int_equal(c->cli.action, SJ_ACTION_VERSION);
	PARSE_OK(c, "-qh");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);
	/* What comes before is. */
	REFUSED(c, "unknown option --bogus (see --help)", "--bogus", "--help");
	REFUSED(c, "--uid -1: expected a number from 0 to 4294967294 or a name", "--uid", "-1", "--version");
	/* After "--" it is COMMAND's. */
	PARSE_OK(c, "--", "ls", "--help");
	assert_int_equal(c->cli.action, SJ_ACTION_RUN);
	assert_command(c, WORDS("ls", "--help"));
}

static void test_print_filter(void **state)
{
	struct ctx *c = *state;
	PARSE_OK(c, "--print-filter");
	assert_int_equal(c->cli.action, SJ_ACTION_PRINT_FILTER);
	assert_null(c->cli.command);
	/* The options still shape the filter, in any order around it. */
	PARSE_OK(c, "--abstract", "allow", "--print-filter", "--on-deny", "kill", "--net", "host");
	assert_int_equal(c->cli.action, SJ_ACTION_PRINT_FILTER);
	assert_int_equal(c->s.abstract, SJ_ABSTRACT_ALLOW);
	assert_int_equal(c->s.on_deny, SJ_ON_DENY_KILL);
	assert_int_equal(c->s.net, SJ_NET_HOST);
	PARSE_OK(c, "--print-filter", "--print-filter");
	PARSE_OK(c, "--print-filter", "--");
	assert_null(c->cli.command);
	REFUSED(c, "unexpected argument 'ls' after --print-filter", "--print-filter", "ls");
	REFUSED(c, "unexpected argument 'ls' after --print-filter", "--print-filter", "--", "ls", "-l");
	/* The same whole-set checks as for a run. */
	REFUSED(c, "--run-dir /run/a: also given as --run-socket", "--print-filter", "--run-socket", "/run/a",
		"--run-dir", "/run/a");
	REFUSED(c, "--net bogus: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX", "--print-filter",
		"--net", "bogus");
}

/* ---------------------------------------------------------------------- */
/* Whole-set checks */

static void test_conflicts(void **state)
{
	struct ctx *c = *state;
	REFUSED(c, "--run-dir /run/app: also given as --run-socket", "--run-socket", "/run/app", "--run-dir", "/run/app",
		"true");
	REFUSED(c, "--run-dir /run/app: also given as --run-socket", "--run-dir", "/run/app", "--run-socket", "/run/app",
		"true");
	REFUSED(c, "--run-dir /run/b: also given as --run-socket", "--run-dir", "/run/a", "--run-dir", "/run/b",
		"--run-socket", "/run/c", "--run-socket", "/run/b", "true");
	/* Nested is not the same path. */
	PARSE_OK(c, "--run-socket", "/run/app", "--run-dir", "/run/app/rw", "true");
	PARSE_OK(c, "--run-socket", "/run/app/s", "--run-dir", "/run/app", "true");

	REFUSED(c, "--learn /tmp/p: cannot be combined with --abstract allow", "--abstract", "allow", "--learn",
		"/tmp/p", "true");
	/* Checked on the final settings: a later value can undo a conflict. */
	PARSE_OK(c, "--abstract", "allow", "--learn", "/tmp/p", "--abstract", "log", "true");
}

/* ---------------------------------------------------------------------- */
/* settings_apply() on its own, as profile.c calls it */

static void test_settings_apply_direct(void **state)
{
	(void)state;
	struct sj_settings s;
	char err[256];
	settings_init(&s);

	err[0] = '\0';
	assert_int_equal(settings_apply(&s, 12345, "x", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown option");
	assert_int_equal(settings_apply(&s, SJ_OPT_NET, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "needs an argument");
	assert_int_equal(settings_apply(&s, SJ_OPT_USERNS, "yes", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "takes no argument");
	assert_false(s.userns);
	assert_int_equal(settings_apply(&s, SJ_OPT_CLEARENV, "", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "takes no argument");
	assert_int_equal(s.n_env, 0);
	/* Actions are the command line's, not settings. */
	assert_int_equal(settings_apply(&s, SJ_OPT_PROFILE, "x", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "not a setting");
	assert_int_equal(settings_apply(&s, SJ_OPT_HELP, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "not a setting");
	assert_int_equal(settings_apply(&s, SJ_OPT_PRINT_FILTER, NULL, err, sizeof(err)), -EINVAL);

	/* No message buffer is fine. */
	assert_int_equal(settings_apply(&s, SJ_OPT_NET, "bogus", NULL, 0), -EINVAL);
	assert_int_equal(settings_apply(&s, SJ_OPT_NET, "host", NULL, 0), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_USERNS, NULL, NULL, 0), 0);
	assert_true(s.userns);
	assert_int_equal(settings_apply(&s, SJ_OPT_CLEARENV, NULL, NULL, 0), 0);
	assert_int_equal(s.n_env, 1);

	/* A failure leaves every setting as it was. */
	assert_int_equal(settings_apply(&s, SJ_OPT_RUN_DIR, "/run/a", err, sizeof(err)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_RUN_DIR, "/tmp/a", err, sizeof(err)), -EINVAL);
	assert_int_equal(s.run_dirs.n, 1);
	assert_int_equal(settings_apply(&s, SJ_OPT_BIND, "/a:b", err, sizeof(err)), -EINVAL);
	assert_int_equal(s.n_mounts, 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_SETENV, "X", err, sizeof(err)), -EINVAL);
	assert_int_equal(s.n_env, 1);
	assert_int_equal(settings_apply(&s, SJ_OPT_CHDIR, "/srv", err, sizeof(err)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_CHDIR, "", err, sizeof(err)), -EINVAL);
	assert_string_equal(s.chdir, "/srv");
	assert_int_equal(settings_apply(&s, SJ_OPT_LISTEN, "tcp:1.2.3.4", err, sizeof(err)), -EINVAL);
	assert_int_equal(s.listen.n, 0);

	/* settings_validate() alone. */
	assert_int_equal(settings_validate(&s, err, sizeof(err)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_RUN_SOCKET, "/run/a", err, sizeof(err)), 0);
	assert_int_equal(settings_validate(&s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--run-dir /run/a: also given as --run-socket");
	assert_int_equal(settings_validate(&s, NULL, 0), -EINVAL);

	settings_free(&s);
	settings_free(&s); /* idempotent */
}

static void test_strv(void **state)
{
	(void)state;
	struct sj_strv v = { 0 };
	assert_int_equal(strv_push(&v, "a"), 0);
	assert_int_equal(strv_push(&v, ""), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0], "a");
	assert_string_equal(v.v[1], "");
	strv_free(&v);
	assert_int_equal(v.n, 0);
	assert_null(v.v);
	strv_free(&v);
}

/* Parsing twice in one process (getopt state is reset). */
static void test_parse_twice(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(PARSE(c, "-q", "-x", "true"), -EINVAL);
	PARSE_OK(c, "--net", "host", "ls");
	assert_command(c, WORDS("ls"));
	PARSE_OK(c, "--uid", "1", "id", "-u");
	assert_command(c, WORDS("id", "-u"));
	assert_int_equal(c->s.net, SJ_NET_NONE); /* fresh settings */
}

static void test_help_text(void **state)
{
	(void)state;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	cli_print_help(f);
	assert_int_equal(fclose(f), 0);

	assert_non_null(strstr(text, "Usage: sockjail [OPTION...] [--] COMMAND [ARG...]\n"));
	/* Short and long names in one column, the long names aligned. */
	assert_non_null(strstr(text, "\n  -p, --profile NAME|PATH "));
	assert_non_null(strstr(text, "\n  -q, --quiet "));
	assert_non_null(strstr(text, "\n  -h, --help "));
	/* A long left column puts the help on the next line. */
	assert_non_null(strstr(text, "\n      --net none|host|veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX[,name=IFNAME]\n"
				     "                                  network"));
	assert_non_null(strstr(text, "\n      --userns "));
	for (const struct sj_option *o = sj_options; o->name; o++) {
		char want[128];
		snprintf(want, sizeof(want), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (!strstr(text, want))
			fail_msg("--help lacks '%s'", want);
		if (!strstr(text, o->help))
			fail_msg("--help lacks the help of --%s", o->name);
	}
	/* Every line fits an 80-column terminal. */
	for (const char *line = text; *line;) {
		const char *nl = strchrnul(line, '\n');
		if (nl - line > 79)
			fail_msg("--help line longer than 79 columns: %.*s", (int)(nl - line), line);
		line = *nl ? nl + 1 : nl;
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_table),
		cmocka_unit_test(test_tables_cover_every_option),
		T(test_every_option_valid),
		T(test_every_option_bad),
		T(test_defaults),
		T(test_net),
		T(test_net_bad_veth),
		T(test_run_paths),
		T(test_path_normalisation),
		T(test_path_too_long),
		cmocka_unit_test(test_path_is_under),
		T(test_mounts_keep_order),
		T(test_abstract_options),
		T(test_listen),
		T(test_uid_gid_bounds),
		T(test_cap_keep),
		T(test_identity_and_process),
		T(test_env_keeps_order),
		T(test_last_wins),
		T(test_command_options_not_parsed),
		T(test_missing_command),
		T(test_unknown_options),
		T(test_abbreviations),
		T(test_missing_argument),
		T(test_equals_forms),
		T(test_help_and_version),
		T(test_print_filter),
		T(test_conflicts),
		cmocka_unit_test(test_settings_apply_direct),
		cmocka_unit_test(test_strv),
		T(test_parse_twice),
		cmocka_unit_test(test_help_text),
		T(test_typo_hints),
		cmocka_unit_test(test_run_path_normalised),
		T(test_separator_is_not_an_argument),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
