#!/bin/sh
# A pod whose containers all run under sockjail --gate-only. The containers
# of a pod share one network namespace, and so one abstract namespace: any
# of them could bind the abstract name another one serves on before it
# does (a sidecar squatting the main container's name). Under --gate-only
# every container's binds go through sockjail's gate: a name is refused
# unless that container's sockjail allows it (--abstract-allow), so only
# the container meant to serve a name can take it.
#
# Usage: podman-pod.sh create POD
#        podman-pod.sh run POD IMAGE [SOCKJAIL-OPTION...] -- COMMAND [ARG...]
#        podman-pod.sh rm POD
# $SOCKJAIL, $PODMAN_RUN_OPTS: as in podman-default.sh; $PODMAN_POD_OPTS:
# more podman pod create options.
set -eu
case ${1:-} in
create)
	# shellcheck disable=SC2086
	exec podman pod create --name "$2" ${PODMAN_POD_OPTS:-} ;;
run)
	pod=$2 image=$3
	shift 3
	# shellcheck disable=SC2086
	exec podman run --rm --pod "$pod" ${PODMAN_RUN_OPTS:-} \
		"$image" "${SOCKJAIL:-/usr/local/bin/sockjail}" --gate-only "$@" ;;
rm)
	exec podman pod rm --force "$2" ;;
*)
	echo "usage: $0 create POD | run POD IMAGE [SOCKJAIL-OPTION...] -- COMMAND... | rm POD" >&2
	exit 2 ;;
esac
