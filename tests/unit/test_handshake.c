// SPDX-License-Identifier: MIT
/*
 * The start-up handshake's last messages (handshake.h) over a real
 * SOCK_SEQPACKET pair, as spawn.c makes it: the host sockets to cover
 * arrive whole and in order, then "S"; whatever else arrives is refused,
 * never half-read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "handshake.h"

struct pair {
	int sup, sandbox;
};

static int setup(void **state)
{
	static struct pair p;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	p = (struct pair){ sv[0], sv[1] };
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;
	if (p->sup >= 0)
		close(p->sup);
	close(p->sandbox);
	return 0;
}

static void test_nothing_to_cover(void **state)
{
	struct pair *p = *state;
	struct sj_hide_list none = { 0 }, got = { 0 };

	assert_int_equal(handshake_send_start(p->sup, &none), 0);
	assert_int_equal(handshake_recv_start(p->sandbox, &got), 0);
	assert_int_equal(got.n, 0);
}

/* More sockets than one message holds: every one arrives, in order. */
static void test_many_sockets(void **state)
{
	struct pair *p = *state;
	struct sj_hide_list l = { 0 }, got = { 0 };
	char path[300];
	const size_t n = 500;

	/* Long paths, so that 500 of them need several messages. */
	memset(path, 'a', sizeof(path));
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(path, sizeof(path), "/run/s%zu/", i);
		path[w] = 'x';
		path[200 + i % 50] = '\0';
		assert_int_equal(hide_list_add(&l, path, 1000 + i), 0);
		path[200 + i % 50] = 'a';
	}
	assert_int_equal(handshake_send_start(p->sup, &l), 0);
	assert_int_equal(handshake_recv_start(p->sandbox, &got), 0);
	assert_int_equal(got.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(got.v[i].path, l.v[i].path);
		assert_int_equal(got.v[i].ino, 1000 + i);
	}
	hide_list_free(&l);
	hide_list_free(&got);
}

static void test_eof_is_epipe(void **state)
{
	struct pair *p = *state;
	struct sj_hide_list got = { 0 };

	close(p->sup);
	p->sup = -1;
	assert_int_equal(handshake_recv_start(p->sandbox, &got), -EPIPE);
}

/* tag, then payload, as one message. */
static void send_raw(int sock, char tag, const void *payload, size_t len)
{
	char buf[512];
	buf[0] = tag;
	memcpy(buf + 1, payload, len);
	assert_int_equal(send(sock, buf, 1 + len, 0), (ssize_t)(1 + len));
}

static void expect_refused(struct pair *p, char tag, const void *payload, size_t len)
{
	struct sj_hide_list got = { 0 };
	send_raw(p->sup, tag, payload, len);
	assert_int_equal(handshake_recv_start(p->sandbox, &got), -EBADMSG);
	hide_list_free(&got);
}

static void test_bad_tag(void **state)
{
	expect_refused(*state, 'F', "", 0);
}

/* "S" says only that COMMAND may start: anything it carries is refused. */
static void test_start_with_payload(void **state)
{
	expect_refused(*state, 'S', "x", 1);
}

static void test_record_cut_short(void **state)
{
	char rec[8 + 2 + 4];
	uint64_t ino = 7;
	uint16_t len = 9; /* says 9, has 4 */
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &len, 2);
	memcpy(rec + 10, "/run", 4);
	expect_refused(*state, 'H', rec, sizeof(rec));
}

static void test_record_with_nul(void **state)
{
	char rec[8 + 2 + 6];
	uint64_t ino = 7;
	uint16_t len = 6;
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &len, 2);
	memcpy(rec + 10, "/ru\0n/", 6);
	expect_refused(*state, 'H', rec, sizeof(rec));
}

static void test_empty_path(void **state)
{
	char rec[8 + 2];
	uint64_t ino = 7;
	uint16_t len = 0;
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &len, 2);
	expect_refused(*state, 'H', rec, sizeof(rec));
}

/* An fd nobody asked for is refused, and not left open in the sandbox. */
static void test_unexpected_fd(void **state)
{
	struct pair *p = *state;
	struct sj_hide_list got = { 0 };
	char c[CMSG_SPACE(sizeof(int))] = { 0 }, tag = 'S';
	struct iovec iov = { &tag, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c, .msg_controllen = sizeof(c) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	int fd = STDIN_FILENO;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	assert_true(sendmsg(p->sup, &m, 0) > 0);
	assert_int_equal(handshake_recv_start(p->sandbox, &got), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_to_cover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_is_epipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_with_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_with_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unexpected_fd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
