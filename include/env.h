/* SPDX-License-Identifier: MIT */
/* COMMAND's environment: pure. */
#pragma once

#include <stddef.h>

#include "settings.h"

/*
 * The caller's environment with --setenv/--unsetenv/--clearenv applied in
 * order. LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are always removed: only
 * sockjail sets them, for the sockets it passes. Returns a NULL-terminated
 * malloc'd vector (free with env_free) or NULL on ENOMEM.
 */
char **env_build(char *const *base, const struct sj_settings *s);

/* Set NAME=VALUE in a vector from env_build(), replacing any NAME. */
int env_set(char ***envp, const char *name, const char *value);

void env_free(char **envp);
