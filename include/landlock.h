/* SPDX-License-Identifier: MIT */
/* Landlock: abstract-socket and signal scoping, socket-creation rules. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

/* The kernel's Landlock ABI version, 0 if Landlock is unavailable. */
int landlock_abi(void);

/*
 * Check, before anything is unshared, that the kernel can enforce what the
 * settings ask for. Returns 0 (possibly after writing a warning to warn),
 * or -EOPNOTSUPP with the reason in err.
 */
int landlock_check(const struct sj_settings *s, int abi, char *warn, size_t warnlen, char *err, size_t errlen);

/*
 * Does landlock_apply() scope abstract sockets (connect() to those made
 * outside the sandbox refused) for these settings on a kernel with abi?
 * The exposure report asks the same question.
 */
bool landlock_scopes_abstract(const struct sj_settings *s, int abi);

/*
 * Restrict the calling thread (COMMAND's process, after the mounts): scope
 * abstract sockets and signals to the sandbox, and with --pathname-bind
 * run-dirs allow socket creation only beneath the run-dirs. Returns 0 or
 * a negative errno; *step names what failed.
 */
int landlock_apply(const struct sj_settings *s, int abi, const char **step);

/*
 * The bind executor: allow socket creation only beneath the directories
 * dir_fds (O_PATH fds) name. Needs no_new_privs. 0 or a negative errno.
 */
int landlock_restrict_make_sock(int abi, const int *dir_fds, size_t n);

/* Restrict the calling thread with an existing ruleset (one the target used). */
int landlock_restrict_with(int ruleset_fd);
