/* SPDX-License-Identifier: MIT */
/*
 * The mount plan: the list of mount operations a sandbox needs, built from
 * the settings without touching the kernel (pure, printable, unit-tested),
 * then applied in order by mount_apply().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "settings.h"

enum sj_mount_op_kind {
	SJ_MOP_MAKE_SLAVE, /* "/" recursively: nothing propagates back to the host */
	SJ_MOP_TMPFS,      /* a fresh tmpfs on dst, mode */
	SJ_MOP_BIND,       /* bind src (as the caller sees it) on dst */
	SJ_MOP_REMOUNT_RO, /* make the mount at dst read-only (not its submounts) */
	SJ_MOP_SYSFS,      /* a fresh read-only sysfs on /sys */
	SJ_MOP_PROC,       /* a fresh proc on /proc for the new PID namespace */
	SJ_MOP_SOCKET_STUB, /* a socket file nobody listens on at dst (--run-socket-optional) */
};

struct sj_mount_op {
	enum sj_mount_op_kind kind;
	const char *src; /* BIND: the caller's path; points into the settings */
	const char *dst;
	bool readonly;   /* BIND, TMPFS */
	/*
	 * dst (and its parents) may be created: only beneath a tmpfs this plan
	 * mounted, never in the caller's filesystem.
	 */
	bool create_dst;
	mode_t mode; /* TMPFS */
	const char *origin; /* the option that asked for it, for messages */
	/*
	 * BIND of a host path the supervisor walked (--run-dir, --run-socket;
	 * see mount_plan_pin): the symlink-free path it resolved to and the
	 * inode it found there. The sandbox reopens that path following no
	 * symlink at all and mounts it only if it is still the same inode, so
	 * a swap after the check cannot redirect the mount. NULL: src as is.
	 */
	const char *pinned;
	dev_t pinned_dev;
	ino_t pinned_ino;
};

struct sj_mount_plan {
	struct sj_mount_op *ops;
	size_t n;
};

/* Build the plan. Returns 0 or a negative errno (-ENOMEM). */
int mount_plan_build(const struct sj_settings *s, struct sj_mount_plan *plan);
void mount_plan_free(struct sj_mount_plan *plan);

/*
 * Pin the source of every BIND from the option origin with source src
 * (both compared as strings) to the path canon and the inode (dev, ino);
 * canon must outlive the plan. Returns the number of operations pinned.
 */
size_t mount_plan_pin(struct sj_mount_plan *plan, const char *origin, const char *src, const char *canon, dev_t dev,
		      ino_t ino);

/* One line per operation, e.g. "bind-ro /run/dbus/x -> /run/dbus/x (create)". */
void mount_plan_print(const struct sj_mount_plan *plan, FILE *f);

/*
 * Apply the plan in the calling process, which must be in its own mount
 * namespace. Bind sources are opened before the first mount, so that they
 * name what the caller sees even once /run is covered. On failure returns
 * a negative errno and sets *failed to the index of the operation; -ESTALE
 * means a pinned source is no longer what the supervisor checked.
 */
int mount_apply(const struct sj_mount_plan *plan, size_t *failed);
