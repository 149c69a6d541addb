// SPDX-License-Identifier: MIT
/*
 * lo's request and its answer (netns.h, lo_up.h, netlink_ack.h): the bytes libnl
 * builds before clone() are the RTM_NEWLINK that sets IFF_UP on index 1,
 * and the answer read after it counts only when it is the kernel's ack to
 * that request.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netlink_ack.h"
#include "netns.h"

static void t_request_sets_lo_up(void **state)
{
	struct sj_lo_request req;
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	const char *name = NULL;

	(void)state;
	assert_int_equal(netns_lo_request_build(&req), 0);
	assert_true(req.len >= NLMSG_LENGTH(sizeof(ifi)) && req.len <= sizeof(req.buf));
	memcpy(&h, req.buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, req.len);
	assert_int_equal(h.nlmsg_type, RTM_NEWLINK);
	assert_int_equal(h.nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK), NLM_F_REQUEST | NLM_F_ACK);
	/* A change, never a creation or a replacement. */
	assert_int_equal(h.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE), 0);
	assert_int_equal(h.nlmsg_seq, SJ_LO_REQUEST_SEQ);
	memcpy(&ifi, req.buf + NLMSG_HDRLEN, sizeof(ifi));
	assert_int_equal(ifi.ifi_index, 1);
	assert_int_equal(ifi.ifi_flags & IFF_UP, IFF_UP);
	assert_int_equal(ifi.ifi_change & IFF_UP, IFF_UP);
	/* Its attributes: the name, if any, is "lo". */
	for (size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifi)); off + sizeof(struct rtattr) <= req.len;) {
		struct rtattr a;
		memcpy(&a, req.buf + off, sizeof(a));
		assert_true(a.rta_len >= sizeof(a) && off + a.rta_len <= req.len);
		if (a.rta_type == IFLA_IFNAME)
			name = (const char *)req.buf + off + RTA_LENGTH(0);
		off += RTA_ALIGN(a.rta_len);
	}
	if (name)
		assert_string_equal(name, "lo");
}

/* An NLMSG_ERROR message for seq with error; returns its length. */
static size_t error_msg(unsigned char *buf, uint32_t seq, int error, size_t declared_extra)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr)) + declared_extra,
			      .nlmsg_type = NLMSG_ERROR,
			      .nlmsg_seq = seq };
	struct nlmsgerr e = { .error = error, .msg = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_seq = seq } };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	return NLMSG_LENGTH(sizeof(e));
}

static void t_ack_and_refusal(void **state)
{
	unsigned char buf[128];
	size_t n;

	(void)state;
	n = error_msg(buf, 7, 0, 0);
	assert_int_equal(netlink_ack_parse(buf, n, 7), 0);
	n = error_msg(buf, 7, -EPERM, 0);
	assert_int_equal(netlink_ack_parse(buf, n, 7), -EPERM);
	/* Unaligned: the parser copies the headers out. */
	memmove(buf + 1, buf, n);
	assert_int_equal(netlink_ack_parse(buf + 1, n, 7), -EPERM);
}

static void t_what_is_not_the_ack(void **state)
{
	unsigned char buf[128];
	struct nlmsghdr h;
	size_t n;

	(void)state;
	n = error_msg(buf, 7, 0, 0);
	/* Another request's answer. */
	assert_int_equal(netlink_ack_parse(buf, n, 8), -EBADMSG);
	/* Short: no header, or an error without its body. */
	assert_int_equal(netlink_ack_parse(buf, NLMSG_HDRLEN - 1, 7), -EBADMSG);
	assert_int_equal(netlink_ack_parse(buf, n - 1, 7), -EBADMSG);
	/* A header that claims more than was read. */
	n = error_msg(buf, 7, 0, 16);
	assert_int_equal(netlink_ack_parse(buf, n, 7), -EBADMSG);
	/* Another type (a link dump, say). */
	n = error_msg(buf, 7, 0, 0);
	memcpy(&h, buf, sizeof(h));
	h.nlmsg_type = RTM_NEWLINK;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(netlink_ack_parse(buf, n, 7), -EBADMSG);
	/* An error that is no errno. */
	n = error_msg(buf, 7, 1, 0);
	assert_int_equal(netlink_ack_parse(buf, n, 7), -EBADMSG);
	n = error_msg(buf, 7, -5000, 0);
	assert_int_equal(netlink_ack_parse(buf, n, 7), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_request_sets_lo_up),
		cmocka_unit_test(t_ack_and_refusal),
		cmocka_unit_test(t_what_is_not_the_ack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
