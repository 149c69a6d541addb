/* SPDX-License-Identifier: MIT */
/*
 * Start-up failures that a container or the host's settings cause, said
 * with their likely cause and the fix. The explanations are pure
 * functions of what failed and of a probe of the environment, so they are
 * unit-tested; startup_probe() is the only part that reads /proc.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* What the host says about the limits and filters that refuse namespaces. */
struct sj_startup_probe {
	bool seccomp_filtered;        /* /proc/self/status "Seccomp: 2" */
	long max_user_namespaces;     /* -1 if unknown */
	long unprivileged_userns;     /* kernel.unprivileged_userns_clone, -1 if the kernel lacks it */
	bool in_userns_clone;         /* a new user namespace was asked for */
	bool euid_unmapped;           /* our euid has no mapping in our own user namespace */
};

void startup_probe(struct sj_startup_probe *p);

/*
 * The sandbox could not be cloned. used_clone2: clone3() was refused with
 * ENOSYS and clone(2) is what failed with err. Writes one line (without
 * the "sockjail: " prefix) into buf.
 */
void startup_explain_clone(const struct sj_startup_probe *p, bool used_clone2, bool namespaces, int err, char *buf,
			   size_t len);

/*
 * The supervisor could not make the sandbox's network namespace after
 * clone() (netns_make()) with err. Writes one line into buf.
 */
void startup_explain_netns(const struct sj_startup_probe *p, int err, char *buf, size_t len);

/*
 * A fresh /proc (is_proc) or sysfs was refused with err. EPERM there comes
 * from masked paths (the kernel's mount_too_revealing(), in any user
 * namespace but the initial one) or a security module. Writes one line
 * into buf; returns false when there is nothing to add to the plain errno
 * message.
 */
bool startup_explain_mount(bool is_proc, int err, char *buf, size_t len);
