// SPDX-License-Identifier: MIT
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One write(2) per line, so lines from the supervisor, init and COMMAND's
 * process never interleave mid-line on a shared stderr. */
static void log_line(const char *prefix, int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "sockjail: %s", prefix);
	if (n < 0)
		return;
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	size_t len = strnlen(buf, sizeof(buf) - 1);
	if (err)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, ": %s", strerror(-err));
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	int saved = errno;
	ssize_t w = write(STDERR_FILENO, buf, len);
	(void)w;
	errno = saved;
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("", 0, fmt, ap);
	va_end(ap);
}

void log_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("", err ? err : -EIO, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("warning: ", 0, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("", 0, fmt, ap);
	va_end(ap);
	_exit(SJ_EXIT_FAILURE);
}

void die_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("", err ? err : -EIO, fmt, ap);
	va_end(ap);
	_exit(SJ_EXIT_FAILURE);
}
