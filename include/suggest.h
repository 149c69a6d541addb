/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean": the option or directive a mistyped word most likely
 * meant. One rule for the command line and for profiles, so a typo gets
 * the same hint wherever it is made. Pure.
 */
#pragma once

/*
 * The name in sj_options[] (only those with every flag in need_flags),
 * or extra if given, closest to word by edit distance ignoring case; the
 * first in table order on a tie. NULL when nothing is close enough not to
 * be a guess: at most 2 edits, or a third of the word, and fewer edits
 * than the word has bytes.
 */
const char *suggest_option(const char *word, unsigned need_flags, const char *extra);
