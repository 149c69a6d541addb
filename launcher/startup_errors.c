// SPDX-License-Identifier: MIT
/* Why the sandbox could not be made, in the words of the setting that refused it. */
#include "startup_errors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long read_long(const char *path)
{
	char buf[32];
	long v = -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

void startup_probe(struct sj_startup_probe *p)
{
	char line[256];
	p->seccomp_filtered = false;
	FILE *f = fopen("/proc/self/status", "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "Seccomp:", 8) == 0)
				p->seccomp_filtered = strtol(line + 8, NULL, 10) == 2;
		fclose(f);
	}
	p->max_user_namespaces = read_long("/proc/sys/user/max_user_namespaces");
	/* An unmapped uid shows as the overflow uid, and may not create a user namespace. */
	p->euid_unmapped = (long)geteuid() == read_long("/proc/sys/kernel/overflowuid");
	p->unprivileged_userns = read_long("/proc/sys/kernel/unprivileged_userns_clone");
}

void startup_explain_clone(const struct sj_startup_probe *p, bool used_clone2, bool namespaces, int err, char *buf,
			   size_t len)
{
	const char *call = used_clone2 ? "clone(2), clone3 being refused with ENOSYS" : "clone3";
	const char *why = "";
	char tmp[256];

	if (!namespaces) {
		snprintf(buf, len, "starting COMMAND's process (%s): %s", call, strerror(-err));
		return;
	}
	if ((err == -EPERM || err == -ENOSYS) && p->seccomp_filtered) {
		why = "a seccomp profile refuses namespace flags to clone (Docker's default profile, "
		      "Kubernetes' RuntimeDefault): run sockjail with --gate-only, or give the container a "
		      "profile that allows them (--security-opt seccomp=unconfined)";
	} else if (err == -EPERM && p->in_userns_clone && p->unprivileged_userns == 0) {
		why = "unprivileged user namespaces are off (sysctl kernel.unprivileged_userns_clone=0): set it "
		      "to 1, run sockjail as root, or use --gate-only";
	} else if (err == -EPERM && p->in_userns_clone && p->euid_unmapped) {
		why = "sockjail's uid is not mapped in the user namespace it runs in (it shows as the overflow "
		      "uid), and the kernel lets only mapped ids create a user namespace: write a uid_map for it "
		      "(unshare --map-root-user or --map-current-user)";
	} else if (err == -EPERM && p->in_userns_clone) {
		why = "this process may not create a user namespace (a chroot, a security module or the container "
		      "refuses it): use --gate-only, or let the container create user namespaces";
	} else if (err == -EPERM) {
		why = "creating namespaces needs CAP_SYS_ADMIN: use --gate-only, or give sockjail that capability";
	} else if (err == -ENOSPC && p->in_userns_clone && p->max_user_namespaces == 0) {
		why = "user namespaces are disabled here (sysctl user.max_user_namespaces=0): raise it, or use "
		      "--gate-only";
	} else if (err == -ENOSPC && p->in_userns_clone) {
		snprintf(tmp, sizeof(tmp),
			 "the limit on user namespaces is reached (sysctl user.max_user_namespaces, %ld here; an "
			 "enclosing user namespace may have a lower one): raise it, or end unused namespaces",
			 p->max_user_namespaces);
		why = tmp;
	} else if (err == -ENOSPC) {
		why = "a namespace limit is reached (sysctls user.max_net_namespaces, user.max_mnt_namespaces, "
		      "user.max_pid_namespaces), or PID namespaces are nested 32 deep";
	} else if (err == -EUSERS) {
		why = "user namespaces are nested 32 deep already";
	}
	snprintf(buf, len, "creating the sandbox's namespaces (%s): %s%s%s", call, strerror(-err), why[0] ? ": " : "",
		 why);
}

void startup_explain_netns(const struct sj_startup_probe *p, int err, char *buf, size_t len)
{
	const char *why = "";
	if (err == -EPERM && p->seccomp_filtered)
		why = "a seccomp profile refuses unshare(CLONE_NEWNET): run sockjail with --net host or "
		      "--gate-only, or give the container a profile that allows it";
	else if (err == -EPERM)
		why = "a security module refuses it: run sockjail with --net host";
	else if (err == -ENOSPC)
		why = "the limit on network namespaces is reached (sysctl user.max_net_namespaces): raise it, "
		      "or end unused namespaces";
	snprintf(buf, len, "creating the sandbox's network namespace (unshare): %s%s%s", strerror(-err),
		 why[0] ? ": " : "", why);
}

bool startup_explain_mount(bool is_proc, int err, char *buf, size_t len)
{
	if (err != -EPERM)
		return false;
	if (is_proc)
		snprintf(buf, len,
			 "/proc: mounting a fresh proc: %s: the container masks paths under /proc, so the kernel "
			 "refuses a new proc in a user namespace; unmask them (podman: --security-opt "
			 "unmask=/proc/*, docker: --security-opt systempaths=unconfined, Kubernetes: procMount: "
			 "Unmasked) or run sockjail with --pid host or --gate-only",
			 strerror(-err));
	else
		snprintf(buf, len,
			 "/sys: mounting a fresh sysfs: %s: the container masks paths under /sys and its /sys "
			 "could not be kept read-only either",
			 strerror(-err));
	return true;
}
