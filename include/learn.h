/* SPDX-License-Identifier: MIT */
/*
 * --learn: what a run used, and the minimal profile that allows it under
 * the default "abstract deny". Pure apart from the host lookup it is given.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "settings.h"

struct sj_learned {
	struct sj_strv abstract; /* escaped names bound under --abstract log */
	struct sj_strv connects; /* /run pathnames connect()/sendto()/sendmsg() named */
	struct sj_strv binds;    /* /run pathnames bind() named */
	struct sj_strv bridged;  /* escaped abstract names connect() reached through --abstract-bridge */
	struct sj_strv abstract_connects; /* other escaped abstract names connect() named */
};

/* Record a path or name once (duplicates are dropped). */
int learn_add(struct sj_strv *v, const char *s);
void learn_free(struct sj_learned *l);

/* Does the host have a socket (or directory) at path? Tests pass their own. */
typedef int (*sj_stat_fn)(const char *path, struct stat *st);

/*
 * Write the profile: the header, the net setting, the run-sockets and
 * run-dirs the run needed (its own ones included), and an abstract-allow
 * line per name, with glob characters made literal.
 */
int learn_write_profile(FILE *out, const struct sj_settings *s, const struct sj_learned *l, char *const *command,
			sj_stat_fn stat_host);
