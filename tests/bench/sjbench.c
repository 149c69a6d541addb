// SPDX-License-Identifier: MIT
/*
 * The in-sandbox half of `make bench`: the same calls, run inside sockjail
 * and outside it, timed here so that start-up is not counted.
 *
 *   sjbench abstract N      bind() to a fresh abstract name (denied inside)
 *   sjbench autobind N      bind() with addrlen 2 (kernel-chosen name)
 *   sjbench pathname N DIR  bind() to DIR/sjbench.PID.I, then unlink it
 *   sjbench inet N          bind() to 127.0.0.1 port 0
 *   sjbench getppid N [filtered]
 *                           a tight getppid() loop; "filtered": under a
 *                           seccomp filter that only refuses bind(), the
 *                           least any seccomp gate costs every syscall
 *   sjbench devnull N [filtered]
 *                           a tight 1-byte write() to /dev/null
 *   sjbench parallel P KIND N [DIR]
 *                           P processes each doing N binds of KIND at once
 *   sjbench hold DIR        one bind of each kind, print "ready", wait for a
 *                           line on stdin (the driver reads our supervisor's
 *                           VmHWM meanwhile)
 *   sjbench threads P KIND N [DIR]
 *                           P threads of one process each doing N binds of
 *                           KIND at once (one seccomp filter, one listener:
 *                           what a multithreaded server does)
 *   sjbench notify-floor N  outside any sandbox: the round trip of a seccomp
 *                           notifier that does nothing but RECV (blocking)
 *                           and SEND -EPERM, with SYNC_WAKE_UP set where the
 *                           kernel has it, i.e. what no supervisor can beat
 *
 * Bind modes time each bind() alone (socket() and close() are outside the
 * clock) and print: median_ns mean_ns calls failures errno_of_last_failure.
 * Loop modes print: ns_per_call calls 0 0 0 (the fastest of 10 batches).
 * parallel prints: wall_ns_per_bind median_ns_per_call calls failures errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1UL
#endif

struct result {
	double median_ns, mean_ns;
	long calls, failures;
	int last_errno;
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what)
{
	fprintf(stderr, "sjbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

enum kind { ABSTRACT, AUTOBIND, PATHNAME, INET };

static int parse_kind(const char *s, enum kind *k)
{
	static const char *const names[] = { "abstract", "autobind", "pathname", "inet" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*k = (enum kind)i;
			return 0;
		}
	return -1;
}

/* One bind() of the given kind; returns its duration, sets *err (0 or errno). */
static double bind_once(enum kind k, const char *dir, long i, int *err)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const struct sockaddr *sa = (const struct sockaddr *)&un;
	socklen_t len = sizeof(sa_family_t);
	int fd;

	switch (k) {
	case ABSTRACT:
		/* A name of our own per call: outside, names are global to the netns. */
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				  (size_t)snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "sjbench.%d.%ld",
						   (int)getpid(), i));
		break;
	case AUTOBIND:
		break;
	case PATHNAME:
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				  (size_t)snprintf(un.sun_path, sizeof(un.sun_path), "%s/sjbench.%d.%ld", dir,
						   (int)getpid(), i) + 1);
		break;
	case INET:
		sa = (const struct sockaddr *)&in;
		len = sizeof(in);
		break;
	}
	fd = socket(k == INET ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	double t0 = now_ns();
	int r = bind(fd, sa, len);
	double t1 = now_ns();
	*err = r < 0 ? errno : 0;
	close(fd);
	if (k == PATHNAME && r == 0)
		unlink(un.sun_path);
	return t1 - t0;
}

static void run_binds(enum kind k, long n, const char *dir, struct result *res)
{
	double *t = calloc((size_t)n, sizeof(double)), sum = 0;
	if (!t)
		die("calloc");
	*res = (struct result){ .calls = n };
	for (long i = 0; i < n; i++) {
		int err;
		t[i] = bind_once(k, dir, i, &err);
		sum += t[i];
		if (err) {
			res->failures++;
			res->last_errno = err;
		}
	}
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	res->median_ns = t[n / 2];
	res->mean_ns = sum / (double)n;
	free(t);
}

