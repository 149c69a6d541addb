/* SPDX-License-Identifier: MIT */
/*
 * The start-up handshake between the supervisor and the sandbox's first
 * process, on the sync socket (sandbox.h), and the CPU hint that lets both
 * work at once while it lasts.
 *
 *   supervisor -> sandbox  "g": the id maps (and the veth) are in place;
 *                          where the supervisor made the sandbox's netns
 *                          (netns_from_supervisor in sandbox.h), with its
 *                          fd, which the sandbox joins before it mounts
 *   supervisor -> sandbox  "H" messages: the host sockets to cover
 *                          (--other-sockets hidden), none if there are none
 *   supervisor -> sandbox  "S": COMMAND may start once the sandbox has
 *                          covered those sockets
 *   COMMAND -> supervisor  the seccomp listener (restart_report.h)
 *
 * The netns (as root, --net none) is made and the list of sockets made
 * after clone(), while the new process faults in its address space,
 * brings lo up (lo_up.h) and mounts, instead of before.
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "hide_plan.h"

/*
 * The sockets to cover, in "H" messages, then "S". Returns 0, or a
 * negative errno (-EPIPE: the sandbox has ended).
 */
int handshake_send_start(int sock, const struct sj_hide_list *hide);

/*
 * The sandbox's side: fills *hide, returns at "S". Returns 0, -EPIPE if
 * the supervisor closed the socket (it said why), -ENOMEM, or -EBADMSG
 * for anything else.
 */
int handshake_recv_start(int sock, struct sj_hide_list *hide);

struct sj_cpu_hint {
	cpu_set_t cpus; /* sockjail's own affinity, which the sandbox gets back */
	bool spread;    /* the sandbox is kept off our CPU until handshake_cpus_restore() */
};

/*
 * Keep the sandbox's new first process off the CPU we run on, when we may
 * use another. A hint: nothing happens on one CPU, or if the kernel says
 * no.
 */
void handshake_cpus_spread(pid_t pid, struct sj_cpu_hint *h);

/* Give the sandbox sockjail's affinity back. Returns 0 or a negative errno. */
int handshake_cpus_restore(pid_t pid, struct sj_cpu_hint *h);
