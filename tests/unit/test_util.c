// SPDX-License-Identifier: MIT
/*
 * recv_msg_fds(), the one receiver of fds with a payload and the sender's
 * credentials (the sync socket, the run-dirs batches, the relay's fd):
 * what it hands out, and that every fd the kernel installed is either
 * handed out or closed; its sender's MSG_DONTWAIT; and the two string
 * helpers the start-up path uses instead of printf().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void pair(int sv[2], bool passcred)
{
	int one = 1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	if (passcred)
		assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
}

static void test_payload_fds_and_pid(void **state)
{
	int sv[2], fds[4] = { -1, -1, -1, -1 }, sent[2];
	char buf[8] = { 0 };
	size_t nfds = 99;
	pid_t pid = -1;

	pair(sv, true);
	sent[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sent[1] = open("/", O_PATH | O_CLOEXEC);
	assert_int_equal(send_fds(sv[1], 'R', sent, 2), 0);
	assert_int_equal(recv_msg_fds(sv[0], buf, sizeof(buf), fds, 4, &nfds, &pid), 1);
	assert_int_equal(buf[0], 'R');
	assert_int_equal(nfds, 2);
	assert_int_equal(pid, getpid());
	/* Received with O_CLOEXEC, as every fd sockjail holds. */
	assert_int_equal(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(fds[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fds[2], -1);
	for (int i = 0; i < 2; i++) {
		close(fds[i]);
		close(sent[i]);
	}
	/* Without SO_PASSCRED the kernel attaches no credentials: pid 0. */
	close(sv[0]);
	close(sv[1]);
	pair(sv, false);
	assert_int_equal(send_fd_with(sv[1], STDIN_FILENO, "abc", 3), 0);
	assert_int_equal(recv_msg_fds(sv[0], buf, sizeof(buf), fds, 1, &nfds, &pid), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(nfds, 1);
	assert_int_equal(pid, 0);
	close(fds[0]);
	close(sv[0]);
	close(sv[1]);
}

/* More fds than the caller takes: all closed, outputs untouched, -EBADMSG. */
static void test_too_many_closed(void **state)
{
	int sv[2], fds[2] = { -1, -1 }, sent[3];
	char tag = 0;
	size_t nfds = 99;
	pid_t pid = -1;

	pair(sv, true);
	for (int i = 0; i < 3; i++)
		sent[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int before = open_fds();
	assert_int_equal(send_fds(sv[1], 'R', sent, 3), 0);
	assert_int_equal(recv_msg_fds(sv[0], &tag, 1, fds, 2, &nfds, &pid), -EBADMSG);
	assert_int_equal(open_fds(), before);
	assert_int_equal(nfds, 99);
	assert_int_equal(pid, -1);
	assert_int_equal(fds[0], -1);
	/* recv_fds() says the same. */
	assert_int_equal(send_fds(sv[1], 'R', sent, 3), 0);
	assert_int_equal(recv_fds(sv[0], &tag, fds, 2, &pid), -EBADMSG);
	assert_int_equal(open_fds(), before);
	/* A message without fds is no batch of fds. */
	assert_int_equal(send(sv[1], "R", 1, 0), 1);
	assert_int_equal(recv_fds(sv[0], &tag, fds, 2, &pid), -EBADMSG);
	for (int i = 0; i < 3; i++)
		close(sent[i]);
	close(sv[0]);
	close(sv[1]);
}

static void test_eof_and_recv_fd(void **state)
{
	int sv[2], fd = -1;
	char c;
	size_t nfds = 99;

	pair(sv, true);
	assert_int_equal(send_fd(sv[1], STDIN_FILENO), 0);
	fd = recv_fd(sv[0]);
	assert_true(fd > STDERR_FILENO);
	close(fd);
	/* A message without an fd is not one. */
	assert_int_equal(send(sv[1], "F", 1, 0), 1);
	assert_int_equal(recv_fd(sv[0]), -EBADMSG);
	close(sv[1]);
	assert_int_equal(recv_msg_fds(sv[0], &c, 1, &fd, 1, &nfds, NULL), -EPIPE);
	assert_int_equal(recv_fd(sv[0]), -EPIPE);
	assert_int_equal(nfds, 99);
	close(sv[0]);
}

/* send_msg_fds() with MSG_DONTWAIT: a full queue is -EAGAIN, not a wait. */
static void test_send_nowait(void **state)
{
	int sv[2], r = 0;
	char big[4096] = { 0 };
	pair(sv, false);
	for (int i = 0; i < 100000 && r == 0; i++)
		r = send_msg_fds(sv[1], big, sizeof(big), &sv[1], 1, MSG_DONTWAIT);
	assert_int_equal(r, -EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

static void test_copy_string(void **state)
{
	char buf[8];
	assert_int_equal(copy_string(buf, sizeof(buf), "/run/ab"), 0);
	assert_string_equal(buf, "/run/ab");
	assert_int_equal(copy_string(buf, sizeof(buf), ""), 0);
	assert_string_equal(buf, "");
	/* One byte too many for the NUL: refused, buf untouched. */
	assert_int_equal(copy_string(buf, sizeof(buf), "/run/abc"), -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

static void test_fd_path(void **state)
{
	char buf[32], small[16];
	static const int fds[] = { 0, 7, 10, 1234567, 2147483647 };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "/proc/self/fd/%d", fds[i]);
		assert_int_equal(fd_path(buf, sizeof(buf), "/proc/self/fd/", fds[i]), 0);
		assert_string_equal(buf, want);
	}
	/* "/proc/self/fd/" is 14 bytes: 1 digit fits in 16 with the NUL, 2 do not. */
	assert_int_equal(fd_path(small, sizeof(small), "/proc/self/fd/", 9), 0);
	assert_string_equal(small, "/proc/self/fd/9");
	assert_int_equal(fd_path(small, sizeof(small), "/proc/self/fd/", 10), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload_fds_and_pid),
		cmocka_unit_test(test_too_many_closed),
		cmocka_unit_test(test_eof_and_recv_fd),
		cmocka_unit_test(test_send_nowait),
		cmocka_unit_test(test_copy_string),
		cmocka_unit_test(test_fd_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
