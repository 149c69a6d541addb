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
