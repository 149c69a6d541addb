// SPDX-License-Identifier: MIT
/*
 * Profiles (sockjail.profile(5)): read a file line by line, split each line
 * into words and hand every directive to settings_apply(). This file knows
 * the file format (header, words and quotes, comments, include, limits) and
 * nothing about what a valid value is: the option table and settings_apply()
 * decide that, for the command line and for profiles alike.
 *
 * Format decisions not spelled out in profile.md, fixed here:
 * - White space is space, tab, CR, VT and FF, so a file with CRLF line
 *   endings reads as intended.
 * - A word is either unquoted (a run of non-blank bytes, in which a
 *   backslash is an ordinary byte and a double quote is an error) or
 *   quoted as a whole ("..." with \" and \\ as the only escapes), followed
 *   by white space or the end of the line. No shell-style concatenation.
 * - The 4096-byte limit counts the bytes before the newline: a line of 4096
 *   bytes plus '\n' is accepted, 4097 bytes are not. The 1 MiB limit
 *   counts every byte including newlines.
 * - Every file, included ones too, starts with its own header.
 */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "suggest.h"

#ifndef SJ_SYSCONF_PROFILEDIR
#define SJ_SYSCONF_PROFILEDIR "/etc/sockjail/profiles"
#endif
#ifndef SJ_PROFILEDIR
#define SJ_PROFILEDIR "/usr/local/share/sockjail/profiles"
#endif

#define PROFILE_MAGIC "sockjail-profile"
#define PROFILE_VERSION "1"

/* A directive, its argument, and one more word to report as extra. */
#define MAX_WORDS 3

/* How much of a word an error message quotes. */
#define SHOW_MAX 256

/* The files being read, outermost first: an include of one of them is a cycle. */
struct include_chain {
	struct {
		dev_t dev;
		ino_t ino;
		const char *name;
	} file[SJ_PROFILE_MAX_DEPTH + 1];
	int n;
};

struct line_reader {
	FILE *f;
	const char *filename;
	size_t total;    /* bytes read so far, newlines included */
	unsigned lineno; /* the line last returned */
	char buf[SJ_PROFILE_MAX_LINE + 1];
};

static int parse_stream(struct include_chain *chain, FILE *f, const char *filename, int depth,
			struct sj_settings *s, char *err, size_t errlen);

