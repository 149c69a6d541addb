/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filter: built with libseccomp before anything is unshared,
 * exported to classic BPF, and loaded by COMMAND's process right before
 * execve() with seccomp(2) so that flags libseccomp 2.5 lacks can be set.
 */
#pragma once

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>

struct sj_filter_opts {
	bool autobind_deny; /* setsockopt(SOL_SOCKET, SO_PASSCRED|SO_PASSPIDFD) -> EPERM */
	bool learn;         /* also notify connect(), sendto(), sendmsg() (--learn) */
	int learn_skip_fd;  /* --learn: sendmsg() on this fd hands the listener over: not notified */
	bool connect_notify; /* notify connect() (--abstract-bridge, or --net host + --abstract-connect deny) */
};

/* Build the filter. Returns 0 or a negative errno. */
int seccomp_filter_build(const struct sj_filter_opts *opts, scmp_filter_ctx *out);

/* Export ctx as classic BPF into prog (prog->filter is malloc'd). */
int seccomp_filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog);
void seccomp_filter_prog_free(struct sock_fprog *prog);

/* libseccomp's pseudo-filter code (PFC) for --print-filter. */
int seccomp_filter_print(scmp_filter_ctx ctx, int fd);

/*
 * Install prog on the calling thread with NEW_LISTENER and
 * WAIT_KILLABLE_RECV (falling back to NEW_LISTENER alone on kernels before
 * 5.19). Requires no_new_privs or CAP_SYS_ADMIN. Returns the listener fd
 * (O_CLOEXEC) or a negative errno.
 */
int seccomp_filter_install(const struct sock_fprog *prog);
