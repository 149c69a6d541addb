// SPDX-License-Identifier: MIT
/* Which signals are passed on; --wait all's exit status. Pure. */
#include "proc_policy.h"

#include <signal.h>
#include <sys/wait.h>

#include "log.h"

bool proc_policy_forward_signal(int si_code, bool target_in_our_pgrp)
{
	return !(si_code == SI_KERNEL && target_in_our_pgrp);
}

int proc_policy_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return SJ_EXIT_FAILURE;
}

int proc_policy_wait_all_status(int command_status, int last_status)
{
	int c = proc_policy_exit_status(command_status);
	return c != 0 ? c : proc_policy_exit_status(last_status);
}
