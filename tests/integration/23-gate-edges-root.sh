# The edges of the gate that need the host's root (issue 11): other uids
# and supplementary groups than the caller's, FUSE mounts that leave the
# executor stuck, and the gate's suite run through a stderr socket.
SJ_MODES="root"

. "$SJ_TESTDIR/gate-lib.sh"
. "$SJ_TESTDIR/edges-lib.sh"

# In a user namespace whose setgroups is denied, the executor cannot drop
# to the target's (empty) group list: it must take it on before entering
# that namespace, or refuse; never bind with the supervisor's group 0.
t_executor_groups_setgroups_denied() {
	require_root_mode
	require_helpers nsbind
	local rootdir=$SJ_TMP/root-0775 ours=$SJ_TMP/group-0775
	chmod 755 "$SJ_TMP"
	mkdir -m 775 "$rootdir" "$ours"
	chown 0:65534 "$ours"
	# Control: uid/gid 65534 without supplementary groups gets EACCES outside.
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$H/nsbind" "$rootdir/a.sock"
	expect_eq "$(result)" "ERR bind EACCES" "control: root:root 0775 outside"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$H/nsbind" "$ours/a.sock"
	expect_eq "$(result)" "OK bound $ours/a.sock" "control: its own group's directory outside"
	rm -f "$ours/a.sock"
	# sockjail holds supplementary group 0 (as root's login shells do); COMMAND has none.
	run setpriv --groups 0 "$SOCKJAIL" -q --uid 65534 --gid 65534 -- sh -c '"$1/nsbind" "$2/a.sock"; "$1/nsbind" "$3/a.sock"' \
		sh "$H" "$rootdir" "$ours"
	expect_eq "$(results)" "ERR bind EACCES;OK bound $ours/a.sock;" "--uid 65534 in its own user namespace: $err"
	[ -e "$rootdir/a.sock" ] && fail "bound through the supervisor's group 0"
	return 0
}

# More executor binds stuck than the zygote's queue holds (70 > 64): the
# listener is still polled, denials and direct binds are answered.
t_stuck_executors_denials_answered() {
	require_root_mode
	require_helpers bindun
	fuse_stuck_mount
	run sj --abstract-allow '@sjt-fine-*' -- sh -c '
		i=0; while [ $i -lt 70 ]; do "$1/bindun" "$2/s$i.sock" >/dev/null & i=$((i + 1)); done
		# All 70 inside bind() (syscall 49), waiting for their answer.
		while [ "$(cat /proc/[0-9]*/syscall 2>/dev/null | grep -c "^49 ")" -lt 70 ]; do sleep 0.1; done
		timeout -s KILL 20 "$1/bindun" "@sjt-fine-$3"
		timeout -s KILL 20 "$1/bindun" "@sjt-refused-$3"
		timeout -s KILL 20 "$1/bindun" ""
		echo done' sh "$H" "$fuse_mnt" "$$"
	fuse_release
	expect_eq "$(printf '%s\n' "$out" | grep -v '^OK bound @[0-9a-f]\{5\}$')" \
		"OK bound @sjt-fine-$$"$'\nERR bind EPERM\ndone' "binds beside 70 stuck executor binds: $err"
	printf '%s\n' "$out" | grep -qx 'OK bound @[0-9a-f]\{5\}' || fail "no autobind beside stuck executors: $out"
	expect_match "$err" "denied bind @sjt-refused-$$" "the denial's line"
	expect_eq "$rc" 0 "sockjail's status"
}

# With --uid the executor changes ids, which clears PDEATHSIG: it must set
# it again. sockjail is killed (no cleanup runs): its zygote and the stuck
# executor must die with it. Then an orderly run: host clean afterwards.
t_uid_stuck_executor_dies_with_sockjail() {
	require_root_mode
	require_helpers bindun
	fuse_stuck_mount
	chmod 755 "$SJ_TMP"
	"$SOCKJAIL" -q --uid 65534 --gid 65534 -- sh -c '"$1/bindun" "$2/stuck.sock"' sh "$H" "$fuse_mnt" \
		>"$SJ_TMP/out" 2>&1 </dev/null &
	local sjpid=$! tree i
	sj_bg+=("$sjpid")
	wait_executor "$sjpid"
	kill -KILL "$sjpid"
	wait "$sjpid" 2>/dev/null
	wait_all_gone "$tree" || { ps -o pid,ppid,uid,stat,comm -p "$(echo "$tree" | sed 's/:[0-9]*//g' | tr '\n' ,)0" >&2
		fuse_release; fail "sockjail's helpers outlived it"; }
	# Orderly: COMMAND ends while a bind is stuck; nothing is left on the host.
	local rd=$SJ_RUNTMP/uid-rd mounts_before
	mounts_before=$(grep -c "$SJ_RUNTMP" /proc/self/mountinfo)
	"$SOCKJAIL" -q --uid 65534 --gid 65534 --run-dir "$rd" -- sh -c '
		"$1/bindun" "$2/stuck.sock" & while [ ! -e "$3/go" ]; do sleep 0.05; done; exit 7' sh "$H" "$fuse_mnt" "$SJ_TMP" \
		>"$SJ_TMP/out" 2>&1 </dev/null &
	sjpid=$!
	sj_bg+=("$sjpid")
	wait_executor "$sjpid"
	touch "$SJ_TMP/go"
	wait "$sjpid"
	expect_eq "$?" 7 "sockjail's status with a stuck executor: $(cat "$SJ_TMP/out")"
	wait_all_gone "$tree" || fail "processes left after sockjail exited: $tree"
	[ -e "$rd" ] && fail "run-dir $rd left behind"
	expect_eq "$(grep -c "$SJ_RUNTMP" /proc/self/mountinfo)" "$mounts_before" "host mounts under $SJ_RUNTMP"
	fuse_release
}

# A representative part of the gate's suite, with sockjail's stderr a socket.
t_gate_suite_with_stderr_socket() {
	require_root_mode
	stderr_socket_wrapper
	local f n=0
	local tests="t_abstract_bind_explicit t_abstract_allow_pattern t_autobind t_pathname_bind_exact
		t_privileged_port t_audit_json t_quiet t_on_deny_kill t_pathname_bind_run_dirs t_python3_abstract"
	for f in $tests; do
		n=$((n + 1))
		mkdir -p "$SJ_TMP/suite$n" "$SJ_RUNTMP/suite$n"
		(
			SOCKJAIL=$SJ_TMP/sockjail-stderr-socket SJ_TMP=$SJ_TMP/suite$n SJ_RUNTMP=$SJ_RUNTMP/suite$n
			sj_bg=()
			trap sj_bg_cleanup EXIT
			. "$SJ_TESTDIR/20-gate.sh"
			cd "$SJ_TMP" && "$f"
		) >"$SJ_TMP/suite$n.log" 2>&1
		local r=$?
		[ "$r" = 0 ] || [ "$r" = 77 ] || fail "20-gate $f with stderr a socket: $(tail -n 5 "$SJ_TMP/suite$n.log")"
	done
	return 0
}

