// SPDX-License-Identifier: MIT
/*
 * The --features report. Each line starts with a fixed name and "yes",
 * "no" or a value, so scripts can read it; the rest says what sockjail
 * does with the feature, or what its absence costs, in the man page's
 * words (sockjail(1), "Kernel requirements").
 */
#include "kernel_features.h"

#include <errno.h>
#include <string.h>

/* Landlock ABI with the abstract-socket and signal scopes (Linux 6.12). */
#define ABI_SCOPES 6

static void landlock_line(const struct sj_features *f, FILE *out)
{
	if (f->landlock_abi <= 0) {
		fprintf(out, "landlock: no (%s); --pathname-bind run-dirs is enforced by the supervisor alone, and "
			     "with --net host the sandbox can connect to the host's abstract sockets and signal "
			     "processes outside (sockjail warns; --abstract-connect deny is refused)\n",
			f->landlock_errno == EOPNOTSUPP ? "disabled at boot: add landlock to lsm=" :
			f->landlock_errno == ENOSYS	 ? "not in this kernel" :
							   "unusable");
		return;
	}
	if (f->landlock_abi < ABI_SCOPES) {
		fprintf(out, "landlock: ABI %d, no scopes (they need ABI %d, Linux 6.12); the kernel enforces "
			     "--pathname-bind run-dirs, but with --net host the sandbox can connect to the host's "
			     "abstract sockets and signal processes outside (sockjail warns; --abstract-connect "
			     "deny is refused)\n",
			f->landlock_abi, ABI_SCOPES);
		return;
	}
	fprintf(out, "landlock: ABI %d, with the abstract-socket and signal scopes; the sandbox cannot connect "
		     "to abstract sockets or signal processes outside it, even with --net host\n",
		f->landlock_abi);
}

static void yes_no_line(FILE *out, const char *name, enum sj_feat v, const char *yes, const char *no)
{
	fprintf(out, "%s: %s; %s\n", name, v == SJ_FEAT_YES ? "yes" : v == SJ_FEAT_NO ? "no" : "unknown",
		v == SJ_FEAT_YES ? yes : no);
}

static void userns_line(const struct sj_features *f, FILE *out)
{
	char why[160] = "";

	if (f->userns != SJ_FEAT_YES) {
		fprintf(out, "user-namespaces: no%s; sockjail needs root%s and cannot run nested in a container\n",
			f->max_user_namespaces == 0 ? " (user.max_user_namespaces = 0)" : "",
			f->userns == SJ_FEAT_NO ? " without a user namespace (--userns fails)" : "");
		return;
	}
	if (f->userns_unpriv == SJ_FEAT_YES) {
		fprintf(out, "user-namespaces: yes, also for ordinary users; sockjail runs rootless\n");
		return;
	}
	if (f->unpriv_userns_clone == 0)
		snprintf(why, sizeof(why), " (kernel.unprivileged_userns_clone = 0)");
	else if (f->apparmor_restrict_userns == 1)
		snprintf(why, sizeof(why), " (kernel.apparmor_restrict_unprivileged_userns = 1)");
	fprintf(out, "user-namespaces: %s%s; an ordinary user cannot run sockjail, only root can\n",
		f->userns_unpriv == SJ_FEAT_NO ? "root only" : "yes for root, unknown for ordinary users", why);
}

void features_format(const struct sj_features *f, FILE *out)
{
	fprintf(out, "kernel: %s\n", f->kernel[0] ? f->kernel : "unknown");
	landlock_line(f, out);
	yes_no_line(out, "pidfd-thread", f->pidfd_thread,
		    "the supervisor addresses the exact thread that called bind()",
		    "bind() from a thread other than a process's main thread is refused with EPERM (needs Linux 6.9)");
	yes_no_line(out, "seccomp-sync-wake-up", f->sync_wake_up,
		    "answers to gated bind() calls wake the caller on the supervisor's CPU",
		    "each gated bind() takes a slower round trip (needs Linux 6.6)");
	userns_line(f, out);
	if (f->io_uring == SJ_FEAT_YES)
		fprintf(out, "io_uring: yes; refused in the sandbox (ENOSYS), since its bind and connect would go "
			     "around the gate\n");
	else
		fprintf(out, "io_uring: no (%s); nothing lost: the sandbox has no way around the gate there\n",
			f->io_uring_errno == EPERM ? "kernel.io_uring_disabled" : "not in this kernel");
	if (f->ia32 == SJ_FEAT_YES)
		fprintf(out, "i386-emulation: yes; i386 and x32 system calls are killed in the sandbox, since they "
			     "would go around the gate\n");
	else if (f->ia32 == SJ_FEAT_NO)
		fprintf(out, "i386-emulation: no; nothing lost: that way around the gate does not exist here\n");
	else
		fprintf(out, "i386-emulation: unknown; not an x86-64 kernel\n");
	if (f->legacy_tiocsti == 0)
		fprintf(out, "legacy-tiocsti: no (dev.tty.legacy_tiocsti = 0); the kernel refuses TIOCSTI without "
			     "CAP_SYS_ADMIN, on top of the sandbox's seccomp filter, which refuses it anyway\n");
	else
		fprintf(out, "legacy-tiocsti: yes (%s); any process that holds a terminal can push input into it "
			     "with TIOCSTI; in the sandbox only the seccomp filter refuses it (and TIOCLINUX)\n",
			f->legacy_tiocsti == 1 ? "dev.tty.legacy_tiocsti = 1" : "before Linux 6.2, always");
}
