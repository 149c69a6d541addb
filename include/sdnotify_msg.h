/* SPDX-License-Identifier: MIT */
/*
 * sd_notify(3) messages and addresses, the pure part of the notify relay
 * (sdnotify_relay.c): which lines are passed on to the service manager,
 * and how a NOTIFY_SOCKET value becomes a socket address.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/*
 * Keep the lines of msg (newline-separated assignments) that the relay
 * passes on: READY=1, RELOADING=1, STOPPING=1, STATUS=, ERRNO=, WATCHDOG=1,
 * FDSTORE=1 (with FDNAME=), and MONOTONIC_USEC= and EXTEND_TIMEOUT_USEC=,
 * which systemd needs with RELOADING=1 and to extend a start-up timeout.
 * Everything else is dropped: MAINPID= above all, since sockjail stays the
 * unit's main process, and lines that would make systemd act on something
 * outside the sandbox (WATCHDOG_USEC=, FDSTOREREMOVE=, BARRIER=, ...).
 * Writes the kept lines to out (NUL-terminated, newline-separated) and sets
 * *fdstore when FDSTORE=1 is among them. Returns the length of out (0:
 * nothing to send), or -EINVAL for a message that is not text,
 * -ENOSPC if out is too small.
 */
int sdnotify_msg_filter(const char *msg, size_t len, char *out, size_t outlen, bool *fdstore);

/*
 * NOTIFY_SOCKET as systemd sets it: an absolute path, or "@name" for an
 * abstract name. Returns 0 with the address and its length, or -EINVAL.
 */
int sdnotify_msg_address(const char *value, struct sockaddr_un *addr, socklen_t *len);