/* "FILE:LINE: message", or "FILE: message" when line is 0. */
static int fail_at(char *err, size_t errlen, int r, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int fail_at(char *err, size_t errlen, int r, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return r;
	if (line)
		n = snprintf(err, errlen, "%s:%u: ", file, line);
	else
		n = snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return r;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return r;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Whether w must be written in quotes to read back as one word with the
 * same bytes. Backslashes alone do not need quotes (unquoted, they are
 * literal), which keeps a printed line no longer than the line it came from.
 */
static bool word_needs_quotes(const char *w)
{
	if (w[0] == '\0' || w[0] == '#')
		return true;
	for (const char *c = w; *c; c++)
		if (is_blank(*c) || *c == '"' || *c == '\n')
			return true;
	return false;
}

/*
 * w as a message shows it: in profile syntax, with control bytes as \xNN so
 * that a hostile file cannot put terminal escapes into sockjail's stderr,
 * cut at SHOW_MAX bytes.
 */
static const char *show(const char *w, char buf[static SHOW_MAX + 8])
{
	bool quote = word_needs_quotes(w);
	size_t n = 0;

	if (quote)
		buf[n++] = '"';
	for (const unsigned char *c = (const unsigned char *)w; *c; c++) {
		if (n >= SHOW_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (*c < 0x20 || *c == 0x7f) {
			snprintf(buf + n, 5, "\\x%02x", *c);
			n += 4;
		} else {
			if (quote && (*c == '"' || *c == '\\'))
				buf[n++] = '\\';
			buf[n++] = (char)*c;
		}
	}
	if (quote)
		buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

/*
 * Read one line into lr->buf without its newline. Returns 1, 0 at the end
 * of the file, or a negative errno with the message in err.
 */
static int read_line(struct line_reader *lr, char *err, size_t errlen)
{
	unsigned line = lr->lineno + 1;
	size_t n = 0;
	bool any = false;
	int c;

	while ((c = getc(lr->f)) != EOF) {
		any = true;
		if (++lr->total > SJ_PROFILE_MAX_SIZE)
			return fail_at(err, errlen, -EFBIG, lr->filename, line, "file larger than 1 MiB (%d bytes)",
				       SJ_PROFILE_MAX_SIZE);
		if (c == '\n')
			break;
		if (c == '\0')
			return fail_at(err, errlen, -EINVAL, lr->filename, line, "NUL byte");
		if (n == SJ_PROFILE_MAX_LINE)
			return fail_at(err, errlen, -E2BIG, lr->filename, line, "line longer than %d bytes",
				       SJ_PROFILE_MAX_LINE);
		lr->buf[n++] = (char)c;
	}
	if (c == EOF && ferror(lr->f))
		return fail_at(err, errlen, -EIO, lr->filename, line, "read error");
	if (!any)
		return 0;
	lr->buf[n] = '\0';
	lr->lineno = line;
	return 1;
}

/*
 * Split line into words, unquoting into out (at least strlen(line) + 2
 * bytes). The first max words are stored in words; the return value is
 * the number of words on the line, or -EINVAL with the reason in why.
 */
static int split_words(const char *p, char *out, char **words, int max, const char **why)
{
	int n = 0;

	for (;;) {
		while (is_blank(*p))
			p++;
		/* Only reached at the start of a line or after white space. */
		if (*p == '\0' || *p == '#')
			return n;
		char *w = out;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0' || (*p == '\\' && p[1] == '\0')) {
					*why = "unterminated quoted string";
					return -EINVAL;
				}
				if (*p == '\\') {
					if (p[1] != '"' && p[1] != '\\') {
						*why = "unknown escape in quoted string (only \\\" and \\\\)";
						return -EINVAL;
					}
					p++;
				}
				*out++ = *p;
			}
			p++;
			if (*p != '\0' && !is_blank(*p)) {
				*why = "closing quote not followed by white space";
				return -EINVAL;
			}
		} else {
			for (; *p != '\0' && !is_blank(*p); p++) {
				if (*p == '"') {
					*why = "quote inside a word (quote the whole word)";
					return -EINVAL;
				}
				*out++ = *p;
			}
		}
		*out++ = '\0';
		if (n < max)
			words[n] = w;
		n++;
	}
}

/*
 * Open path for reading if it is a regular file. O_NONBLOCK so that a FIFO
 * named by a profile is refused rather than hanging the parse.
 */
static int open_regular(const char *path, int *ret_fd, struct stat *st, char *why, size_t whylen)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int r = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, st) < 0) {
		int r = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * NAME.profile in each directory of $SOCKJAIL_PROFILE_PATH, then the
 * system directories. A directory that does not hold the file is skipped;
 * one that holds it but cannot be read is an error, not a reason to fall
 * back to a profile the user did not mean. secure_getenv(): should sockjail
 * ever run setuid, the caller's environment must not pick its profiles.
 */
static int find_profile(const char *name, char **ret_path, int *ret_fd, struct stat *st, char *why, size_t whylen)
{
	const char *env = secure_getenv("SOCKJAIL_PROFILE_PATH");
	_cleanup_free_ char *dirs = strdup(env ? env : "");
	const char *fixed[] = { SJ_SYSCONF_PROFILEDIR, SJ_PROFILEDIR };
	char *cursor = dirs;
	size_t next_fixed = 0;

	if (!dirs)
		return -ENOMEM;
	for (;;) {
		const char *dir;
		if (cursor)
			dir = strsep(&cursor, ":");
		else if (next_fixed < ARRAY_SIZE(fixed))
			dir = fixed[next_fixed++];
		else
			break;
		/* An empty entry is not "the current directory": skip it. */
		if (dir[0] == '\0')
			continue;
		_cleanup_free_ char *path = NULL;
		if (asprintf(&path, "%s/%s.profile", dir, name) < 0)
			return -ENOMEM;
		int r = open_regular(path, ret_fd, st, why, whylen);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return r;
		*ret_path = TAKE_PTR(path);
		return 0;
	}
	snprintf(why, whylen, "not found (looked for %s.profile in $SOCKJAIL_PROFILE_PATH, %s, %s)", name,
		 SJ_SYSCONF_PROFILEDIR, SJ_PROFILEDIR);
	return -ENOENT;
}

/* "x.profile" given where a NAME is looked up: most likely a file was meant. */
static bool looks_like_file(const char *name)
{
	size_t len = strlen(name);
	return len > 8 && strcmp(name + len - 8, ".profile") == 0;
}

/*
 * arg relative to the directory of the file that includes it. Leading "./"
 * is dropped so that names in messages do not grow with each level; ".."
 * is kept, since only the kernel knows where it leads through symlinks.
 */
static char *resolve_include(const char *including, const char *arg)
{
	const char *slash = strrchr(including, '/');
	char *p;

	if (arg[0] == '/' || !slash)
		return strdup(arg);
	while (arg[0] == '.' && arg[1] == '/') {
		arg += 2;
		while (arg[0] == '/')
			arg++;
	}
	if (asprintf(&p, "%.*s/%s", (int)(slash - including), including, arg) < 0)
		return NULL;
	return p;
}

/*
 * "include NAME" looks for NAME.profile next to the including file first,
 * so that a set of profiles that include each other works from wherever
 * it lies (profiles/ of the source tree) without $SOCKJAIL_PROFILE_PATH.
 * -ENOENT when there is no such file there (or the including file has no
 * directory, like a memory stream), so the search path comes next.
 */
static int find_beside(const char *including, const char *name, char **ret_path, int *ret_fd, struct stat *st,
		       char *why, size_t whylen)
{
	_cleanup_free_ char *file = NULL, *path = NULL;

	if (!strchr(including, '/'))
		return -ENOENT;
	if (asprintf(&file, "%s.profile", name) < 0) {
		file = NULL;
		return -ENOMEM;
	}
	if (!(path = resolve_include(including, file)))
		return -ENOMEM;
	int r = open_regular(path, ret_fd, st, why, whylen);
	if (r == -ENOTDIR)
		r = -ENOENT;
	if (r < 0)
		return r;
	*ret_path = TAKE_PTR(path);
	return 0;
}

static bool chain_push(struct include_chain *chain, const struct stat *st, const char *name)
{
	if (chain->n >= (int)ARRAY_SIZE(chain->file))
		return false;
	chain->file[chain->n].dev = st->st_dev;
	chain->file[chain->n].ino = st->st_ino;
	chain->file[chain->n].name = name;
	chain->n++;
	return true;
}

static int do_include(struct include_chain *chain, const char *filename, unsigned line, int depth, const char *arg,
		      struct sj_settings *s, char *err, size_t errlen)
{
	char shown[SHOW_MAX + 8], why[1024];
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	show(arg, shown);
	if (arg[0] == '\0')
		return fail_at(err, errlen, -EINVAL, filename, line, "include: empty name");
	if (depth >= SJ_PROFILE_MAX_DEPTH)
		return fail_at(err, errlen, -ELOOP, filename, line, "include %s: more than %d levels of include",
			       shown, SJ_PROFILE_MAX_DEPTH);

	if (!strchr(arg, '/')) {
		r = find_beside(filename, arg, &path, &fd, &st, why, sizeof(why));
		if (r == -ENOENT)
			r = find_profile(arg, &path, &fd, &st, why, sizeof(why));
		if (r == -ENOENT && looks_like_file(arg))
			return fail_at(err, errlen, r, filename, line,
				       "include %s: %s; for the file next to this profile write ./%s", shown, why, arg);
	} else {
		path = resolve_include(filename, arg);
		r = path ? open_regular(path, &fd, &st, why, sizeof(why)) : -ENOMEM;
	}
	if (r == -ENOMEM)
		return fail_at(err, errlen, r, filename, line, "include %s: %s", shown, strerror(-r));
	if (r < 0)
		return fail_at(err, errlen, r, filename, line, "include %s: %s", shown, why);

	for (int i = 0; i < chain->n; i++) {
		if (chain->file[i].dev != st.st_dev || chain->file[i].ino != st.st_ino)
			continue;
		size_t used = 0;
		why[0] = '\0';
		for (int j = i; j < chain->n && used < sizeof(why); j++)
			used += (size_t)snprintf(why + used, sizeof(why) - used, "%s -> ", chain->file[j].name);
		if (used < sizeof(why))
			snprintf(why + used, sizeof(why) - used, "%s", path);
		return fail_at(err, errlen, -ELOOP, filename, line, "include %s: include cycle: %s", shown, why);
	}
	if (!chain_push(chain, &st, path))
		return fail_at(err, errlen, -ELOOP, filename, line, "include %s: more than %d levels of include",
			       shown, SJ_PROFILE_MAX_DEPTH);

	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f) {
		r = -errno;
		chain->n--;
		return fail_at(err, errlen, r, filename, line, "include %s: %s", shown, strerror(-r));
	}
	TAKE_FD(fd);
	r = parse_stream(chain, f, path, depth + 1, s, err, errlen);
	chain->n--;
	return r;
}

