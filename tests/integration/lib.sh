# Helpers sourced by every integration test (bash).
# Provided by the runner: SOCKJAIL, SJ_HELPERS, SJ_MODE (root|user|nested),
# SJ_TMP (a scratch dir owned by the test's uid), SJ_RUNTMP (the same under
# /run), SJ_PROFILES (a copy of the shipped profiles/), SOCKJAIL_MUST_WORK.

PY=/usr/bin/python3

sj() { "$SOCKJAIL" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# expect_status N CMD...: run CMD, fail unless it exits N.
expect_status() {
	local want=$1 got
	shift
	"$@"
	got=$?
	[ "$got" -eq "$want" ] || fail "expected status $want, got $got: $*"
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected [$2], got [$1]"
}

# expect_match TEXT REGEX [WHAT]
expect_match() {
	[[ "$1" =~ $2 ]] || fail "${3:-text} does not match /$2/: [$1]"
}

expect_no_match() {
	[[ "$1" =~ $2 ]] && fail "${3:-text} unexpectedly matches /$2/: [$1]"
	return 0
}

is_root_mode() { [ "$SJ_MODE" = root ]; }

require_root_mode() {
	is_root_mode || skip "needs the host's root (mode $SJ_MODE)"
}

require_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (make deps)"
}

helper() { echo "$SJ_HELPERS/$1"; }

# wait_for_path PATH [SECONDS]: wait until PATH exists.
wait_for_path() {
	local i n=$((${2:-5} * 20))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for $1"
}

# Abstract names bound in the current netns (as /proc/net/unix shows them).
abstract_names() { awk 'NR > 1 && $8 ~ /^@/ { print $8 }' /proc/net/unix; }

# Processes a test started in the background (append their pids to
# sj_bg); killed when the test's shell exits, however it ends.
sj_bg=()
sj_bg_cleanup() {
	local p
	for p in "${sj_bg[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	return 0
}
trap sj_bg_cleanup EXIT

# The "COMMAND ran" marker works: with these options (which are fine),
# COMMAND does make $SJ_TMP/ran. The control for every check that a
# refused start-up never ran COMMAND.
ran_marker_control() {
	rm -f "$SJ_TMP/ran"
	"$SOCKJAIL" "$@" -- touch "$SJ_TMP/ran" || fail "control: sockjail $* -- touch exited $?"
	[ -e "$SJ_TMP/ran" ] || fail "control: COMMAND did not make $SJ_TMP/ran"
	rm -f "$SJ_TMP/ran"
}

# wait_until SECONDS CMD...: poll CMD until it succeeds, fail on timeout.
wait_until() {
	local i n=$(($1 * 50))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	fail "timed out waiting for: $*"
}

# run CMD...: stdout in $out, stderr in $err, status in $rc.
# The fault-injection build (include/fault.h), or skip (make integration builds it).
require_fault_build() {
	[ -n "${SOCKJAIL_FAULT:-}" ] && [ -x "$SOCKJAIL_FAULT" ] ||
		skip "the fault-injection build is missing (make fault; SOCKJAIL_FAULT)"
}

run() {
	local ef="$SJ_TMP/.stderr"
	out=$("$@" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
}

# The single line sockjail prints when it fails itself.
expect_one_error_line() {
	[ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "expected one line on stderr, got [$1]"
	expect_match "$1" '^sockjail: ' "stderr"
}

# The runner stages only tests/integration, so the source tree is found
# from the runner's own process: $SJ_SRCDIR if set, else the directory two
# levels above the "run" script of an ancestor process.
# Print the top of the source tree, or fail.
readme_srcdir() {
	local pid=$$ cwd arg dir
	if [ -n "${SJ_SRCDIR:-}" ] && [ -f "$SJ_SRCDIR/README.md" ]; then
		echo "$SJ_SRCDIR"
		return 0
	fi
	while [ "$pid" -gt 1 ] 2>/dev/null; do
		cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
		while IFS= read -r -d '' arg; do
			case $arg in
			run | */run) ;;
			*) continue ;;
			esac
			[ "${arg#/}" = "$arg" ] && arg=$cwd/$arg
			dir=$(dirname "$arg")
			if [ ! -f "$dir/lib.sh" ] || [ ! -f "$dir/../../README.md" ]; then
				continue
			fi
			(cd "$dir/../.." && pwd)
			return 0
		done <"/proc/$pid/cmdline" 2>/dev/null
		# Field 4 of stat is the parent; the name in field 2 may hold spaces.
		pid=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f2)
		[ -n "$pid" ] || break
	done
	return 1
}
