/* SPDX-License-Identifier: MIT */
/*
 * Which ids the sandbox's user namespace maps and how sockjail changes
 * COMMAND's ids and groups, decided from the caller's euid/egid and
 * capabilities (pure; the supervisor writes what this plans).
 *
 * The kernel's rules (user_namespaces(7)): a map of more than the writer's
 * own id needs CAP_SETUID (uid_map) or CAP_SETGID (gid_map) in the parent
 * user namespace; without CAP_SETGID, gid_map can be written only after
 * "deny" went to setgroups; setgroups(2) itself needs CAP_SETGID.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sj_id_caller {
	uid_t euid;
	gid_t egid;
	bool cap_sys_admin, cap_setuid, cap_setgid, cap_setfcap;
};

struct sj_id_plan {
	bool userns;         /* clone a new user namespace */
	bool setgroups_deny; /* write "deny" to setgroups before gid_map */
	bool set_groups;     /* COMMAND's process clears its supplementary groups */
	/*
	 * Root without CAP_SETFCAP may not map uid 0 at all (Linux 5.12+,
	 * verify_root_map()), and uid 0 is the only uid it may map: uid_map
	 * stays unwritten, COMMAND keeps root's kuid, shown inside as the
	 * overflow uid, and no setresuid() is done.
	 */
	bool uid_unmapped;
	char uid_map[64];    /* what goes to uid_map / gid_map ("" without a userns) */
	char gid_map[64];
};

/*
 * want_userns: --userns; no_namespaces: --gate-only (never a user
 * namespace). uid/gid: COMMAND's ids inside. Returns 0, or -EPERM with the
 * reason in err when the ids asked for cannot be had.
 */
int idmap_plan(const struct sj_id_caller *c, bool want_userns, bool no_namespaces, uid_t uid, gid_t gid,
	       struct sj_id_plan *p, char *err, size_t errlen);

/*
 * One clause saying why writing a map (which = "uid_map", "gid_map" or
 * "setgroups") failed with err, for the caller c: which capability or
 * setgroups rule the kernel applied.
 */
const char *idmap_explain(const struct sj_id_caller *c, const char *which, int err);
