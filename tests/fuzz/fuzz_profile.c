// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the profile parser: the input is a profile, fed
 * through fmemopen() to profile_parse(). When it parses, the printed form
 * must parse again and print identically (what --check-profile promises).
 *
 * Inputs holding the bytes "include" are skipped: an include is the only
 * directive that opens a file, and the fuzzer must not read files named by
 * its input. The word cannot be spelled without those bytes: directives
 * are matched case-sensitively and the only escapes are \" and \\.
 * The include logic is covered by tests/unit/test_profile.c instead.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     tests/fuzz/fuzz_profile.c launcher/profile.c launcher/settings.c \
 *     launcher/caps.c launcher/listen_spec.c launcher/veth_spec.c -lcap -o fp
 *   ./fp -max_total_time=30 tests/fuzz/corpus_profile
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "profile.h"
#include "settings.h"

static char *print_settings(const struct sj_settings *s, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	CHECK(m);
	/* Parsed values never hold a newline, so everything is printable. */
	CHECK(profile_print(m, s) == 0);
	CHECK(fclose(m) == 0);
	return buf;
}

static int parse(const void *bytes, size_t size, struct sj_settings *s, char *err, size_t errlen)
{
	/* A heap copy of exactly size bytes: ASan sees any read past the end. */
	char *copy = malloc(size ? size : 1);
	FILE *f;
	int r;

	CHECK(copy);
	memcpy(copy, bytes, size);
	f = fmemopen(copy, size, "r");
	CHECK(f);
	r = profile_parse(f, "fuzz.profile", 0, s, err, errlen);
	fclose(f);
	free(copy);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sj_settings s, again;
	char err[1024];
	size_t len1, len2;
	int r;

	if (memmem(data, size, "include", 7))
		return 0;

	settings_init(&s);
	err[0] = '\0';
	r = parse(data, size, &s, err, sizeof(err));
	if (r < 0) {
		/* Every error names the file and a line: "fuzz.profile:N: ...". */
		CHECK(strncmp(err, "fuzz.profile:", 13) == 0);
		CHECK(err[13] >= '1' && err[13] <= '9');
		settings_free(&s);
		return 0;
	}

	/*
	 * The printed form is never longer per line than the input (whitespace
	 * collapses, quoting never grows a word), but it spells out every
	 * default: near the 1 MiB limit it could outgrow the file limit.
	 */
	if (size < SJ_PROFILE_MAX_SIZE - 4096) {
		char *text1 = print_settings(&s, &len1), *text2;

		settings_init(&again);
		r = parse(text1, len1, &again, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "printed profile does not parse: %s\n%s", err, text1);
			abort();
		}
		text2 = print_settings(&again, &len2);
		if (len1 != len2 || memcmp(text1, text2, len1) != 0) {
			fprintf(stderr, "printed twice, two texts:\n%s----\n%s", text1, text2);
			abort();
		}
		free(text1);
		free(text2);
		settings_free(&again);
	}
	settings_free(&s);
	return 0;
}
