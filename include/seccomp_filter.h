/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filter: built with libseccomp, exported to classic BPF, and
 * loaded by COMMAND's process right before execve() with seccomp(2) so
 * that flags libseccomp 2.5 lacks can be set. The variants every start
 * without --learn uses are built once, at build time, by the same code
 * (launcher/gen/bake_filters.c): seccomp_filter_program() hands out those.
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

/*
 * The program for opts, into prog (prog->filter is malloc'd): the one
 * baked at build time for these options if there is one, else built and
 * exported now. Returns 0 or a negative errno.
 */
int seccomp_filter_program(const struct sj_filter_opts *opts, struct sock_fprog *prog);

/*
 * A program baked at build time: $(BUILD)/gen/filter_table.c, which
 * bake_filters prints. The table is weak: a build without it (the
 * fuzzers', BAKED_FILTERS=0) builds every program at run time.
 */
struct sj_baked_filter {
	bool autobind_deny, connect_notify;
	unsigned short len;
	const struct sock_filter *insns;
};
extern const struct sj_baked_filter sj_baked_filters[] __attribute__((weak));
extern const unsigned sj_n_baked_filters __attribute__((weak));

/* The baked program for opts, or NULL (none for --learn, or none baked). */
const struct sj_baked_filter *seccomp_filter_baked(const struct sj_filter_opts *opts);

/* libseccomp's pseudo-filter code (PFC) for --print-filter. */
int seccomp_filter_print(scmp_filter_ctx ctx, int fd);

/*
 * Install prog on the calling thread with NEW_LISTENER and
 * WAIT_KILLABLE_RECV (falling back to NEW_LISTENER alone on kernels before
 * 5.19). Requires no_new_privs or CAP_SYS_ADMIN. Returns the listener fd
 * (O_CLOEXEC) or a negative errno.
 */
int seccomp_filter_install(const struct sock_fprog *prog);
