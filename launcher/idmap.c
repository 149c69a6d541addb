// SPDX-License-Identifier: MIT
/* The user namespace's id maps and COMMAND's groups, as a pure plan. */
#include "idmap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void format_map(char *buf, size_t len, bool identity, unsigned inside, unsigned outside)
{
	/* Identity: 0 stays 0 (the sandbox's init owns its mounts) and inside is itself. */
	if (identity && inside != 0)
		snprintf(buf, len, "0 0 1\n%u %u 1\n", inside, inside);
	else if (identity)
		snprintf(buf, len, "0 0 1\n");
	else
		snprintf(buf, len, "%u %u 1\n", inside, outside);
}

int idmap_plan(const struct sj_id_caller *c, bool want_userns, bool no_namespaces, uid_t uid, gid_t gid,
	       struct sj_id_plan *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	/* Root without CAP_SYS_ADMIN (--cap-drop ALL) cannot mount: it needs a user namespace too. */
	p->userns = !no_namespaces && (want_userns || !c->cap_sys_admin);
	if (!p->userns) {
		/* setgroups(2) needs CAP_SETGID; without it COMMAND keeps the caller's own groups. */
		p->set_groups = c->cap_setgid;
		return 0;
	}
	/*
	 * A root caller with CAP_SETUID (and CAP_SETFCAP, which mapping uid 0
	 * needs) maps 0 and uid to themselves; anyone else maps exactly one
	 * id: uid inside is the caller's euid outside.
	 */
	if (c->euid == 0 && !c->cap_setfcap) {
		if (uid != 0) {
			snprintf(err, errlen,
				 "--uid %u: root without CAP_SETFCAP cannot map any uid into a user namespace "
				 "(the kernel refuses uid 0 there), so COMMAND keeps root's uid",
				 (unsigned)uid);
			return -EPERM;
		}
		p->uid_unmapped = true;
	} else {
		format_map(p->uid_map, sizeof(p->uid_map), c->euid == 0 && c->cap_setuid, (unsigned)uid,
			   (unsigned)c->euid);
	}
	bool gid_identity = c->egid == 0 && c->cap_setgid;
	format_map(p->gid_map, sizeof(p->gid_map), gid_identity, (unsigned)gid, (unsigned)c->egid);
	/* Without CAP_SETGID the kernel takes gid_map only once setgroups is denied for good. */
	p->setgroups_deny = !gid_identity;
	p->set_groups = !p->setgroups_deny;
	return 0;
}

const char *idmap_explain(const struct sj_id_caller *c, const char *which, int err)
{
	if (err != -EPERM)
		return "";
	if (strcmp(which, "uid_map") == 0 && c->euid == 0 && !c->cap_setfcap)
		return "mapping uid 0 needs CAP_SETFCAP in the caller's user namespace";
	if (strcmp(which, "uid_map") == 0)
		return c->cap_setuid ? "the caller's user namespace or a security module refuses it"
				     : "mapping more than one's own uid needs CAP_SETUID in the caller's user namespace";
	if (strcmp(which, "gid_map") == 0)
		return c->cap_setgid ? "the caller's user namespace or a security module refuses it"
				     : "without CAP_SETGID, gid_map takes only one's own gid, after \"deny\" went to setgroups";
	return "the caller's user namespace has setgroups denied";
}
