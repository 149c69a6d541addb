#!/bin/sh
# sockjail --gate-only in a container that may not create namespaces:
# here one whose seccomp profile refuses namespace flags to clone, unshare
# and setns, as Docker's default profile and Kubernetes' RuntimeDefault do
# (seccomp-no-namespaces.json beside this file stands for them). COMMAND
# shares the container's network, mount and PID namespaces; every bind()
# still goes through sockjail's gate, abstract names are refused unless
# allowed, Landlock keeps it from connecting to abstract sockets made
# outside and from signalling or tracing outside processes, and it runs
# with no_new_privs and no capabilities.
#
# Usage: podman-gate-only.sh IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
# $SOCKJAIL, $PODMAN_RUN_OPTS: as in podman-default.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
image=$1
shift
# shellcheck disable=SC2086
exec podman run --rm --security-opt "seccomp=$here/seccomp-no-namespaces.json" ${PODMAN_RUN_OPTS:-} \
	"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" --gate-only "$@"
