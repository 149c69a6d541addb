/* SPDX-License-Identifier: MIT */
/*
 * --restart, on both sides of the sandbox. The sandbox's init keeps the
 * namespaces, /run and the --listen sockets, and starts COMMAND again;
 * the supervisor reports each restart (stderr, --audit) and takes the
 * new COMMAND's seccomp listener.
 */
#pragma once

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "sandbox.h"
#include "settings.h"

/* Init -> supervisor over the sync socket, before each restart. */
#define SJ_RESTART_MSG_MAGIC 0x736a7273u /* "sjrs" */
struct sj_restart_msg {
	uint32_t magic;
	uint32_t count;
	int32_t wait_status;
};

/*
 * The sandbox's init with --restart, once its mounts are done and the
 * signals in *set are blocked: applies Landlock and makes the --listen
 * sockets once, then runs start() (which forks COMMAND's process) for the
 * first COMMAND and after every exit --restart asks to restart, reaping
 * and forwarding signals as init does. Never returns.
 */
__attribute__((noreturn)) void restart_init_run(const struct sj_sandbox *sb, const sigset_t *set,
						pid_t (*start)(const struct sj_sandbox *sb));
