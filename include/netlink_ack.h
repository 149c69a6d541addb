/* SPDX-License-Identifier: MIT */
/*
 * The kernel's answer to one rtnetlink request sent with NLM_F_ACK, read
 * with one recvmsg(): a pure check of its bytes, unit-tested without a
 * socket (tests/unit/test_lo_request.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * buf holds len bytes the kernel sent back to a request numbered seq.
 * Returns 0 for an ack, the request's negative errno for a refusal, or
 * -EBADMSG when the bytes are neither (short, another sequence number,
 * another message type).
 */
int netlink_ack_parse(const void *buf, size_t len, uint32_t seq);