static int apply_directive(struct include_chain *chain, const char *filename, unsigned line, int depth, char **w,
			   int n, struct sj_settings *s, char *err, size_t errlen)
{
	char shown[SHOW_MAX + 8], shown_arg[SHOW_MAX + 8];
	const char *name = w[0];
	bool wants_arg;

	show(name, shown);
	if (strcmp(name, PROFILE_MAGIC) == 0)
		return fail_at(err, errlen, -EINVAL, filename, line, "%s must be the first directive, and only once",
			       PROFILE_MAGIC);

	const struct sj_option *o = settings_option_by_name(name);
	if (strcmp(name, "include") == 0) {
		wants_arg = true;
	} else if (!o) {
		const char *hint = suggest_option(name, SJ_OPTF_IN_FILE, "include");
		if (hint)
			return fail_at(err, errlen, -EINVAL, filename, line, "unknown directive '%s' (did you mean '%s'?)",
				       shown, hint);
		return fail_at(err, errlen, -EINVAL, filename, line, "unknown directive '%s'", shown);
	} else if (!(o->flags & SJ_OPTF_IN_FILE)) {
		return fail_at(err, errlen, -EINVAL, filename, line, "%s: not allowed in a profile", shown);
	} else {
		wants_arg = o->flags & SJ_OPTF_ARG;
	}

	if (!wants_arg && n > 1)
		return fail_at(err, errlen, -EINVAL, filename, line, "%s: takes no argument", shown);
	if (wants_arg && n < 2)
		return fail_at(err, errlen, -EINVAL, filename, line, "%s: missing argument", shown);
	if (wants_arg && n > 2)
		return fail_at(err, errlen, -EINVAL, filename, line, "%s: extra argument %s", shown,
			       show(w[2], shown_arg));

	if (!o)
		return do_include(chain, filename, line, depth, w[1], s, err, errlen);

	const char *arg = wants_arg ? w[1] : NULL;
	char why[1024] = "";
	int r = settings_apply(s, o->id, arg, why, sizeof(why));
	if (r >= 0 && (r = settings_note_origin(s, o->id, arg, filename, line)) >= 0)
		return 0;
	if (!why[0])
		snprintf(why, sizeof(why), "%s", strerror(-r));
	if (arg)
		return fail_at(err, errlen, r, filename, line, "%s %s: %s", shown, show(arg, shown_arg), why);
	return fail_at(err, errlen, r, filename, line, "%s: %s", shown, why);
}

