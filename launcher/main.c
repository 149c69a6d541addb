// SPDX-License-Identifier: MIT
/* sockjail: parse, load profiles, validate, then hand over to the supervisor. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "exposure.h"
#include "kernel_features.h"
#include "log.h"
#include "proc_title.h"
#include "profile.h"
#include "settings.h"
#include "spawn.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct sj_settings s;
	struct sj_cli cli;
	char err[1024];
	int status;

	proc_title_init(argc, argv);
	settings_init(&s);
	s.var_run_is_run = var_run_is_run();
	if (cli_parse(argc, argv, &s, &cli, err, sizeof(err)) < 0) {
		log_error("%s", err);
		settings_free(&s);
		return SJ_EXIT_FAILURE;
	}
	switch (cli.action) {
	case SJ_ACTION_HELP:
		cli_print_help(stdout);
		status = 0;
		break;
	case SJ_ACTION_VERSION:
		printf("sockjail %s\n", SJ_VERSION);
		status = 0;
		break;
	case SJ_ACTION_CHECK_PROFILE:
		status = profile_print(stdout, &s) < 0 ? SJ_EXIT_FAILURE : 0;
		/* Valid, but would not start on this host now: say so, still 0. */
		fflush(stdout);
		spawn_check_run_sockets(&s, true);
		break;
	case SJ_ACTION_FEATURES: {
		struct sj_features f;
		features_probe(&f);
		features_format(&f, stdout);
		status = 0;
		break;
	}
	case SJ_ACTION_PRINT_FILTER:
		status = spawn_print_filter(&s);
		break;
	case SJ_ACTION_EXPOSURE:
		status = exposure_run(&s, cli.json);
		break;
	case SJ_ACTION_RUN:
	default:
		/* --learn allows and records what "abstract deny" would refuse. */
		if (s.learn)
			s.abstract = SJ_ABSTRACT_LOG;
		proc_title_command(cli.command);
		status = spawn_run(&s, cli.command);
		/*
		 * A run's memory goes with the process: _exit() skips the
		 * frees and the exit handlers (glibc's, libnl's), each a page
		 * written after clone() and so a page fault, ~2% of a start on
		 * the benchmark machine (README.md, "Benchmarks"). Nothing of
		 * a run waits in a stdio buffer: the log is written to stderr
		 * with write(2), and spawn_run() closed --audit's and
		 * --learn's files. Sanitizer builds free and exit as usual, so
		 * that LeakSanitizer still checks a whole run.
		 */
#ifndef __SANITIZE_ADDRESS__
		_exit(status);
#endif
		break;
	}
	settings_free(&s);
	return status;
}
