// SPDX-License-Identifier: MIT
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "profile.h"
#include "suggest.h"

#define N_OPTIONS_MAX 64

static int build_long_options(struct option *lo, char *shorts, size_t shorts_len)
{
	size_t n = 0, sl = 0;
	/* '+': stop at the first non-option, COMMAND's own options are its own. */
	shorts[sl++] = '+';
	shorts[sl++] = ':';
	for (const struct sj_option *o = sj_options; o->name; o++) {
		if (n >= N_OPTIONS_MAX - 1 || sl + 3 >= shorts_len)
			return -E2BIG;
		lo[n++] = (struct option){ o->name, (o->flags & SJ_OPTF_ARG) ? required_argument : no_argument,
					   NULL, o->id };
		if (o->short_name) {
			shorts[sl++] = o->short_name;
			if (o->flags & SJ_OPTF_ARG)
				shorts[sl++] = ':';
		}
	}
	lo[n] = (struct option){ 0 };
	shorts[sl] = '\0';
	return 0;
}

static const char *option_display(int id)
{
	const struct sj_option *o = settings_option_by_id(id);
	return o ? o->name : "?";
}

/* How many options start with the NAME of "--NAME[=VALUE]". */
static int count_prefix_matches(const char *arg)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	int n = 0;
	for (const struct sj_option *o = sj_options; o->name; o++)
		if (strncmp(o->name, name, len) == 0)
			n++;
	return n;
}

/*
 * "unknown option --run-sokcet (did you mean --run-socket?)", with the
 * hint profiles give for a mistyped directive. For a short option, name
 * is the whole word after one dash: "-net" most likely meant --net.
 */
static void describe_unknown(const char *name, const char *shown, char *err, size_t errlen)
{
	char word[80];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(name, "="), name);
	const char *hint = strlen(word) > 1 ? suggest_option(word, 0, NULL) : NULL;
	if (hint)
		snprintf(err, errlen, "unknown option %.*s (did you mean --%s?)", (int)strcspn(shown, "="), shown,
			 hint);
	else
		snprintf(err, errlen, "unknown option %.*s (see --help)", (int)strcspn(shown, "="), shown);
}

/* getopt_long() returned '?': say which of its cases it was. */
static void describe_bad_option(const char *arg, char *err, size_t errlen)
{
	bool is_long = strncmp(arg, "--", 2) == 0;
	if (is_long && optopt)
		/* A known long option written as --NAME=VALUE that takes none. */
		snprintf(err, errlen, "--%s takes no argument", option_display(optopt));
	else if (is_long && count_prefix_matches(arg) > 1)
		snprintf(err, errlen, "ambiguous option %.*s (see --help)", (int)strcspn(arg, "="), arg);
	else if (is_long)
		describe_unknown(arg + 2, arg, err, errlen);
	else
		describe_unknown(arg + 1, (char[]){ '-', (char)optopt, '\0' }, err, errlen);
}

static const char *action_name(enum sj_action action)
{
	return action == SJ_ACTION_CHECK_PROFILE ? "check-profile" :
	       action == SJ_ACTION_FEATURES	 ? "features" :
	       action == SJ_ACTION_EXPOSURE	 ? "exposure" :
						   "print-filter";
}

/* --help and --version win at once; the other actions exclude each other. */
static int set_action(struct sj_cli *cli, enum sj_action action, const char *name, char *err, size_t errlen)
{
	if (cli->action != SJ_ACTION_RUN && (cli->action != action || action == SJ_ACTION_CHECK_PROFILE)) {
		snprintf(err, errlen, "--%s cannot be combined with --%s", name, action_name(cli->action));
		return -EINVAL;
	}
	cli->action = action;
	return 0;
}

