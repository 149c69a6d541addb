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
