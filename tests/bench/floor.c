// SPDX-License-Identifier: MIT
/*
 * floor COMMAND...: the least a launcher can do to give COMMAND what
 * `sockjail -- COMMAND` gives it by default, and nothing else: no
 * settings, no checks, no messages. It is a yardstick for make bench, not
 * a sandbox to use: what sockjail's design costs on this machine before
 * sockjail's own code adds anything.
 *
 * The same processes and kernel objects as sockjail's default start:
 * a supervisor outside; a PID 1 in new mount, network and PID namespaces
 * that brings lo up (one RTM_NEWLINK), makes / a slave, mounts a read-only
 * tmpfs on /run, a sysfs and a proc; COMMAND's process, vforked by PID 1,
 * with no_new_privs, an empty bounding set and no capabilities, under a
 * seccomp filter that sends bind() to the supervisor, whose listener it
 * hands over before execve(). The supervisor answers binds (continue)
 * until PID 1 exits, and exits with its status.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void lo_up(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.i = { .ifi_family = AF_UNSPEC, .ifi_index = 1, .ifi_flags = IFF_UP, .ifi_change = IFF_UP },
	};
	char ack[256];
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0 || recv(fd, ack, sizeof(ack), 0) < 0)
		die("lo up");
	close(fd);
}

static void mounts(void)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    syscall(SYS_mount_setattr, AT_FDCWD, "/run", 0, &ro, sizeof(ro)) < 0 ||
	    mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount");
}

static void send_fd(int sock, int fd)
{
	char c[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "F", .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c, .msg_controllen = sizeof(c) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char c[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c, .msg_controllen = sizeof(c) };
	int fd = -1;
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static __attribute__((noreturn)) void command(int sock, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bind, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct none[2] = { 0 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	for (int cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 || syscall(SYS_capset, &h, none) < 0)
		die("capabilities");
	int listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		die("seccomp");
	send_fd(sock, listener);
	close(listener);
	close(sock);
	execvp(argv[0], argv);
	die(argv[0]);
}

static __attribute__((noreturn)) void init(int sock, char **argv)
{
	int status;
	lo_up();
	mounts();
	pid_t pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0)
		command(sock, argv);
	close(sock);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Answers every notification with "continue": the round trip is what counts here. */
static void answer(int listener)
{
	struct seccomp_notif req = { 0 };
	struct seccomp_notif_resp resp = { 0 };
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int main(int argc, char **argv)
{
	int sv[2], pidfd = -1;
	if (argc < 2) {
		fprintf(stderr, "usage: floor COMMAND [ARG]...\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	struct clone_args ca = {
		.flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		close(sv[0]);
		init(sv[1], argv + 1);
	}
	close(sv[1]);
	int listener = recv_fd(sv[0]);
	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = listener, .events = POLLIN } };
		if (poll(p, listener >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			die("poll");
		if (p[1].revents & POLLIN)
			answer(listener);
		else if (p[1].revents) {
			close(listener);
			listener = -1;
		}
		if (p[0].revents & POLLIN) {
			siginfo_t si = { 0 };
			if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
				die("waitid");
			return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
		}
	}
}
