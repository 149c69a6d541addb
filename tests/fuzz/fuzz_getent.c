// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for getent's output as identity_lookup.c reads it
 * (identity_getent.c): the passwd, group and initgroups parsers.
 *
 * Input layout:
 *   byte 0      bit 0: the reader cut the output short (truncated)
 *   then        getent's output, copied into a heap block of exactly its
 *               size (no NUL after it), so ASan sees any overread
 * The initgroups line is checked against the name the passwd parse gave,
 * or "u" when that failed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "identity.h"
#include "identity_getent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool truncated = data[0] & 1;
	size_t len = size - 1;
	char *out = malloc(len ? len : 1);
	if (!out)
		return 0;
	memcpy(out, data + 1, len);

	struct sj_getent_user u = { .uid = 1, .gid = 2, .name = "u" };
	int r = identity_getent_parse_passwd(out, len, truncated, &u);
	CHECK(r == 0 || r == -EBADMSG);
	if (r == 0) {
		size_t n = strlen(u.name);
		CHECK(n > 0 && n <= SJ_GETENT_NAME_MAX);
		CHECK(memcmp(out, u.name, n) == 0 && out[n] == ':');
		CHECK(u.uid != (uid_t)-1 && u.gid != (gid_t)-1);
	} else {
		CHECK(u.uid == 1 && u.gid == 2 && strcmp(u.name, "u") == 0);
	}

	gid_t g = 3;
	r = identity_getent_parse_group(out, len, truncated, &g);
	CHECK(r == 0 || r == -EBADMSG);
	CHECK(r == 0 ? g != (gid_t)-1 : g == 3);

	gid_t *gids = NULL;
	size_t n = 7;
	r = identity_getent_parse_initgroups(out, len, truncated, u.name, &gids, &n);
	CHECK(r == 0 || r == -EBADMSG || r == -E2BIG || r == -ENOMEM);
	if (r == 0) {
		CHECK(!truncated && n <= SJ_GROUPS_MAX && (n == 0) == (gids == NULL));
		for (size_t i = 0; i < n; i++)
			CHECK(gids[i] != (gid_t)-1);
	} else {
		CHECK(n == 7 && gids == NULL);
	}
	free(gids);
	free(out);
	return 0;
}