static void print_result(const struct result *r)
{
	printf("%.0f %.0f %ld %ld %d\n", r->median_ns, r->mean_ns, r->calls, r->failures, r->last_errno);
}

/*
 * ns per call of a tight loop: the fastest of 10 batches, the estimate
 * least disturbed by whatever else the machine runs meanwhile.
 */
static double loop(const char *what, long n)
{
	double b[10];
	int fd = -1;
	char c = 0;
	if (strcmp(what, "devnull") == 0 && (fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		die("/dev/null");
	long per = n / 10 > 0 ? n / 10 : 1;
	for (int j = 0; j < 10; j++) {
		double t0 = now_ns();
		if (fd >= 0) {
			for (long i = 0; i < per; i++)
				if (write(fd, &c, 1) != 1)
					die("write");
		} else {
			for (long i = 0; i < per; i++)
				(void)getppid();
		}
		b[j] = (now_ns() - t0) / (double)per;
	}
	qsort(b, 10, sizeof(double), cmp_double);
	if (fd >= 0)
		close(fd);
	return b[0];
}

/* x86_64 only, like sockjail: bind() goes to action, everything else is allowed. */
static int load_bind_filter(unsigned action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bind, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	unsigned flags = action == SECCOMP_RET_USER_NOTIF ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/*
 * The child loads a filter sending bind() to a listener and hands the
 * listener over; we answer each notification with -EPERM and nothing else
 * (no pidfd, no copy, no checks), as fast as a supervisor could.
 */
static void notify_floor(long n)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		die("socketpair");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, go;
		struct iovec iov = { "l", 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		int l = load_bind_filter(SECCOMP_RET_USER_NOTIF);
		if (l < 0)
			die("seccomp");
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &l, sizeof(int));
		if (sendmsg(sp[1], &m, 0) < 0 || read(sp[1], &go, 1) != 1)
			die("handing the listener over");
		close(l);
		struct result r;
		run_binds(AUTOBIND, n, NULL, &r);
		print_result(&r);
		fflush(stdout);
		_exit(0);
	}
	char cbuf[CMSG_SPACE(sizeof(int))], x;
	struct iovec iov = { &x, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	if (recvmsg(sp[0], &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		die("receiving the listener");
	int l;
	memcpy(&l, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	/*
	 * SYNC_WAKE_UP (Linux 6.6) makes the kernel wake the waiting side on
	 * this CPU instead of an idle one: without it the floor is the cost of
	 * waking an idle CPU, not of the notifier. sockjail sets it too.
	 */
	(void)ioctl(l, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (unsigned long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if (write(sp[0], "g", 1) != 1)
		die("write");
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	/* A blocking RECV: the child's exit ends it with ENOENT. */
	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(l, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		resp = (struct seccomp_notif_resp){ .id = req.id, .error = -EPERM };
		ioctl(l, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	waitpid(pid, NULL, 0);
}

/*
 * P children wait on one pipe so they start together; each reports its own
 * median per call, and we report the wall time from release to the last
 * one's end divided by all the binds done (throughput, as time per bind).
 */
static void run_parallel(int p, enum kind k, long n, const char *dir)
{
	int go[2], out[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe");
	for (int c = 0; c < p; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char b;
			struct result r;
			close(go[1]);
			if (read(go[0], &b, 1) < 0)
				_exit(1);
			run_binds(k, n, dir, &r);
			if (write(out[1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
	}
	close(go[0]);
	close(out[1]);
	double t0 = now_ns();
	close(go[1]); /* EOF releases every child at once */
	struct result all = { 0 }, r;
	double med[64];
	int got = 0;
	while (got < p && got < 64 && read(out[0], &r, sizeof(r)) == sizeof(r)) {
		med[got++] = r.median_ns;
		all.calls += r.calls;
		all.failures += r.failures;
		if (r.failures)
			all.last_errno = r.last_errno;
	}
	while (wait(NULL) > 0)
		;
	double wall = now_ns() - t0;
	if (got != p) {
		fprintf(stderr, "sjbench: %d of %d workers reported\n", got, p);
		exit(1);
	}
	qsort(med, (size_t)got, sizeof(double), cmp_double);
	printf("%.0f %.0f %ld %ld %d\n", wall / (double)all.calls, med[got / 2], all.calls, all.failures,
	       all.last_errno);
}

struct thread_arg {
	enum kind k;
	long n;
	const char *dir;
	int go;
	struct result r;
};

static void *thread_binds(void *p)
{
	struct thread_arg *a = p;
	char b;
	if (read(a->go, &b, 1) < 0)
		return NULL;
	run_binds(a->k, a->n, a->dir, &a->r);
	return NULL;
}

/* As run_parallel, with threads of this process; prints binds per second first. */
static void run_threads(int p, enum kind k, long n, const char *dir)
{
	int go[2];
	pthread_t t[64];
	struct thread_arg a[64];
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	for (int i = 0; i < p; i++) {
		a[i] = (struct thread_arg){ .k = k, .n = n, .dir = dir, .go = go[0] };
		if (pthread_create(&t[i], NULL, thread_binds, &a[i]) != 0)
			die("pthread_create");
	}
	double t0 = now_ns();
	close(go[1]);
	struct result all = { 0 };
	for (int i = 0; i < p; i++) {
		pthread_join(t[i], NULL);
		all.calls += a[i].r.calls;
		all.failures += a[i].r.failures;
		if (a[i].r.failures)
			all.last_errno = a[i].r.last_errno;
	}
	double wall = now_ns() - t0;
	printf("%.0f %.0f %ld %ld %d\n", (double)all.calls * 1e9 / wall, wall / (double)all.calls, all.calls,
	       all.failures, all.last_errno);
}

static void hold(const char *dir)
{
	char line[16];
	int err;
	/* Exercise every path of the supervisor first, the executor included. */
	for (enum kind k = ABSTRACT; k <= INET; k++)
		bind_once(k, dir, 0, &err);
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(1);
}

int main(int argc, char **argv)
{
	enum kind k;
	struct result r;

	if (argc >= 3 && parse_kind(argv[1], &k) == 0) {
		long n = atol(argv[2]);
		if (n <= 0 || (k == PATHNAME && argc < 4))
			goto usage;
		run_binds(k, n, argc >= 4 ? argv[3] : NULL, &r);
		print_result(&r);
		return 0;
	}
	if ((argc == 3 || (argc == 4 && strcmp(argv[3], "filtered") == 0)) &&
	    (strcmp(argv[1], "getppid") == 0 || strcmp(argv[1], "devnull") == 0)) {
		long n = atol(argv[2]);
		if (n <= 0)
			goto usage;
		if (argc == 4 && load_bind_filter(SECCOMP_RET_ERRNO | EPERM) < 0)
			die("seccomp");
		printf("%.1f %ld 0 0 0\n", loop(argv[1], n), n);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "parallel") == 0 && parse_kind(argv[3], &k) == 0) {
		int p = atoi(argv[2]);
		long n = atol(argv[4]);
		if (p <= 0 || p > 64 || n <= 0 || (k == PATHNAME && argc < 6))
			goto usage;
		run_parallel(p, k, n, argc >= 6 ? argv[5] : NULL);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "threads") == 0 && parse_kind(argv[3], &k) == 0) {
		int p = atoi(argv[2]);
		long n = atol(argv[4]);
		if (p <= 0 || p > 64 || n <= 0 || (k == PATHNAME && argc < 6))
			goto usage;
		run_threads(p, k, n, argc >= 6 ? argv[5] : NULL);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "notify-floor") == 0) {
		long n = atol(argv[2]);
		if (n <= 0)
			goto usage;
		notify_floor(n);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "hold") == 0) {
		hold(argv[2]);
		return 0;
	}
usage:
	fprintf(stderr, "usage: sjbench abstract|autobind|inet N | pathname N DIR | getppid|devnull N [filtered] |\n"
			"       parallel|threads P KIND N [DIR] | hold DIR | notify-floor N\n");
	return 2;
}
