// SPDX-License-Identifier: MIT
/*
 * Formatting of bind decisions. comm and addresses come from the sandbox,
 * so every byte is escaped: an audit line must stay one valid JSON object,
 * and a stderr line must not carry terminal control sequences.
 */
#include "audit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* TASK_COMM_LEN: comm may come as a bare array without a terminating NUL. */
#define SJ_COMM_MAX 16

static const char hex_digits[] = "0123456789abcdef";

/*
 * An snprintf-like sink. Output goes in pieces (a literal, one escaped
 * byte); once a piece does not fit nothing more is written, so a truncated
 * result is a prefix of the full one that never ends inside an escape.
 */
struct sink {
	char *buf;
	size_t len;  /* capacity, terminating NUL included */
	size_t pos;  /* bytes written */
	size_t need; /* bytes the whole output takes */
	bool full;
};

static void sink_init(struct sink *s, char *buf, size_t len)
{
	*s = (struct sink){ .buf = buf, .len = len, .full = len == 0 };
}

static void sink_put(struct sink *s, const char *piece, size_t n)
{
	s->need += n;
	if (s->full)
		return;
	/* Keep one byte for the terminating NUL. */
	if (n >= s->len - s->pos) {
		s->full = true;
		return;
	}
	memcpy(s->buf + s->pos, piece, n);
	s->pos += n;
}

static void sink_puts(struct sink *s, const char *str)
{
	sink_put(s, str, strlen(str));
}

static size_t sink_finish(struct sink *s)
{
	if (s->len > 0)
		s->buf[s->pos] = '\0';
	return s->need;
}

/*
 * A JSON string from any bytes. Everything outside printable ASCII goes as
 * \u00XX, so the line is ASCII and valid JSON even for bytes that are not
 * UTF-8; a byte b reads back as code point U+00b.
 */
static void sink_json_string(struct sink *s, const char *str, size_t n)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		sink_puts(s, "null");
		return;
	}
	sink_put(s, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			sink_put(s, esc, sizeof(esc));
		} else if (c >= 0x20 && c <= 0x7e) {
			char plain = (char)c;
			sink_put(s, &plain, 1);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf] };
			sink_put(s, esc, sizeof(esc));
		}
	}
	sink_put(s, "\"", 1);
}

/*
 * Text for the stderr line: printable ASCII as is, everything else as \xNN
 * like sockaddr_escape(). quote_and_backslash also escapes '"' and '\\'
 * (for comm, which is shown in quotes and is not escaped yet); an address
 * arrives already escaped, so its backslashes are kept.
 */
static void sink_line_text(struct sink *s, const char *str, size_t n, bool quote_and_backslash)
{
	const unsigned char *p = (const unsigned char *)str;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		bool plain = c >= 0x20 && c <= 0x7e;

		if (quote_and_backslash && (c == '"' || c == '\\'))
			plain = false;
		if (plain) {
			char ch = (char)c;
			sink_put(s, &ch, 1);
		} else {
			char esc[4] = { '\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xf] };
			sink_put(s, esc, sizeof(esc));
		}
	}
}

static size_t comm_len(const char *comm)
{
	return comm ? strnlen(comm, SJ_COMM_MAX) : 0;
}

static size_t str_len(const char *str)
{
	return str ? strlen(str) : 0;
}

const char *audit_verdict_name(enum sj_verdict v)
{
	switch (v) {
	case SJ_VERDICT_ALLOW:
		return "allow";
	case SJ_VERDICT_DENY:
		return "deny";
	case SJ_VERDICT_LOG:
		return "log";
	}
	return "unknown";
}

const char *audit_family_name(int family, char *buf, size_t len)
{
	switch (family) {
	case -1:
		return "unknown";
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	case AF_VSOCK:
		return "AF_VSOCK";
	}
	/* Without room for a number the family is as good as unknown. */
	if (!buf || len == 0)
		return "unknown";
	snprintf(buf, len, "AF_%d", family);
	return buf;
}

/*
 * RFC 3339 in UTC with microseconds. CLOCK_REALTIME never leaves years
 * 0000..9999; a value that does (a corrupt event) is written as the epoch
 * rather than as a string no RFC 3339 parser accepts.
 */
void audit_format_ts(const struct timespec *ts, char out[64])
{
	struct tm tm;
	long usec = 0;

	if (ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L)
		usec = ts->tv_nsec / 1000;
	if (!gmtime_r(&ts->tv_sec, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		time_t epoch = 0;

		gmtime_r(&epoch, &tm);
		usec = 0;
	}
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

size_t audit_format_json(char *buf, size_t len, const struct sj_audit_event *ev)
{
	char ts[64], pid[24], family_buf[24];
	const char *family;
	struct sink s;

	sink_init(&s, buf, len);
	audit_format_ts(&ev->ts, ts);
	snprintf(pid, sizeof(pid), "%d", (int)ev->pid);
	family = audit_family_name(ev->family, family_buf, sizeof(family_buf));

	sink_puts(&s, "{\"ts\":\"");
	sink_puts(&s, ts);
	sink_puts(&s, "\",\"pid\":");
	sink_puts(&s, pid);
	sink_puts(&s, ",\"comm\":");
	sink_json_string(&s, ev->comm, comm_len(ev->comm));
	sink_puts(&s, ",\"syscall\":");
	sink_json_string(&s, ev->syscall, str_len(ev->syscall));
	sink_puts(&s, ",\"family\":");
	sink_json_string(&s, family, strlen(family));
	sink_puts(&s, ",\"kind\":");
	sink_json_string(&s, ev->kind, str_len(ev->kind));
	sink_puts(&s, ",\"address\":");
	sink_json_string(&s, ev->address, str_len(ev->address));
	sink_puts(&s, ",\"decision\":");
	sink_json_string(&s, audit_verdict_name(ev->verdict), strlen(audit_verdict_name(ev->verdict)));
	sink_puts(&s, ",\"rule\":");
	sink_json_string(&s, ev->rule, str_len(ev->rule));
	sink_puts(&s, "}");
	return sink_finish(&s);
}

size_t audit_format_denial(char *buf, size_t len, const struct sj_audit_event *ev)
{
	const char *syscall = ev->syscall ? ev->syscall : "bind";
	char pid[24];
	struct sink s;

	sink_init(&s, buf, len);
	snprintf(pid, sizeof(pid), "%d", (int)ev->pid);

	sink_puts(&s, "denied ");
	sink_line_text(&s, syscall, strlen(syscall), true);
	sink_puts(&s, " ");
	if (ev->address)
		sink_line_text(&s, ev->address, strlen(ev->address), false);
	else
		sink_puts(&s, "?");
	sink_puts(&s, " (pid ");
	sink_puts(&s, pid);
	sink_puts(&s, ", comm \"");
	sink_line_text(&s, ev->comm, comm_len(ev->comm), true);
	sink_puts(&s, "\")");
	return sink_finish(&s);
}
