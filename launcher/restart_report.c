// SPDX-License-Identifier: MIT
#include "restart_report.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "restart.h"
#include "restart_policy.h"
#include "run_socket_follow.h"
#include "util.h"

static void report_restart(const struct sj_restart_msg *m, const struct sj_settings *s, FILE *audit)
{
	struct sj_restart_event ev = { .count = m->count, .wait_status = m->wait_status, .delay_ms = s->restart_sec_ms };
	char line[256];

	clock_gettime(CLOCK_REALTIME, &ev.ts);
	if (!s->quiet) {
		restart_format_line(line, sizeof(line), &ev);
		log_error("%s", line);
	}
	if (audit) {
		restart_format_json(line, sizeof(line), &ev);
		fprintf(audit, "%s\n", line);
		fflush(audit);
	}
}

int restart_report_receive(int sync_fd, const struct sj_settings *s, FILE *audit, struct sj_follow *follow,
			   pid_t *pid)
{
	union {
		struct sj_restart_msg m;
		struct sj_follow_dir_msg d;
		char c;
	} payload;
	int fd = -1;
	size_t nfds = 0;
	ssize_t n = recv_msg_fds(sync_fd, &payload, sizeof(payload), &fd, 1, &nfds, pid);
	if (n < 0)
		return (int)n;
	if (fd >= 0) {
		if (n == sizeof(payload.d) && payload.d.magic == SJ_FOLLOW_DIR_MAGIC) {
			run_socket_follow_take_dir(follow, payload.d.index, fd);
			return -EAGAIN;
		}
		return fd;
	}
	if (n == sizeof(payload.d) && payload.d.magic == SJ_FOLLOW_READY_MAGIC) {
		int r = run_socket_follow_ready(follow, sync_fd);
		return r < 0 ? r : -EAGAIN;
	}
	if (n == sizeof(payload.m) && payload.m.magic == SJ_RESTART_MSG_MAGIC) {
		report_restart(&payload.m, s, audit);
		return -EAGAIN;
	}
	return -EBADMSG;
}
