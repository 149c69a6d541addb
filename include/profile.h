/* SPDX-License-Identifier: MIT */
/*
 * Profiles (sockjail.profile(5)): the same settings as the command line, one
 * directive a line, applied through settings_apply().
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "settings.h"

#define SJ_PROFILE_MAX_LINE 4096
#define SJ_PROFILE_MAX_SIZE (1024 * 1024)
#define SJ_PROFILE_MAX_DEPTH 8

/*
 * Find NAME (no slash: NAME.profile in $SOCKJAIL_PROFILE_PATH, then
 * /etc/sockjail/profiles, then $(PREFIX)/share/sockjail/profiles) or PATH and
 * apply it to s. On failure returns a negative errno and writes
 * "FILE:LINE: message" (or "NAME: message") to err.
 */
int profile_load(const char *name_or_path, struct sj_settings *s, char *err, size_t errlen);

/*
 * Parse one profile from f. filename is used in messages and to resolve
 * relative includes; depth is the include depth (0 for the top file).
 */
int profile_parse(FILE *f, const char *filename, int depth, struct sj_settings *s, char *err, size_t errlen);

/* One directive line, the value quoted as needed; arg NULL for a flag. */
int profile_print_directive(FILE *out, const char *directive, const char *arg);

/* Write s as a profile that, parsed again, gives the same settings. */
int profile_print(FILE *out, const struct sj_settings *s);
