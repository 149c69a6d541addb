/* SPDX-License-Identifier: MIT */
/*
 * --exposure: what a sandbox built from the settings could reach. The
 * facts come from the code that builds the sandbox (exposure.c gathers
 * them); ordering and printing are pure, here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "hide_plan.h"
#include "settings.h"
#include "sockaddr.h"

struct sj_exposure_row {
	char address[4 * 108 + 2]; /* escaped (sockaddr_escape) */
	bool abstract;
	const char *type;          /* "stream", ... */
	uint64_t inode;
	pid_t pid;                 /* 0: unknown */
	char comm[17];
	bool has_uid;              /* the socket's creator */
	uid_t uid;
	bool has_file;             /* pathname found at its path */
	mode_t mode;
	uid_t file_uid;
	enum sj_reach reach;
	const char *origin, *origin_arg, *sandbox_path;
};

struct sj_exposure_feature {
	const char *feature, *effect;
};

struct sj_exposure {
	uid_t uid; /* the sandbox user's host ids */
	gid_t gid;
	bool userns;
	bool abstract_scoped; /* Landlock refuses connects to abstract sockets made outside */
	const struct sj_settings *s;
	const char *caps;          /* "cap_chown,..." or "" */
	int n_inherited;           /* LISTEN_FDS passed on */
	const char *inherited_names; /* "a:b" or NULL */
	struct sj_exposure_feature missing[4];
	size_t n_missing;
	struct sj_exposure_row *rows;
	size_t n_rows;
};

/* Most dangerous first: reachable and owned by root or another user, then the rest. */
void exposure_sort(struct sj_exposure *e);

void exposure_print_text(FILE *f, const struct sj_exposure *e);
void exposure_print_json(FILE *f, const struct sj_exposure *e);

/* Gather and print; returns sockjail's exit status (0, or 125 after a message). */
int exposure_run(const struct sj_settings *s, bool json);
