/* SPDX-License-Identifier: MIT */
/*
 * --uid/--gid/--groups names looked up in the user database (NSS), by
 * running getent(1).
 *
 * sockjail is linked statically, and glibc's NSS in a static binary
 * dlopen()s the NSS modules of the glibc it was built with, so a glibc
 * upgrade would break name lookups. getent is part of the host's libc
 * (Debian: libc-bin, Essential) and so always matches the host's NSS
 * modules and /etc/nsswitch.conf: LDAP, sssd and systemd-userdbd users
 * resolve as they do for any other program. Numeric ids never run it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "getent_run.h"
#include "identity.h"
#include "settings.h"

/*
 * The ids COMMAND runs as. Unset ids default to the caller's (uid, gid),
 * except that a --uid USER brings that user's primary group, and, when
 * neither --gid nor --groups is given, the user's supplementary groups
 * (getent initgroups, plus the primary group, as getgrouplist(3) lists
 * them). Called before anything is unshared: NSS modules may talk to
 * daemons (nscd, sssd, systemd-userdbd) that the sandbox cannot reach.
 * Returns 0, or a negative errno with the reason in err.
 */
int identity_resolve(const struct sj_settings *s, uid_t caller_uid, gid_t caller_gid, struct sj_identity *out,
		     char *err, size_t errlen);

/*
 * For a caller that is root in its user namespace (and so sets the ids
 * itself, or maps them one to one): every id must be mapped there, and
 * explicit groups need setgroups(2) allowed. The caller's own uid and gid
 * need no check. Returns 0 or a negative errno with err set.
 */
int identity_check_here(const struct sj_identity *id, uid_t caller_uid, gid_t caller_gid, bool groups_explicit,
			char *err, size_t errlen);