int cli_parse(int argc, char **argv, struct sj_settings *s, struct sj_cli *out, char *err, size_t errlen)
{
	struct option lo[N_OPTIONS_MAX];
	char shorts[32];
	struct sj_cli cli = { .action = SJ_ACTION_RUN };
	char why[512];
	int c, r;

	if ((r = build_long_options(lo, shorts, sizeof(shorts))) < 0)
		return r;

	optind = 0; /* glibc: full re-initialisation, so tests may parse twice */
	opterr = 0;
	for (;;) {
		/*
		 * By the time getopt_long() reports an error optind has moved past
		 * a long option but not always past a cluster of short ones, so
		 * note the element first ('+': nothing is permuted).
		 */
		int at = optind ? optind : 1;
		const char *cur = at < argc ? argv[at] : "";
		if ((c = getopt_long(argc, argv, shorts, lo, NULL)) == -1)
			break;
		/*
		 * "--learn -- cmd": getopt_long() takes the "--" as the
		 * argument, and the user gets a file named "--".
		 */
		if (optarg && optarg == argv[optind - 1] && strcmp(optarg, "--") == 0) {
			const struct sj_option *o = settings_option_by_id(c);
			snprintf(err, errlen, "--%s needs %s before --", o ? o->name : "?", o && o->arg ? o->arg : "an argument");
			return -EINVAL;
		}
		switch (c) {
		case '?':
			describe_bad_option(cur, err, errlen);
			return -EINVAL;
		case ':':
			if (strncmp(cur, "--", 2) == 0)
				snprintf(err, errlen, "--%s needs an argument", option_display(optopt));
			else
				snprintf(err, errlen, "-%c needs an argument", optopt);
			return -EINVAL;
		case SJ_OPT_HELP:
		case SJ_OPT_VERSION:
			*out = (struct sj_cli){ .action = c == SJ_OPT_HELP ? SJ_ACTION_HELP : SJ_ACTION_VERSION };
			return 0;
		case SJ_OPT_CHECK_PROFILE:
			if ((r = set_action(&cli, SJ_ACTION_CHECK_PROFILE, "check-profile", err, errlen)) < 0)
				return r;
			cli.check_profile = optarg;
			if ((r = profile_load(optarg, s, err, errlen)) < 0)
				return r;
			break;
		case SJ_OPT_PRINT_FILTER:
			if ((r = set_action(&cli, SJ_ACTION_PRINT_FILTER, "print-filter", err, errlen)) < 0)
				return r;
			break;
		case SJ_OPT_EXPOSURE:
			if ((r = set_action(&cli, SJ_ACTION_EXPOSURE, "exposure", err, errlen)) < 0)
				return r;
			break;
		case SJ_OPT_JSON:
			cli.json = true;
			break;
		case SJ_OPT_FEATURES:
			if ((r = set_action(&cli, SJ_ACTION_FEATURES, "features", err, errlen)) < 0)
				return r;
			break;
		case SJ_OPT_PROFILE:
			if ((r = profile_load(optarg, s, err, errlen)) < 0)
				return r;
			break;
		default:
			why[0] = '\0';
			if ((r = settings_apply(s, c, optarg, why, sizeof(why))) < 0) {
				if (optarg)
					snprintf(err, errlen, "--%s %s: %s", option_display(c), optarg[0] ? optarg : "''",
						 why[0] ? why : strerror(-r));
				else
					snprintf(err, errlen, "--%s: %s", option_display(c), why[0] ? why : strerror(-r));
				return r;
			}
			break;
		}
	}

	if (cli.json && cli.action != SJ_ACTION_EXPOSURE) {
		snprintf(err, errlen, "--json goes with --exposure (sockjail --exposure --json [OPTION...])");
		return -EINVAL;
	}
	if (cli.action == SJ_ACTION_EXPOSURE) {
		/* "sockjail --exposure [OPTION...] -- COMMAND": the report does not depend on COMMAND. */
		cli.command = optind < argc ? argv + optind : NULL;
	} else if (cli.action == SJ_ACTION_RUN) {
		if (optind >= argc) {
			snprintf(err, errlen, "no COMMAND given (sockjail [OPTION...] -- COMMAND [ARG...])");
			return -EINVAL;
		}
		cli.command = argv + optind;
	} else if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' after --%s", argv[optind], action_name(cli.action));
		return -EINVAL;
	}
	/* A profile that --check-profile accepts must also be accepted for a run. */
	why[0] = '\0';
	if ((r = settings_validate(s, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "%s", why[0] ? why : strerror(-r));
		return r;
	}
	*out = cli;
	return 0;
}

void cli_print_help(FILE *f)
{
	fprintf(f, "Usage: sockjail [OPTION...] [--] COMMAND [ARG...]\n"
		   "       sockjail --check-profile PROFILE\n"
		   "       sockjail --print-filter [OPTION...]\n"
		   "       sockjail --exposure [--json] [OPTION...] [-- COMMAND [ARG...]]\n"
		   "       sockjail --features\n\n"
		   "Run COMMAND in private network, mount and PID namespaces where it cannot\n"
		   "create or reach abstract Unix socket names unless the policy allows it.\n\n");
	for (const struct sj_option *o = sj_options; o->name; o++) {
		char left[80];
		char flag[5] = "    "; /* "-p, " or as many spaces, so the long names align */
		if (o->short_name)
			snprintf(flag, sizeof(flag), "-%c, ", o->short_name);
		snprintf(left, sizeof(left), "%s--%s%s%s", flag, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (strlen(left) > 30)
			fprintf(f, "  %s\n  %-30s  %s\n", left, "", o->help);
		else
			fprintf(f, "  %-30s  %s\n", left, o->help);
	}
	fprintf(f, "\nExit status: COMMAND's, 128+N if killed by signal N, 125 if sockjail failed,\n"
		   "126 if COMMAND could not be executed, 127 if it was not found.\n"
		   "See sockjail(1) and sockjail.profile(5).\n");
}
