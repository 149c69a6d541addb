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
	struct iovec iov = { .iov_base = &payload, .iov_len = sizeof(payload) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
	} u = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	ssize_t n;

	while ((n = recvmsg(sync_fd, &msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return -errno;
	if (n == 0)
		return -EPIPE;
	int fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)) && fd < 0) {
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*pid = cred.pid;
		}
	}
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
