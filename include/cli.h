/* SPDX-License-Identifier: MIT */
/* The command line: pure (getopt_long), fills struct sj_settings. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "settings.h"

enum sj_action {
	SJ_ACTION_RUN,
	SJ_ACTION_HELP,
	SJ_ACTION_VERSION,
	SJ_ACTION_CHECK_PROFILE,
	SJ_ACTION_PRINT_FILTER,
	SJ_ACTION_EXPOSURE,
	SJ_ACTION_FEATURES,
};

struct sj_cli {
	enum sj_action action;
	const char *check_profile; /* points into argv */
	char **command;            /* NULL-terminated, points into argv */
	bool json;                 /* --json (with --exposure) */
};

/*
 * Parse argv into s (which the caller has settings_init()ed). Returns 0, or
 * a negative errno with one line in err ("--run-dir /tmp/x: not under /run").
 */
int cli_parse(int argc, char **argv, struct sj_settings *s, struct sj_cli *out, char *err, size_t errlen);

/* The --help text. */
void cli_print_help(FILE *f);