static int check_header(const char *filename, unsigned line, char **w, int n, char *err, size_t errlen)
{
	char shown[SHOW_MAX + 8];

	if (strcmp(w[0], PROFILE_MAGIC) != 0)
		return fail_at(err, errlen, -EINVAL, filename, line,
			       "missing header '" PROFILE_MAGIC " " PROFILE_VERSION "' (it must come first)");
	if (n < 2)
		return fail_at(err, errlen, -EINVAL, filename, line, PROFILE_MAGIC ": missing argument");
	if (n > 2)
		return fail_at(err, errlen, -EINVAL, filename, line, PROFILE_MAGIC ": extra argument %s",
			       show(w[2], shown));
	if (strcmp(w[1], PROFILE_VERSION) != 0)
		return fail_at(err, errlen, -EINVAL, filename, line,
			       "unsupported profile version %s (this sockjail reads version " PROFILE_VERSION ")",
			       show(w[1], shown));
	return 0;
}

static int parse_stream(struct include_chain *chain, FILE *f, const char *filename, int depth,
			struct sj_settings *s, char *err, size_t errlen)
{
	struct line_reader lr = { .f = f, .filename = filename };
	char words_buf[SJ_PROFILE_MAX_LINE + 2];
	char *w[MAX_WORDS];
	bool have_header = false;
	int r;

