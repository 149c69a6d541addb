/* SPDX-License-Identifier: MIT */
/*
 * Shared by the attack and peer programs in tests/helpers (header only:
 * each program is built from its one .c file, some as static -m32).
 *
 * The convention every program follows:
 *   - exactly one result line on stdout: "OK ..." when the operation it
 *     tries (the attack) succeeded, "ERR ..." when it was refused, with the
 *     errno's name (ERR bind EPERM); diagnostics go to stderr;
 *   - exit 0 for OK, 1 for ERR, 2 for a usage or setup error ("SETUP ...");
 *     a program killed by the gate exits by its signal (SIGSYS: 159 from
 *     sockjail) and prints no result line;
 *   - "-- CMD [ARG...]" after the program's own arguments: run CMD once the
 *     attack is over while every socket it made is still open (so that
 *     `cat /proc/net/unix` in the same sandbox sees whatever it bound), then
 *     exit with the attack's status, whatever CMD returned.
 *
 * Addresses are written as sockjail shows them: "@name" is the abstract
 * name "\0name", "\xNN" is any byte (so "@a\x00b" has an embedded NUL);
 * anything else is a pathname.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define H_OK 0
#define H_REFUSED 1
#define H_SETUP 2

static inline const char *h_errname(int e)
{
	static char buf[16];
	const char *n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static inline __attribute__((format(printf, 1, 2), noreturn)) void h_setup_fail(const char *fmt, ...)
{
	va_list ap;
	int e = errno;
	printf("SETUP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" %s\n", h_errname(e));
	exit(H_SETUP);
}

/* Renders bytes the way sockjail does: leading NUL as '@', others as \xNN. */
static inline void h_escape(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t k = 0;
	for (size_t i = 0; i < len && k + 5 < outlen; i++) {
		unsigned char c = p[i];
		if (i == 0 && c == '\0')
			out[k++] = '@';
		else if (c >= 0x20 && c <= 0x7e && c != '\\' && !(i == 0 && c == '@'))
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, outlen - k, "\\x%02x", c);
	}
	out[k] = '\0';
}

/*
 * Parse "@name" (abstract, \xNN escapes) or a path into sun_path. Returns
 * the number of sun_path bytes (the abstract name's leading NUL included,
 * the path's terminating NUL not), which may exceed 108 only for garbage
 * the caller asked for; buf must have room for 256 bytes.
 */
static inline size_t h_parse_name(const char *spec, unsigned char *buf)
{
	size_t n = 0;
	const char *s = spec;
	if (*s == '@') {
		buf[n++] = '\0';
		s++;
	}
	while (*s && n < 256) {
		unsigned v;
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
			buf[n++] = (unsigned char)v;
			s += 4;
		} else {
			buf[n++] = (unsigned char)*s++;
		}
	}
	return n;
}

/* The bound name of fd as "@..." / path / "unbound"; false if unbound. */
static inline bool h_sockname(int fd, char *out, size_t outlen)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) < 0) {
		snprintf(out, outlen, "getsockname-%s", h_errname(errno));
		return false;
	}
	if (len <= offsetof(struct sockaddr_un, sun_path)) {
		snprintf(out, outlen, "unbound");
		return false;
	}
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	/* A pathname comes back with its terminating NUL: show it as given. */
	if (sun.sun_path[0] != '\0')
		n = strnlen(sun.sun_path, n);
	h_escape((const unsigned char *)sun.sun_path, n, out, outlen);
	return true;
}

/* Split argv at "--": returns the command after it (NULL-terminated) or NULL. */
static inline char **h_split_cmd(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			*argc = i;
			return argv[i + 1] ? &argv[i + 1] : NULL;
		}
	}
	return NULL;
}

/* Run cmd (if any) with everything still open, then exit with status. */
static inline __attribute__((noreturn)) void h_finish(char **cmd, int status)
{
	fflush(stdout);
	fflush(stderr);
	if (cmd) {
		pid_t pid = fork();
		if (pid == 0) {
			execvp(cmd[0], cmd);
			fprintf(stderr, "exec %s: %s\n", cmd[0], strerror(errno));
			_exit(127);
		}
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	exit(status);
}
