#!/bin/sh
# sockjail's full default sandbox in a podman container: unmasking /proc
# lets the kernel mount a fresh proc for the sandbox's own PID namespace,
# so COMMAND gets a PID namespace of its own with sockjail's init, and the
# supervisor outside it is invisible. /sys stays masked: sockjail keeps the
# container's /sys read-only (unmask=ALL gives the sandbox a fresh sysfs
# too). Docker: --security-opt systempaths=unconfined.
#
# Usage: podman-unmasked.sh IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
# $SOCKJAIL, $PODMAN_RUN_OPTS: as in podman-default.sh.
set -eu
image=$1
shift
# shellcheck disable=SC2086
exec podman run --rm --security-opt 'unmask=/proc/*' ${PODMAN_RUN_OPTS:-} \
	"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" "$@"
