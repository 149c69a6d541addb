/* SPDX-License-Identifier: MIT */
/* The supervisor: prepare, clone the sandbox, serve it, clean up. */
#pragma once

#include "settings.h"

/*
 * Run command in a sandbox described by s. Returns sockjail's exit status:
 * COMMAND's, 128+N, or 125 after printing why.
 */
int spawn_run(const struct sj_settings *s, char **command);

/* --print-filter: write the filter the settings produce to stdout. */
int spawn_print_filter(const struct sj_settings *s);
