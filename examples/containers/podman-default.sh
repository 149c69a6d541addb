#!/bin/sh
# sockjail as a container's entry point under podman's default settings
# (default seccomp profile and capabilities, masked /proc and /sys paths).
#
# The container may create user, network and mount namespaces, so COMMAND
# gets its own network namespace (only lo), /run and read-only /sys. Two
# things differ from sockjail on a host:
#   - podman masks paths under /proc, and the kernel then refuses a fresh
#     proc in a user namespace: --pid host keeps the container's PID
#     namespace and /proc (see podman-unmasked.sh for a private one);
#   - a fresh sysfs is refused for the same reason: sockjail keeps the
#     container's /sys, read-only, so /sys/class/net lists the container's
#     interfaces rather than the sandbox's.
#
# Usage: podman-default.sh IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
# $SOCKJAIL: sockjail's path in the image (default /usr/local/bin/sockjail);
# $PODMAN_RUN_OPTS: more podman run options (--network, --volume, ...).
set -eu
image=$1
shift
# shellcheck disable=SC2086 # PODMAN_RUN_OPTS is a list of words
exec podman run --rm ${PODMAN_RUN_OPTS:-} \
	"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" --pid host "$@"
