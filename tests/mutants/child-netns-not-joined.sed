# invariant: as root with --net none, the sandbox's first process joins the
# invariant: netns the supervisor made before it mounts, so COMMAND never
# invariant: runs in the host's: here it keeps the fd and skips setns().
# file: launcher/child.c
# tests: 71-process.sh:t_info_fd_matches_proc
# modes: root
s/if (setns(ns, CLONE_NEWNET) < 0)$/if (0 \&\& setns(ns, CLONE_NEWNET) < 0)/
