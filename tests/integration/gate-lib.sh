# Shared by the gate's test files (20-gate.sh, 21-gate-root.sh): running
# the attack helpers of tests/helpers and reading their result lines.

H=$SJ_HELPERS

# run CMD...: stdout in $out, stderr in $err, status in $rc; 60 s at most.
# CMD may be sj (lib.sh's function, which timeout(1) cannot run).
run() {
	local cmd=("$@")
	[ "$1" = sj ] && cmd[0]=$SOCKJAIL
	out=$(timeout -s KILL 60 "${cmd[@]}" 2>"$SJ_TMP/.err")
	rc=$?
	err=$(cat "$SJ_TMP/.err")
}

# The first helper result line in $out.
result() { printf '%s\n' "$out" | grep -m1 -E '^(OK|ERR|SETUP) '; }

require_helpers() {
	local h
	for h in "$@"; do
		[ -x "$H/$h" ] || skip "helper $h is not built (make \$(BUILD)/helpers/$h)"
	done
}
