/* SPDX-License-Identifier: MIT */
/* Capabilities: the only module that uses libcap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse "net_bind_service,CAP_CHOWN" (names as in capabilities(7), with or
 * without CAP_, any case) into a bit mask. Returns 0, or -EINVAL with the
 * offending name in err.
 */
int caps_parse_list(const char *list, uint64_t *mask, char *err, size_t errlen);

/* Write the mask as "cap_chown,cap_net_bind_service" ("" for none). */
int caps_format_list(uint64_t mask, char *buf, size_t len);

/* Highest capability number the running kernel knows. */
int caps_last_cap(void);

/*
 * Drop every capability not in keep from the bounding set and set the
 * permitted and effective sets to keep. With ambient (COMMAND's uid is not
 * 0), also raise keep in the inheritable and ambient sets, so that keep
 * survives execve(); a non-root process loses its permitted set there
 * otherwise. Root keeps its bounding set across execve() without help, and
 * a root daemon that rebuilds its sets with libcap-ng (dbus-daemon
 * --system) finds ambient capabilities it can no longer raise once it has
 * cleared its inheritable set, so they are not made ambient for root.
 * Call after the ids are changed (with PR_SET_KEEPCAPS) and before
 * no_new_privs.
 */
int caps_restrict(uint64_t keep, bool ambient);

/* Set effective, permitted and inheritable sets exactly (the bind executor). */
int caps_set(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/* Is cap in the calling thread's effective set? */
bool caps_effective_has(int cap);
