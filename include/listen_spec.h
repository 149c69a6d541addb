/* SPDX-License-Identifier: MIT */
/* --listen SPEC[,name=FDNAME][,mode=OCTAL][,backlog=N]: pure parsing. */
#pragma once

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

enum sj_listen_kind { SJ_LISTEN_UNIX, SJ_LISTEN_ABSTRACT, SJ_LISTEN_TCP, SJ_LISTEN_UDP };

struct sj_listen_spec {
	enum sj_listen_kind kind;
	/* UNIX: the path; ABSTRACT: the name without '@' (bytes, no NULs). */
	char *path;
	struct sockaddr_storage addr; /* ready for bind() */
	socklen_t addrlen;
	char fdname[256]; /* LISTEN_FDNAMES entry; defaults as systemd does */
	int mode;         /* UNIX only: chmod of the socket file, -1 if unset */
	int backlog;
};

int listen_spec_parse(const char *text, struct sj_listen_spec *out, char *err, size_t errlen);
void listen_spec_free(struct sj_listen_spec *spec);
