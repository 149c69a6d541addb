/* SPDX-License-Identifier: MIT */
/*
 * What ps shows for sockjail's helper processes: init and the executor
 * zygote are forks of the supervisor and would show its command line, so
 * they rewrite it ("sockjail: init COMMAND...") and their comm.
 */
#pragma once

/*
 * Call first in main(): moves the argument and environment strings to the
 * heap (argv[] and environ are repointed, so they stay valid) and keeps
 * the memory they were in, which the kernel shows as /proc/PID/cmdline.
 */
void proc_title_init(int argc, char **argv);

/* The COMMAND the titles name. command must outlive every title set. */
void proc_title_command(char *const *command);

/*
 * In the calling process: comm becomes comm (PR_SET_NAME, at most 15
 * bytes) and the command line "sockjail: ROLE COMMAND...", cut to the
 * space the original arguments and environment took. Returns 0 or -errno.
 */
int proc_title_set(const char *comm, const char *role);
