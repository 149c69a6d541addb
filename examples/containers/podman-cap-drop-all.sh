#!/bin/sh
# sockjail as root in a container without capabilities (--cap-drop ALL).
#
# Root without CAP_SETFCAP may not map uid 0 into a user namespace, and uid
# 0 is the only uid it could map: sockjail makes the sandbox's user
# namespace without a uid map. COMMAND keeps root's uid (shown inside as
# the overflow uid, nobody), without capabilities. Mount points sockjail
# would create inside the sandbox (--run-dir, --run-socket, --tmpfs,
# --bind and --ro-bind on new paths) need a mapped uid: add
# --cap-add SETFCAP for those (the uid map is then 0 -> 0).
# --pid host: /proc is masked, as in podman-default.sh.
#
# Usage: podman-cap-drop-all.sh IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
# $SOCKJAIL, $PODMAN_RUN_OPTS: as in podman-default.sh.
set -eu
image=$1
shift
# shellcheck disable=SC2086
exec podman run --rm --cap-drop ALL ${PODMAN_RUN_OPTS:-} \
	"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" --pid host "$@"