	while ((r = read_line(&lr, err, errlen)) > 0) {
		const char *why = NULL;
		int n = split_words(lr.buf, words_buf, w, MAX_WORDS, &why);
		if (n < 0)
			return fail_at(err, errlen, n, filename, lr.lineno, "%s", why);
		if (n == 0)
			continue;
		if (!have_header)
			r = check_header(filename, lr.lineno, w, n, err, errlen);
		else
			r = apply_directive(chain, filename, lr.lineno, depth, w, n, s, err, errlen);
		if (r < 0)
			return r;
		have_header = true;
	}
	if (r < 0)
		return r;
	if (!have_header)
		return fail_at(err, errlen, -EINVAL, filename, lr.lineno ? lr.lineno : 1,
			       "missing header '" PROFILE_MAGIC " " PROFILE_VERSION "' (the file has no directives)");
	return 0;
}

int profile_parse(FILE *f, const char *filename, int depth, struct sj_settings *s, char *err, size_t errlen)
{
	struct include_chain chain = { .n = 0 };
	struct stat st;
	int fd = fileno(f);

	if (depth < 0 || depth > SJ_PROFILE_MAX_DEPTH)
		return fail_at(err, errlen, -ELOOP, filename, 0, "more than %d levels of include", SJ_PROFILE_MAX_DEPTH);
	/* A memory stream has no fd; it cannot be included again by path anyway. */
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		chain_push(&chain, &st, filename);
	return parse_stream(&chain, f, filename, depth, s, err, errlen);
}

int profile_load(const char *name_or_path, struct sj_settings *s, char *err, size_t errlen)
{
	struct include_chain chain = { .n = 0 };
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	char why[1024];
	struct stat st;
	int r;

	if (name_or_path[0] == '\0') {
		if (err && errlen)
			snprintf(err, errlen, "empty profile name");
		return -EINVAL;
	}
	if (strchr(name_or_path, '/')) {
		path = strdup(name_or_path);
		r = path ? open_regular(path, &fd, &st, why, sizeof(why)) : -ENOMEM;
		if (r < 0 && r != -ENOMEM) {
			if (err && errlen)
				snprintf(err, errlen, "%s", why);
			return r;
		}
	} else {
		r = find_profile(name_or_path, &path, &fd, &st, why, sizeof(why));
		if (r == -ENOENT && looks_like_file(name_or_path))
			return fail_at(err, errlen, r, name_or_path, 0, "%s; for a file in the current directory use ./%s",
				       why, name_or_path);
		if (r < 0 && r != -ENOMEM)
			return fail_at(err, errlen, r, name_or_path, 0, "%s", why);
	}
	if (r < 0)
		return fail_at(err, errlen, r, name_or_path, 0, "%s", strerror(-r));

	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f)
		return fail_at(err, errlen, -errno, path, 0, "%s", strerror(errno));
	TAKE_FD(fd);
	chain_push(&chain, &st, path);
	return parse_stream(&chain, f, path, 0, s, err, errlen);
}

/* --- printing --- */

int profile_print_directive(FILE *out, const char *directive, const char *arg)
{
	if (!arg) {
		fprintf(out, "%s\n", directive);
		return 0;
	}
	/* No escape exists for a newline: such a value cannot be written. */
	if (strchr(arg, '\n'))
		return -EINVAL;
	fprintf(out, "%s ", directive);
	if (!word_needs_quotes(arg)) {
		fprintf(out, "%s\n", arg);
		return 0;
	}
	fputc('"', out);
	for (const char *c = arg; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', out);
		fputc(*c, out);
	}
	fputs("\"\n", out);
	return 0;
}

