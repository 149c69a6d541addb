# --run-socket: a socket re-created by another user is not followed (issue 16).
# Root only: making a socket as another user needs root.
SJ_MODES="root"

. "$SJ_TESTDIR/76-run-socket-follow.sh"
SJ_MODES="root"

t_run_socket_other_owner_not_followed() {
	write_client
	local dir=$SJ_RUNTMP/svc
	sock=$dir/s.sock
	mkdir -m 1777 "$dir"
	serve 0
	start_sandbox "$sock"
	expect_match "$(round 0 10)" "^0 ok " "before"
	kill "$server"
	wait "$server"
	server=
	rm -f "$sock"
	setpriv --reuid=65534 --regid=65534 --clear-groups socat "UNIX-LISTEN:$sock,fork" "SYSTEM:echo gen 1" &
	sj_bg+=("$!")
	local other=$!
	wait_for_path "$sock"
	wait_until 30 grep -q "re-created by" "$SJ_TMP/err"
	expect_eq "$(cat "$SJ_TMP/err")" \
		"sockjail: --run-socket $sock: re-created by uid 65534, not uid 0 as at start-up; not mounted" \
		"the refusal"
	# The control: the host reaches it.
	expect_eq "$(socat - "UNIX-CONNECT:$sock" </dev/null)" "gen 1" "host"
	expect_match "$(round 1 2)" "^1 fail " "sandbox after the refusal"
	kill "$other"
	wait "$other"
	rm -f "$sock"
	serve 2
	expect_match "$(round 2 10)" "^2 ok " "root's socket again ($(cat "$SJ_TMP/err"))"
	stop_sandbox
}

t_run_socket_optional_other_owner_not_mounted() {
	write_client
	local dir=$SJ_RUNTMP/svc
	sock=$dir/s.sock
	mkdir -m 1777 "$dir"
	start_sandbox "$sock" --run-socket-optional
	expect_match "$(round 0 1)" "^0 fail ConnectionRefusedError$" "before"
	setpriv --reuid=65534 --regid=65534 --clear-groups socat "UNIX-LISTEN:$sock,fork" "SYSTEM:echo gen 1" &
	sj_bg+=("$!")
	local other=$!
	wait_for_path "$sock"
	wait_until 30 grep -q "created by" "$SJ_TMP/err"
	expect_eq "$(cat "$SJ_TMP/err")" \
		"sockjail: --run-socket-optional $sock: created by uid 65534, neither root nor the directory's owner; not mounted" \
		"the refusal"
	# The control: the host reaches it.
	expect_eq "$(socat - "UNIX-CONNECT:$sock" </dev/null)" "gen 1" "host"
	expect_match "$(round 1 2)" "^1 fail ConnectionRefusedError$" "sandbox after the refusal"
	kill "$other"
	wait "$other"
	rm -f "$sock"
	serve 2
	expect_match "$(round 2 10)" "^2 ok " "root's socket"
	stop_sandbox
}
