#!/bin/sh
# sockjail run by a non-root user in a container (--user 65534:65534), as
# it runs for an ordinary user on a host: a user namespace maps the user's
# uid and gid to themselves. --run-dir directories are created by that
# user, so their parent must be writable by it: give the container one,
# for example a volume owned by the user on /run/app
# (PODMAN_RUN_OPTS="--volume /srv/app-sockets:/run/app"), and pass
# --run-dir /run/app/NAME. --pid host: /proc is masked, as in
# podman-default.sh.
#
# Usage: podman-user.sh IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
# $SOCKJAIL, $PODMAN_RUN_OPTS: as in podman-default.sh.
set -eu
image=$1
shift
# shellcheck disable=SC2086
exec podman run --rm --user 65534:65534 ${PODMAN_RUN_OPTS:-} \
	"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" --pid host "$@"