static int print_linef(FILE *out, const char *directive, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int print_linef(FILE *out, const char *directive, const char *fmt, ...)
{
	_cleanup_free_ char *arg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&arg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		arg = NULL;
		return -ENOMEM;
	}
	return profile_print_directive(out, directive, arg);
}

/* The word settings_apply() maps to enum value v (words[v]), or NULL. */
static const char *enum_word(const char *const *words, size_t n, unsigned v)
{
	return v < n ? words[v] : NULL;
}

#define ENUM_WORD(words, v) enum_word(words, ARRAY_SIZE(words), (unsigned)(v))

/* --groups, --wait, --notify: written only when they differ from the default. */
static int print_service_settings(FILE *out, const struct sj_settings *s)
{
	static const char *const wait_words[] = { "command", "all" };
	static const char *const notify_words[] = { "relay", "none" };
	const char *word;

	if (s->groups_set) {
		_cleanup_free_ char *list = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&list, &len);
		if (!m)
			return -errno;
		for (size_t i = 0; i < s->groups.n; i++)
			fprintf(m, "%s%s", i ? "," : "", s->groups.v[i]);
		if (fclose(m) != 0)
			return -ENOMEM;
		profile_print_directive(out, "groups", list);
	}
	if (s->wait != SJ_WAIT_COMMAND) {
		if (!(word = ENUM_WORD(wait_words, s->wait)))
			return -EINVAL;
		profile_print_directive(out, "wait", word);
	}
	if (s->notify != SJ_NOTIFY_RELAY) {
		if (!(word = ENUM_WORD(notify_words, s->notify)))
			return -EINVAL;
		profile_print_directive(out, "notify", word);
	}
	return 0;
}

