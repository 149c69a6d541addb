// SPDX-License-Identifier: MIT
#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "settings.h"

/* Words longer than this are not compared: no name is that long. */
#define SUGGEST_MAX 64

/* Levenshtein distance, ignoring case; both strings at most SUGGEST_MAX bytes. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev[SUGGEST_MAX + 1], cur[SUGGEST_MAX + 1];

	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

static void consider(const char *word, const char *candidate, const char **best, size_t *best_d)
{
	if (strlen(candidate) > SUGGEST_MAX)
		return;
	size_t d = edit_distance(word, candidate);
	if (d < *best_d) {
		*best = candidate;
		*best_d = d;
	}
}

const char *suggest_option(const char *word, unsigned need_flags, const char *extra)
{
	size_t len = strlen(word), best_d = SIZE_MAX;
	const char *best = NULL;

	if (len == 0 || len > SUGGEST_MAX)
		return NULL;
	if (extra)
		consider(word, extra, &best, &best_d);
	for (const struct sj_option *o = sj_options; o->name; o++)
		if ((o->flags & need_flags) == need_flags)
			consider(word, o->name, &best, &best_d);
	if (best_d < len && (best_d <= 2 || best_d * 3 <= len))
		return best;
	return NULL;
}
