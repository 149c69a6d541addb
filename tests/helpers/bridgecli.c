// SPDX-License-Identifier: MIT
/*
 * bridgecli: a client of an abstract-name service, for the abstract bridge
 * (85-bridge.sh). The service (bridge-server.py) answers "peer UID GID" and,
 * after an fd arrives over SCM_RIGHTS, "fd OK".
 *
 *   bridgecli connect @NAME [nonblock] [passcred]
 *     connect, print the service's lines; with SO_PASSCRED also check a
 *     credentials message arrives. OK when the fd went across.
 *   bridgecli race @GOOD @BAD N
 *     a thread flips the address buffer between GOOD and BAD while the main
 *     thread connects N times; the services answer "peer..." then their
 *     own name ("name @X"): ERR as soon as one connect reached BAD.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "helper.h"

static socklen_t make_addr(const char *name, struct sockaddr_un *un)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	size_t len = strlen(name + 1);
	memcpy(un->sun_path + 1, name + 1, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static ssize_t read_line(int fd, char *buf, size_t len, bool passcred, bool *got_creds)
{
	size_t k = 0;
	while (k + 1 < len) {
		char c;
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred))];
		} cm;
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
		ssize_t r = recvmsg(fd, &m, 0);
		if (r < 0 && errno == EAGAIN) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, -1);
			continue;
		}
		if (r <= 0)
			break;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
			if (passcred && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS)
				*got_creds = true;
		if (c == '\n')
			break;
		buf[k++] = c;
	}
	buf[k] = '\0';
	return (ssize_t)k;
}

static int do_connect(const char *name, bool nonblock, bool passcred)
{
	struct sockaddr_un un;
	socklen_t len = make_addr(name, &un);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int one = 1;
	if (s < 0 || (passcred && setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)) {
		printf("SETUP socket %s\n", h_errname(errno));
		return H_SETUP;
	}
	if (connect(s, (struct sockaddr *)&un, len) < 0) {
		printf("ERR connect %s\n", h_errname(errno));
		return H_REFUSED;
	}
	/* What sockjail must keep of the socket it replaced. */
	int fl = fcntl(s, F_GETFL), fdfl = fcntl(s, F_GETFD), pc = 0;
	socklen_t pl = sizeof(pc);
	getsockopt(s, SOL_SOCKET, SO_PASSCRED, &pc, &pl);
	fprintf(stderr, "nonblock=%d cloexec=%d passcred=%d\n", !!(fl & O_NONBLOCK), !!(fdfl & FD_CLOEXEC), pc);
	if (!!(fl & O_NONBLOCK) != nonblock || !(fdfl & FD_CLOEXEC) || !!pc != passcred) {
		printf("ERR socket flags changed: nonblock=%d cloexec=%d passcred=%d\n", !!(fl & O_NONBLOCK),
		       !!(fdfl & FD_CLOEXEC), pc);
		return H_REFUSED;
	}
	char line[256];
	bool creds = false;
	read_line(s, line, sizeof(line), passcred, &creds);
	fprintf(stderr, "%s\n", line);
	/* An fd over SCM_RIGHTS: the read end of a pipe. */
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return H_SETUP;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	memset(&cm, 0, sizeof(cm));
	char x = 'f';
	struct iovec iov = { &x, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &p[0], sizeof(int));
	if (sendmsg(s, &m, MSG_NOSIGNAL) != 1) {
		printf("ERR sendmsg %s\n", h_errname(errno));
		return H_REFUSED;
	}
	if (write(p[1], "pipe-data\n", 10) != 10)
		return H_SETUP;
	char fdline[256];
	read_line(s, fdline, sizeof(fdline), passcred, &creds);
	if (passcred && !creds) {
		printf("ERR no SCM_CREDENTIALS arrived (%s; %s)\n", line, fdline);
		return H_REFUSED;
	}
	printf("OK %s; %s%s\n", line, fdline, passcred ? "; creds" : "");
	return H_OK;
}

static struct sockaddr_un race_addr;
static struct sockaddr_un race_names[2];
static atomic_bool race_stop;

static void *flipper(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !atomic_load(&race_stop); i++)
		memcpy(race_addr.sun_path, race_names[i & 1].sun_path, sizeof(race_addr.sun_path));
	return NULL;
}

static int do_race(const char *good, const char *bad, int n)
{
	if (strlen(good) != strlen(bad)) {
		printf("SETUP names of one length\n");
		return H_SETUP;
	}
	socklen_t len = make_addr(good, &race_names[0]);
	make_addr(bad, &race_names[1]);
	race_addr = race_names[0];
	pthread_t t;
	pthread_create(&t, NULL, flipper, NULL);
	int good_n = 0, refused = 0;
	for (int i = 0; i < n; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(s, (struct sockaddr *)&race_addr, len) < 0) {
			refused++;
			close(s);
			continue;
		}
		char line[256], name[256];
		bool c = false;
		read_line(s, line, sizeof(line), false, &c);
		/* Skip the fd exchange: the service sends its name after the peer line when no fd comes. */
		shutdown(s, SHUT_WR);
		read_line(s, name, sizeof(name), false, &c);
		close(s);
		if (strstr(name, bad + 1)) {
			atomic_store(&race_stop, true);
			pthread_join(t, NULL);
			printf("ERR reached %s on try %d\n", bad, i);
			return H_REFUSED;
		}
		good_n++;
	}
	atomic_store(&race_stop, true);
	pthread_join(t, NULL);
	printf("OK %d connects reached %s, %d refused, none %s\n", good_n, good, refused, bad);
	return good_n > 0 ? H_OK : H_REFUSED;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 3 && strcmp(argv[1], "connect") == 0) {
		bool nb = false, pc = false;
		for (int i = 3; i < argc; i++) {
			nb |= strcmp(argv[i], "nonblock") == 0;
			pc |= strcmp(argv[i], "passcred") == 0;
		}
		return do_connect(argv[2], nb, pc);
	}
	if (argc == 5 && strcmp(argv[1], "race") == 0)
		return do_race(argv[2], argv[3], atoi(argv[4]));
	printf("SETUP usage: bridgecli connect @NAME [nonblock] [passcred] | race @GOOD @BAD N\n");
	return H_SETUP;
}
