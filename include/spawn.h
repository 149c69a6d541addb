/* SPDX-License-Identifier: MIT */
/* The supervisor: prepare, clone the sandbox, serve it, clean up. */
#pragma once

#include <stdbool.h>

#include "settings.h"

/*
 * Run command in a sandbox described by s. Returns sockjail's exit status:
 * COMMAND's, 128+N, or 125 after printing why.
 */
int spawn_run(const struct sj_settings *s, char **command);

/* --print-filter: write the filter the settings produce to stdout. */
int spawn_print_filter(const struct sj_settings *s);

/*
 * Every --run-socket must exist on the host, as a socket or a directory
 * reached through no symlink but root's (hostpath.h). warn_only (--check-profile):
 * one warning line for each that does not exist now, naming the profile
 * line it came from; else one error line for the first. Returns 0 or the
 * first one's negative errno.
 */
int spawn_check_run_sockets(const struct sj_settings *s, bool warn_only);