static int print_settings(FILE *out, const struct sj_settings *s)
{
	/* In enum order; settings_apply() accepts exactly these words. */
	static const char *const abstract_words[] = { "deny", "allow", "log" };
	static const char *const autobind_words[] = { "allow", "deny" };
	static const char *const connect_words[] = { "deny", "allow" };
	static const char *const pathname_words[] = { "any", "run-dirs" };
	static const char *const on_deny_words[] = { "errno", "kill" };
	static const char *const pid_words[] = { "private", "host" };
	const char *word;
	int r;

	fprintf(out, "%s %s\n", PROFILE_MAGIC, PROFILE_VERSION);
	/*
	 * First: gate-only also sets net and pid to host, so the net and pid
	 * lines that follow must come after it to keep their values when the
	 * printed form is read again.
	 */
	if (s->gate_only)
		profile_print_directive(out, "gate-only", NULL);

	switch (s->net) {
	case SJ_NET_NONE:
		r = profile_print_directive(out, "net", "none");
		break;
	case SJ_NET_HOST:
		r = profile_print_directive(out, "net", "host");
		break;
	case SJ_NET_VETH:
		r = s->net_veth ? print_linef(out, "net", "veth:%s", s->net_veth) : -EINVAL;
		break;
	default:
		r = -EINVAL;
	}
	if (r < 0)
		return r;

	if (!(word = ENUM_WORD(pathname_words, s->pathname_bind)))
		return -EINVAL;
	profile_print_directive(out, "pathname-bind", word);
	if (!(word = ENUM_WORD(abstract_words, s->abstract)))
		return -EINVAL;
	profile_print_directive(out, "abstract", word);
	if (!(word = ENUM_WORD(autobind_words, s->autobind)))
		return -EINVAL;
	profile_print_directive(out, "autobind", word);
	/* Only when given: an explicit value changes what a missing kernel feature means. */
	if (s->abstract_connect_set) {
		if (!(word = ENUM_WORD(connect_words, s->abstract_connect)))
			return -EINVAL;
		profile_print_directive(out, "abstract-connect", word);
	}
	if (!(word = ENUM_WORD(on_deny_words, s->on_deny)))
		return -EINVAL;
	profile_print_directive(out, "on-deny", word);
	if (!(word = ENUM_WORD(pid_words, s->pid)))
		return -EINVAL;
	profile_print_directive(out, "pid", word);
	if (s->restart != SJ_RESTART_NO) {
		static const char *const restart_words[] = { "no", "on-failure", "always" };
		if (!(word = ENUM_WORD(restart_words, s->restart)))
			return -EINVAL;
		profile_print_directive(out, "restart", word);
	}
	if (s->restart_sec_ms != 1000)
		print_linef(out, "restart-sec", "%u.%03u", s->restart_sec_ms / 1000, s->restart_sec_ms % 1000);
	if (s->uid_name)
		profile_print_directive(out, "uid", s->uid_name);
	else if (s->uid_set)
		print_linef(out, "uid", "%u", (unsigned)s->uid);
	if (s->gid_name)
		profile_print_directive(out, "gid", s->gid_name);
	else if (s->gid_set)
		print_linef(out, "gid", "%u", (unsigned)s->gid);
	if (s->userns)
		profile_print_directive(out, "userns", NULL);
	if (s->quiet)
		profile_print_directive(out, "quiet", NULL);
	if (s->chdir && (r = profile_print_directive(out, "chdir", s->chdir)) < 0)
		return r;
	if (s->audit && (r = profile_print_directive(out, "audit", s->audit)) < 0)
		return r;

	for (size_t i = 0; i < s->run_sockets.n; i++)
		if ((r = profile_print_directive(out, "run-socket", s->run_sockets.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->run_sockets_optional.n; i++)
		if ((r = profile_print_directive(out, "run-socket-optional", s->run_sockets_optional.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->run_dirs.n; i++)
		if ((r = profile_print_directive(out, "run-dir", s->run_dirs.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct sj_mount_req *m = &s->mounts[i];
		if (!m->dst)
			return -EINVAL;
		if (m->kind == SJ_MOUNT_TMPFS)
			r = profile_print_directive(out, "tmpfs", m->dst);
		else if (!m->src || (m->kind != SJ_MOUNT_BIND && m->kind != SJ_MOUNT_RO_BIND))
			r = -EINVAL;
		else if (strcmp(m->src, m->dst) == 0)
			r = profile_print_directive(out, m->kind == SJ_MOUNT_BIND ? "bind" : "ro-bind", m->src);
		else
			r = print_linef(out, m->kind == SJ_MOUNT_BIND ? "bind" : "ro-bind", "%s:%s", m->src, m->dst);
		if (r < 0)
			return r;
	}
	if (s->other_sockets_set)
		profile_print_directive(out, "other-sockets",
					s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE ? "visible" : "hidden");
	for (size_t i = 0; i < s->show_sockets.n; i++)
		if ((r = profile_print_directive(out, "show-socket", s->show_sockets.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->abstract_allow.n; i++)
		if ((r = profile_print_directive(out, "abstract-allow", s->abstract_allow.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->abstract_bridge.n; i++)
		if ((r = profile_print_directive(out, "abstract-bridge", s->abstract_bridge.v[i])) < 0)
			return r;
	for (size_t i = 0; i < s->listen.n; i++)
		if ((r = profile_print_directive(out, "listen", s->listen.v[i])) < 0)
			return r;
	if (s->cap_keep) {
		char caps[4096];
		if ((r = caps_format_list(s->cap_keep, caps, sizeof(caps))) < 0)
			return r;
		profile_print_directive(out, "cap-keep", caps);
	}
	if ((r = print_service_settings(out, s)) < 0)
		return r;
	for (size_t i = 0; i < s->n_env; i++) {
		const struct sj_env_op *e = &s->env[i];
		if (e->kind == SJ_ENV_SET && e->name && e->value)
			r = print_linef(out, "setenv", "%s=%s", e->name, e->value);
		else if (e->kind == SJ_ENV_UNSET && e->name)
			r = profile_print_directive(out, "unsetenv", e->name);
		else if (e->kind == SJ_ENV_CLEAR)
			r = profile_print_directive(out, "clearenv", NULL);
		else
			r = -EINVAL;
		if (r < 0)
			return r;
	}
	return 0;
}

int profile_print(FILE *out, const struct sj_settings *s)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	/* Build the text first: a setting that cannot be written leaves out untouched. */
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -errno;
	r = print_settings(m, s);
	if (fclose(m) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0)
		return r;
	if (fwrite(buf, 1, len, out) != len)
		return -EIO;
	return 0;
}
