/* SPDX-License-Identifier: MIT */
/* The only place that writes sockjail's own messages to stderr. */
#pragma once

#include <stdbool.h>

#define SJ_EXIT_FAILURE 125 /* sockjail itself failed */
#define SJ_EXIT_CANNOT_EXEC 126
#define SJ_EXIT_NOT_FOUND 127

/* "sockjail: <message>" on one line. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "sockjail: <message>: <strerror(-err)>" on one line; err is a negative errno. */
void log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the message like log_error() and exit 125. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int err, const char *fmt, ...);
