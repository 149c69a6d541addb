# --run-socket-optional: a client sandbox that starts before its service (issue 16).
SJ_MODES="root user"

. "$SJ_TESTDIR/76-run-socket-follow.sh"
SJ_MODES="root user"

t_run_socket_optional_before_the_server() {
	write_client
	local dir=$SJ_RUNTMP/svc
	sock=$dir/s.sock
	mkdir "$dir"
	start_sandbox "$sock" --run-socket-optional
	# No server yet: refused, as from a service that is down.
	expect_match "$(round 0 1)" "^0 fail ConnectionRefusedError$" "before the server exists"
	serve 1
	expect_match "$(round 1 10)" "^1 ok " "once the server is up"
	# And it follows the service from then on.
	serve 2
	expect_match "$(round 2 10)" "^2 ok " "after a restart"
	stop_sandbox
	expect_eq "$(cat "$SJ_TMP/err")" "" "sockjail's stderr"
}

t_run_socket_optional_already_there() {
	write_client
	local dir=$SJ_RUNTMP/svc
	sock=$dir/s.sock
	mkdir "$dir"
	serve 0
	start_sandbox "$sock" --run-socket-optional
	expect_match "$(round 0 10)" "^0 ok " "a socket there from the start"
	stop_sandbox
}

t_run_socket_optional_needs_its_directory() {
	run sj --run-socket-optional "$SJ_RUNTMP/nope/s.sock" -- true
	expect_eq "$rc" 125 "status"
	expect_one_error_line "$err"
	expect_match "$err" "--run-socket-optional $SJ_RUNTMP/nope/s.sock: .*its directory must exist" "message"
	# The control: with the directory there, it starts.
	mkdir "$SJ_RUNTMP/nope"
	run sj --run-socket-optional "$SJ_RUNTMP/nope/s.sock" -- true
	expect_eq "$rc" 0 "status with the directory"
}

# A socket that is up when the sandbox starts is there for COMMAND's very
# first connect(), with no retry. The supervisor is held just before it
# mounts what exists; COMMAND, had it been started, would meet the
# placeholder (ECONNREFUSED) and write "tried". Init waits for the
# supervisor, so COMMAND only runs once the mount is in place. (Before the
# fix COMMAND raced the supervisor's mount: ECONNREFUSED, ~1 start in 5
# under the dbus-system-client profile, mostly rootless.)
t_run_socket_optional_first_connect() {
	require_fault_build
	local dir=$SJ_RUNTMP/svc f=$SJ_TMP/fault out i
	sock=$dir/s.sock
	mkdir "$dir" "$f"
	serve 0
	# Control: one connect from the host reaches the server.
	out=$(socat -u "UNIX-CONNECT:$sock" - 2>&1)
	expect_eq "$out" "gen 0" "control, from the host"
	touch "$f/follow-first-look.arm"
	(
		i=0
		while [ ! -e "$f/follow-first-look.reached" ] && [ $((i++)) -lt 1500 ]; do sleep 0.02; done
		# Time for a COMMAND that was not held back to try and fail.
		i=0
		while [ ! -e "$f/tried" ] && [ $((i++)) -lt 50 ]; do sleep 0.02; done
		touch "$f/follow-first-look.go"
	) &
	sj_bg+=("$!")
	run env SJ_FAULT_DIR="$f" "$SOCKJAIL_FAULT" --run-socket-optional "$sock" -- \
		sh -c 'socat -u "UNIX-CONNECT:$1" - 2>&1; r=$?; : >"$2/tried"; exit $r' sh "$sock" "$f"
	[ -e "$f/follow-first-look.reached" ] || fail "the supervisor never reached follow-first-look"
	expect_eq "$rc/$out" "0/gen 0" "COMMAND's first connect: $err"
}
